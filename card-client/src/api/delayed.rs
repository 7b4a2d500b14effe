//! Delayed updates with a callback token (`/open-apis/interactive/v1/card/update`).

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;
use tokio::time::Instant;

use card_core::validate::Policy;

use crate::card::CardContent;
use crate::client::{Body, Call};
use crate::encode;
use crate::error::CallbackTokenError;
use crate::retry::Replay;
use crate::secret::Secret;
use crate::store::{Store, TokenUse};
use crate::{Client, Error};

/// The update token of a card callback (`event.token`, `c-…`): valid for 30 minutes, for two
/// delayed updates.
///
/// The token counts its uses (clones share the count) and the client refuses a third use or
/// an expired token without sending anything. Create it as soon as the callback arrives, since
/// its age counts from then. A client with a [shared store](crate::ClientBuilder::store)
/// counts the uses there, so that the replicas of a bot together use a token at most twice.
///
/// ```
/// use card_client::CallbackToken;
///
/// let token = CallbackToken::new("c-2e2b4b8a");
/// assert_eq!(token.uses(), 0);
/// assert_eq!(format!("{token:?}").contains("c-2e2b4b8a"), false);
/// ```
#[derive(Clone)]
pub struct CallbackToken {
    token: Secret,
    received: Instant,
    uses: Arc<AtomicU32>,
}

impl CallbackToken {
    /// How many delayed updates one token allows.
    pub const MAX_USES: u32 = 2;
    /// How long a token is valid after the callback.
    pub const VALIDITY: Duration = Duration::from_secs(30 * 60);

    /// A token received now.
    pub fn new(token: impl Into<String>) -> Self {
        Self::received_at(token, Instant::now())
    }

    /// A token received at `received`.
    pub fn received_at(token: impl Into<String>, received: Instant) -> Self {
        CallbackToken {
            token: Secret::new(token),
            received,
            uses: Arc::new(AtomicU32::new(0)),
        }
    }

    /// How many delayed updates were attempted with it.
    pub fn uses(&self) -> u32 {
        self.uses.load(Ordering::SeqCst)
    }

    /// Time since the callback.
    pub fn age(&self) -> Duration {
        Instant::now().saturating_duration_since(self.received)
    }

    /// Takes one use, or says why not.
    fn claim(&self, validity: Duration) -> Result<(), CallbackTokenError> {
        self.check_age(validity)?;
        self.uses
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < Self::MAX_USES).then_some(n + 1)
            })
            .map(|_| ())
            .map_err(|uses| CallbackTokenError::UsedUp { uses })
    }

    fn check_age(&self, validity: Duration) -> Result<(), CallbackTokenError> {
        let age = self.age();
        if age >= validity {
            return Err(CallbackTokenError::Expired { age });
        }
        Ok(())
    }

    /// Takes one use in the store shared by the bot's replicas, or says why not.
    async fn claim_shared(&self, store: &dyn Store, validity: Duration) -> Result<(), Error> {
        self.check_age(validity)?;
        let digest = crate::store::digest(self.token.expose());
        let answer = store
            .use_callback_token(&digest, Self::MAX_USES, validity)
            .await
            .map_err(|source| Error::Store {
                operation: "delayed.update",
                source,
            })?;
        let uses = match answer {
            TokenUse::Granted(uses) => uses,
            TokenUse::UsedUp(uses) => {
                self.uses.fetch_max(uses, Ordering::SeqCst);
                return Err(CallbackTokenError::UsedUp { uses }.into());
            }
        };
        self.uses.fetch_max(uses, Ordering::SeqCst);
        Ok(())
    }
}

impl fmt::Debug for CallbackToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackToken")
            .field("token", &self.token)
            .field("uses", &self.uses())
            .field("age", &self.age())
            .finish()
    }
}

impl PartialEq for CallbackToken {
    fn eq(&self, other: &Self) -> bool {
        self.token == other.token && self.received == other.received
    }
}

/// The new card of a delayed update.
///
/// ```
/// use card_client::DelayedUpdate;
/// use serde_json::json;
///
/// let req = DelayedUpdate::new(json!({"schema": "2.0", "body": {"elements": [
///     {"tag": "markdown", "content": "Approved by <at id=ou_1></at>"}
/// ]}}));
/// # let _ = req;
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DelayedUpdate {
    /// The card: JSON (1.0 or 2.0; a 2.0 card stays 2.0) or a template.
    pub card: CardContent,
    /// Only for JSON 1.0 cards that are not shared: the users whose view changes.
    pub open_ids: Option<Vec<String>>,
    /// The validation policy for this card; `None` (the default) follows the client's
    /// ([`ClientBuilder::validation`](crate::ClientBuilder::validation)).
    #[serde(skip)]
    pub validation: Option<Policy>,
}

impl DelayedUpdate {
    /// Update to `card`.
    pub fn new(card: impl Into<CardContent>) -> Self {
        DelayedUpdate {
            card: card.into(),
            open_ids: None,
            validation: None,
        }
    }

    /// Validates this card under `policy` instead of the client's
    /// ([`ClientBuilder::validation`](crate::ClientBuilder::validation)): with
    /// [`Policy::Lenient`], a tag or property this version does not know is a warning and the
    /// card is sent.
    pub fn validation(mut self, policy: Policy) -> Self {
        self.validation = Some(policy);
        self
    }

    /// For JSON 1.0 non-shared cards: whose view changes.
    pub fn open_ids(mut self, open_ids: Vec<String>) -> Self {
        self.open_ids = Some(open_ids);
        self
    }
}

/// Delayed updates. Get it from [`Client::delayed`].
#[derive(Debug, Clone, Copy)]
pub struct Delayed<'c> {
    client: &'c Client,
}

#[derive(Serialize)]
struct UpdateBody<'a> {
    token: &'a str,
    card: Value,
}

impl<'c> Delayed<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Delayed { client }
    }

    /// Updates the card a user interacted with, after the callback was answered
    /// (`POST /open-apis/interactive/v1/card/update`).
    ///
    /// Refused locally, with [`Error::CallbackToken`] and no request, when the token is older
    /// than 30 minutes or was already used twice. Each call spends one use; it is retried only
    /// when Feishu surely did not apply it (rate limit, token refresh, connection refused),
    /// because a repeated call would spend the second use.
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client) -> Result<(), card_client::Error> {
    /// use card_client::{CallbackToken, DelayedUpdate};
    /// use serde_json::json;
    ///
    /// // In the callback handler: keep the token, answer `{}` within 3 s, then:
    /// let token = CallbackToken::new("c-2e2b4b8a");
    /// let card = json!({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "Approved"}]}});
    /// client.delayed().update(&token, DelayedUpdate::new(card)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, token: &CallbackToken, req: DelayedUpdate) -> Result<(), Error> {
        let warnings = self.client.check_card(&req.card, req.validation)?;
        let mut card = encode::delayed_card(&req.card)?;
        if let Some(open_ids) = req.open_ids {
            match card.as_object_mut() {
                Some(object) => {
                    object.insert(
                        "open_ids".into(),
                        Value::Array(open_ids.into_iter().map(Value::String).collect()),
                    );
                }
                None => {
                    return Err(Error::InvalidArgument(
                        "the card must be a JSON object to carry `open_ids`".into(),
                    ))
                }
            }
        }
        let validity = self.client.real(CallbackToken::VALIDITY);
        match &self.client.inner.store {
            Some(store) => token.claim_shared(store.as_ref(), validity).await?,
            None => token.claim(validity)?,
        }
        let body = encode::body(&UpdateBody {
            token: token.token.expose(),
            card,
        })?;
        self.client
            .call::<serde::de::IgnoredAny>(Call {
                operation: "delayed.update",
                method: Method::POST,
                path: "/open-apis/interactive/v1/card/update".into(),
                query: &[],
                body: Body::Fixed(body),
                replay: Replay::OnlyIfUnapplied,
                card_id: None,
            })
            .await
            .map_err(|e| e.with_card_warnings(warnings))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_token_allows_two_uses_within_thirty_minutes() {
        let token = CallbackToken::new("c-1");
        let copy = token.clone();
        assert!(token.claim(CallbackToken::VALIDITY).is_ok());
        assert!(copy.claim(CallbackToken::VALIDITY).is_ok());
        assert_eq!(
            token.claim(CallbackToken::VALIDITY),
            Err(CallbackTokenError::UsedUp { uses: 2 })
        );
        let old = CallbackToken::new("c-2");
        tokio::time::advance(CallbackToken::VALIDITY).await;
        assert!(matches!(
            old.claim(CallbackToken::VALIDITY),
            Err(CallbackTokenError::Expired { .. })
        ));
        assert_eq!(old.uses(), 0);
    }
}

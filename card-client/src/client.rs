//! The client: configuration, the tenant token, the transport and the call loop.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::encode::{self, Sequenced};
use crate::error::{ApiError, CardError, Error};
use crate::retry::{decide, Decision, Replay, RetryPolicy, Spent};
use crate::secret::Secret;
use crate::sequencer::{self, CardRegistry, CardState};
use crate::store::{Budget, CardTurn, Shared, Store};
use crate::token::TokenCache;
use crate::{Cards, Delayed, Elements, Messages};
use card_core::validate::Policy;

/// Base URL of Feishu (China).
pub const FEISHU_BASE_URL: &str = "https://open.feishu.cn";
/// Base URL of Lark (international).
pub const LARK_BASE_URL: &str = "https://open.larksuite.com";

/// Where the API lives.
///
/// ```
/// use card_client::BaseUrl;
///
/// assert_eq!(BaseUrl::Lark.as_str(), "https://open.larksuite.com");
/// assert_eq!(BaseUrl::from("http://127.0.0.1:8080/").as_str(), "http://127.0.0.1:8080");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BaseUrl {
    /// `https://open.feishu.cn`
    #[default]
    Feishu,
    /// `https://open.larksuite.com`
    Lark,
    /// Any other URL, such as an emulator's; without a trailing slash.
    Custom(String),
}

impl BaseUrl {
    /// The URL, without a trailing slash.
    pub fn as_str(&self) -> &str {
        match self {
            BaseUrl::Feishu => FEISHU_BASE_URL,
            BaseUrl::Lark => LARK_BASE_URL,
            BaseUrl::Custom(url) => url,
        }
    }
}

impl From<&str> for BaseUrl {
    fn from(url: &str) -> Self {
        BaseUrl::from(url.to_owned())
    }
}

impl From<String> for BaseUrl {
    fn from(mut url: String) -> Self {
        while url.ends_with('/') {
            url.pop();
        }
        match url.as_str() {
            FEISHU_BASE_URL => BaseUrl::Feishu,
            LARK_BASE_URL => BaseUrl::Lark,
            _ => BaseUrl::Custom(url),
        }
    }
}

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use card_client::{BaseUrl, Client, RetryPolicy};
///
/// let client = Client::builder("cli_a1b2c3", "app-secret")
///     .base_url(BaseUrl::Lark)
///     .timeout(Duration::from_secs(10))
///     .retry_policy(RetryPolicy::default())
///     .build()?;
/// # Ok::<(), card_client::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientBuilder {
    app_id: String,
    app_secret: Secret,
    base_url: BaseUrl,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    time_scale: f64,
    card_ops_per_second: u32,
    max_tracked_cards: usize,
    store: Option<Shared>,
    validation: Policy,
}

impl ClientBuilder {
    /// Starts from the app's credentials, with defaults for the rest: Feishu, 30 s per request,
    /// 10 s to connect, [`RetryPolicy::default`].
    pub fn new(app_id: impl Into<String>, app_secret: impl Into<Secret>) -> Self {
        ClientBuilder {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
            base_url: BaseUrl::Feishu,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            time_scale: 1.0,
            card_ops_per_second: 10,
            max_tracked_cards: 10_000,
            store: None,
            validation: Policy::Strict,
        }
    }

    /// Feishu, Lark, or any URL (an emulator).
    pub fn base_url(mut self, base_url: impl Into<BaseUrl>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Time limit of one HTTP attempt, from sending to the end of the answer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time limit for opening a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How failed calls are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How many CardKit operations per second the client allows itself on one card entity
    /// (1 to 64). Feishu allows 10 (the default); lower it when other processes write to the
    /// same cards.
    pub fn card_ops_per_second(mut self, ops: u32) -> Self {
        self.card_ops_per_second = ops.clamp(1, 64);
        self
    }

    /// How many card entities the client keeps sequence and budget state for (default 10,000).
    /// Past that it forgets the least recently used idle ones; a forgotten card resynchronises
    /// its sequence on its next call.
    pub fn max_tracked_cards(mut self, max: usize) -> Self {
        self.max_tracked_cards = max.max(1);
        self
    }

    /// For tests against an emulator whose clock runs `scale` times faster than real time:
    /// divides every duration the client measures in Feishu's time by `scale` (backoff,
    /// rate-limit resets, the per-card budget window, token and callback-token lifetimes).
    /// Request timeouts are not scaled. Default 1; values below 1 or not finite are treated
    /// as 1.
    pub fn time_scale(mut self, scale: f64) -> Self {
        self.time_scale = if scale.is_finite() && scale >= 1.0 {
            scale
        } else {
            1.0
        };
        self
    }

    /// What the validation before sending makes of a tag or a property this version of the
    /// registry does not know (a request can choose otherwise, such as
    /// [`SendMessage::validation`](crate::SendMessage::validation)).
    ///
    /// The default is [`Policy::Strict`]: an unknown tag or property is
    /// [`Error::InvalidCard`] and no request is made. Feishu refuses a card with a property it
    /// does not know (ErrCode 200621), and in a hand-written card an unknown name is far more
    /// often a typo than a feature newer than this crate, so refusing it locally gives the
    /// clearer error without a round trip. [`Policy::Lenient`] sends such a card with a warning
    /// (logged, and kept in [`ApiError::card_warnings`](crate::ApiError::card_warnings) when
    /// Feishu refuses it): the way to use a component or property Feishu added after this
    /// version, with everything known still checked.
    ///
    /// ```
    /// use card_client::Client;
    /// use card_core::validate::Policy;
    ///
    /// let client = Client::builder("cli_a1b2c3", "app-secret")
    ///     .validation(Policy::Lenient)
    ///     .build()?;
    /// assert_eq!(client.validation(), Policy::Lenient);
    /// # Ok::<(), card_client::Error>(())
    /// ```
    pub fn validation(mut self, policy: Policy) -> Self {
        self.validation = policy;
        self
    }

    /// Shares the client's state with the other replicas of the bot through `store`: the
    /// tenant token, each card entity's sequence and 10 operations/s, the uses of callback
    /// tokens and the ownership of streams (see [`crate::store`]). Without it (the default)
    /// that state lives in this client's memory.
    ///
    /// ```
    /// use card_client::store::MemoryStore;
    /// use card_client::Client;
    ///
    /// let store = MemoryStore::new("cli_a1b2c3");
    /// let client = Client::builder("cli_a1b2c3", "app-secret").store(store).build()?;
    /// # let _ = client;
    /// # Ok::<(), card_client::Error>(())
    /// ```
    pub fn store(mut self, store: impl Store) -> Self {
        self.store = Some(Shared(Arc::new(store)));
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an empty app id or secret, a base URL that is not
    /// `http(s)://…`, a [`store`](Self::store) made for another app, or when the TLS backend
    /// cannot start.
    pub fn build(self) -> Result<Client, Error> {
        if self.app_id.is_empty() || self.app_secret.expose().is_empty() {
            return Err(Error::InvalidArgument(
                "the app id and the app secret must not be empty; find them on the app's \
                 credentials page in the developer console"
                    .into(),
            ));
        }
        let url = self.base_url.as_str();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(Error::InvalidArgument(format!(
                "the base URL `{url}` must start with https:// (or http:// for an emulator)"
            )));
        }
        if let Some(Shared(store)) = &self.store {
            if store.app_id() != self.app_id {
                return Err(Error::InvalidArgument(format!(
                    "the store holds the state of the app `{}`, not of `{}`; make one store per app",
                    store.app_id(),
                    self.app_id
                )));
            }
        }
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .user_agent(concat!("card-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::InvalidArgument(format!("the HTTP client cannot start: {e}")))?;
        let replica = new_uuid();
        let store = self.store.as_ref().map(|Shared(store)| store.clone());
        let token = match &store {
            Some(store) => TokenCache::shared(store.clone(), replica.clone()),
            None => TokenCache::default(),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                cards: CardRegistry::new(self.max_tracked_cards),
                token,
                http,
                config: self,
                store,
                replica,
            }),
        })
    }
}

/// An async client for Feishu/Lark cards: messages, CardKit entities and elements, delayed
/// updates.
///
/// Cheap to clone (an `Arc` inside); clones share the tenant token, the connection pool and
/// the per-card sequencers. Build one per app and keep it.
///
/// ```no_run
/// use card_client::{Client, SendMessage};
/// use serde_json::json;
///
/// # async fn demo() -> Result<(), card_client::Error> {
/// let client = Client::builder("cli_a1b2c3", "app-secret").build()?;
/// let card = json!({
///     "schema": "2.0",
///     "body": {"elements": [{"tag": "markdown", "content": "**Deployed** v1.2.3"}]}
/// });
/// let message = client
///     .messages()
///     .send(SendMessage::to_chat("oc_5ad11d72b830411d72b836c20", card))
///     .await?;
/// println!("sent {}", message.message_id);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: ClientBuilder,
    pub(crate) http: reqwest::Client,
    pub(crate) token: TokenCache,
    pub(crate) cards: CardRegistry,
    /// The state shared with other replicas, if any.
    pub(crate) store: Option<Arc<dyn Store>>,
    /// This client's name in the shared store's locks and leases.
    pub(crate) replica: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.inner.config;
        f.debug_struct("Client")
            .field("app_id", &c.app_id)
            .field("app_secret", &c.app_secret)
            .field("base_url", &c.base_url.as_str())
            .field("retry", &c.retry)
            .finish_non_exhaustive()
    }
}

/// One HTTP call, before retries.
pub(crate) struct Call<'a> {
    pub operation: &'static str,
    pub method: Method,
    pub path: String,
    pub query: &'a [(&'static str, &'a str)],
    pub body: Body,
    pub replay: Replay,
    /// The card entity whose sequencer and budget this call goes through.
    pub card_id: Option<&'a str>,
}

/// A request body.
pub(crate) enum Body {
    /// The same bytes on every attempt.
    Fixed(Vec<u8>),
    /// A CardKit body that takes a new `sequence` on every attempt.
    Sequenced(Sequenced),
}

#[derive(Deserialize)]
struct Envelope<T> {
    code: i64,
    #[serde(default)]
    msg: String,
    data: Option<T>,
    #[serde(default)]
    error: Option<ErrorExtra>,
}

#[derive(Deserialize, Default)]
struct ErrorExtra {
    #[serde(default)]
    log_id: Option<String>,
    #[serde(default)]
    troubleshooter: Option<String>,
}

impl Client {
    /// Starts a [`ClientBuilder`].
    pub fn builder(app_id: impl Into<String>, app_secret: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder::new(app_id, app_secret)
    }

    /// The validation policy of requests that do not choose their own (see
    /// [`ClientBuilder::validation`]).
    pub fn validation(&self) -> Policy {
        self.inner.config.validation
    }

    /// Messages: send, reply, patch.
    pub fn messages(&self) -> Messages<'_> {
        Messages::new(self)
    }

    /// CardKit card entities: create, update, settings, batch update, id conversion.
    pub fn cards(&self) -> Cards<'_> {
        Cards::new(self)
    }

    /// CardKit elements of one card entity: add, update, patch, delete, stream text.
    pub fn elements<'a>(&'a self, card_id: &'a str) -> Elements<'a> {
        Elements::new(self, card_id)
    }

    /// Delayed updates with the token of a card callback.
    pub fn delayed(&self) -> Delayed<'_> {
        Delayed::new(self)
    }

    /// The last `sequence` this client used on a card entity, if it tracks the card; with a
    /// [shared store](ClientBuilder::store), the last one any replica used (`None` also when
    /// the store cannot be reached).
    pub async fn card_sequence(&self, card_id: &str) -> Option<u32> {
        if let Some(store) = &self.inner.store {
            return match store.last_sequence(card_id).await {
                Ok(last) => last,
                Err(e) => {
                    tracing::warn!(card_id, "could not read the card's shared sequence: {e}");
                    None
                }
            };
        }
        let state = self.inner.cards.peek(card_id)?;
        let guard = state.lock().await;
        Some(guard.last_sequence())
    }

    /// Continues a card entity that another process (or an earlier run) wrote to: the next call
    /// on it uses `last_sequence + 1`. Without this the client starts at 1 and, on Feishu's
    /// 300317, moves past the conflict by itself.
    pub async fn resume_card(&self, card_id: &str, last_sequence: u32) {
        if let Some(store) = &self.inner.store {
            if let Err(e) = store.raise_sequence(card_id, last_sequence).await {
                tracing::warn!(card_id, "could not raise the card's shared sequence: {e}");
            }
            return;
        }
        let state = self.inner.cards.get(card_id);
        let mut guard = state.lock().await;
        guard.raise_to(last_sequence);
    }

    /// The app id.
    #[cfg(feature = "ws")]
    pub(crate) fn app_id(&self) -> &str {
        &self.inner.config.app_id
    }

    /// The app secret.
    #[cfg(feature = "ws")]
    pub(crate) fn app_secret(&self) -> &Secret {
        &self.inner.config.app_secret
    }

    /// The base URL, without a trailing slash.
    #[cfg(feature = "ws")]
    pub(crate) fn base_url(&self) -> &str {
        self.inner.config.base_url.as_str()
    }

    /// The configured time scale (1 outside tests).
    #[cfg(feature = "ws")]
    pub(crate) fn time_scale(&self) -> f64 {
        self.inner.config.time_scale
    }

    /// A duration in Feishu's time as real time, under the configured time scale.
    pub(crate) fn real(&self, feishu: Duration) -> Duration {
        feishu.div_f64(self.inner.config.time_scale)
    }

    /// Runs a call with the retry rules and returns its `data`.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
    ) -> Result<Option<T>, Error> {
        match call.card_id {
            Some(card_id) => {
                let state = self.inner.cards.get(card_id);
                let mut guard = state.lock().await;
                let result = self.run(&call, Some(&mut guard)).await;
                if let (Some(store), Err(_)) = (&self.inner.store, &result) {
                    // A failure may leave the card's write lock taken; it is ours to release.
                    let lock = sequencer::card_lock(card_id);
                    if let Err(e) = store.unlock(&lock, &self.inner.replica).await {
                        tracing::debug!(card_id, "could not release the card's lock: {e}");
                    }
                }
                result
            }
            None => self.run(&call, None).await,
        }
    }

    async fn run<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        mut card: Option<&mut CardState>,
    ) -> Result<Option<T>, Error> {
        let config = &self.inner.config;
        let window = self.real(Duration::from_secs(1));
        let mut spent = Spent::default();
        loop {
            let token = self.tenant_token().await?;
            let (bytes, sequence) = match (&call.body, card.as_deref_mut()) {
                (Body::Fixed(bytes), _) => (bytes.clone(), None),
                (Body::Sequenced(body), Some(state)) => {
                    let seq = match (&self.inner.store, call.card_id) {
                        (Some(store), Some(card_id)) => {
                            self.shared_turn(store.as_ref(), call, card_id, window)
                                .await?
                        }
                        _ => {
                            state
                                .wait_for_budget(config.card_ops_per_second, window)
                                .await;
                            state.next_sequence()?
                        }
                    };
                    (body.with(seq), Some(seq))
                }
                (Body::Sequenced(_), None) => {
                    return Err(Error::InvalidArgument(format!(
                        "{} needs a card id",
                        call.operation
                    )))
                }
            };
            let result = self.attempt(call, &token, bytes).await;
            let err = match result {
                Ok(data) => {
                    self.record(call, card.as_deref_mut(), sequence, true).await;
                    return Ok(data);
                }
                Err(err) => err,
            };
            let decision = decide(&config.retry, &err, &spent, call.replay);
            self.record(
                call,
                card.as_deref_mut(),
                sequence,
                decision == Decision::Fail,
            )
            .await;
            tracing::debug!(
                operation = call.operation,
                code = err.code(),
                sequence,
                retries = spent.retries,
                ?decision,
                "call failed"
            );
            match decision {
                Decision::Fail => return Err(err),
                Decision::Wait(feishu_time) => {
                    spent.retries += 1;
                    tokio::time::sleep(self.real(feishu_time)).await;
                }
                Decision::RefreshToken => {
                    spent.token_refreshed = true;
                    self.inner.token.forget(&token).await;
                }
                Decision::Resync => {
                    spent.resynced = true;
                    match (&self.inner.store, call.card_id) {
                        (Some(store), Some(card_id)) => store
                            .raise_sequence(card_id, sequencer::resync_target())
                            .await
                            .map_err(|source| Error::Store {
                                operation: call.operation,
                                source,
                            })?,
                        _ => {
                            if let Some(state) = card.as_deref_mut() {
                                state.resync();
                            }
                        }
                    }
                }
            }
        }
    }

    /// Waits for this replica's turn on a card in the shared store: its write lock, one
    /// operation of its budget, and the next sequence.
    async fn shared_turn(
        &self,
        store: &dyn Store,
        call: &Call<'_>,
        card_id: &str,
        window: Duration,
    ) -> Result<u32, Error> {
        let config = &self.inner.config;
        // The lock outlives the longest attempt, so that it never lapses mid-request; a
        // replica that dies holding it blocks the card for that long at most.
        let budget = Budget::new(
            config.card_ops_per_second,
            window,
            config.timeout + Duration::from_secs(1),
        );
        loop {
            let turn = store
                .card_turn(card_id, &self.inner.replica, budget)
                .await
                .map_err(|source| Error::Store {
                    operation: call.operation,
                    source,
                })?;
            match turn {
                CardTurn::Go { sequence } => return Ok(sequence),
                CardTurn::Wait(wait) => tokio::time::sleep(wait).await,
                CardTurn::Exhausted => return Err(sequencer::exhausted()),
            }
        }
    }

    /// Counts an attempt that carried `sequence` in the card's budget; `last` when the call
    /// ends with it.
    async fn record(
        &self,
        call: &Call<'_>,
        card: Option<&mut CardState>,
        sequence: Option<u32>,
        last: bool,
    ) {
        let Some(sequence) = sequence else {
            return;
        };
        match (&self.inner.store, call.card_id) {
            (Some(store), Some(card_id)) => {
                if let Err(e) = store
                    .card_done(card_id, &self.inner.replica, sequence, last)
                    .await
                {
                    // The operation stays counted from its start, and the lock expires.
                    tracing::warn!(
                        card_id,
                        "could not record a card write in the shared store: {e}"
                    );
                }
            }
            _ => {
                if let Some(state) = card {
                    state.record_operation();
                }
            }
        }
    }

    /// One HTTP exchange.
    async fn attempt<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        token: &Secret,
        body: Vec<u8>,
    ) -> Result<Option<T>, Error> {
        let url = format!("{}{}", self.inner.config.base_url.as_str(), call.path);
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), url)
            .header(AUTHORIZATION, format!("Bearer {}", token.expose()))
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .body(body);
        if !call.query.is_empty() {
            request = request.query(call.query);
        }
        let response = request.send().await.map_err(|source| Error::Transport {
            operation: call.operation,
            source,
        })?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(|source| Error::Transport {
            operation: call.operation,
            source,
        })?;
        decode(call.operation, status, &headers, &bytes)
    }

    /// The tenant token, from the cache or fetched (one fetch shared by concurrent callers).
    pub(crate) async fn tenant_token(&self) -> Result<Secret, Error> {
        let inner = &self.inner;
        inner
            .token
            .get(|| self.fetch_token(), |expire| self.real(expire))
            .await
    }

    async fn fetch_token(&self) -> Result<(Secret, Duration), Error> {
        #[derive(serde::Serialize)]
        struct TokenRequest<'a> {
            app_id: &'a str,
            app_secret: &'a str,
        }
        #[derive(Deserialize)]
        struct TokenResponse {
            code: i64,
            #[serde(default)]
            msg: String,
            #[serde(default)]
            tenant_access_token: Option<String>,
            #[serde(default)]
            expire: Option<u64>,
        }
        const OPERATION: &str = "auth.tenant_access_token";
        let config = &self.inner.config;
        let body = encode::body(&TokenRequest {
            app_id: &config.app_id,
            app_secret: config.app_secret.expose(),
        })?;
        let url = format!(
            "{}/open-apis/auth/v3/tenant_access_token/internal",
            config.base_url.as_str()
        );
        let mut spent = Spent::default();
        loop {
            let attempt = async {
                let response = self
                    .inner
                    .http
                    .post(&url)
                    .header(CONTENT_TYPE, "application/json; charset=utf-8")
                    .body(body.clone())
                    .send()
                    .await
                    .map_err(|source| Error::Transport {
                        operation: OPERATION,
                        source,
                    })?;
                let status = response.status();
                let headers = response.headers().clone();
                let bytes = response.bytes().await.map_err(|source| Error::Transport {
                    operation: OPERATION,
                    source,
                })?;
                let parsed: TokenResponse =
                    serde_json::from_slice(&bytes).map_err(|source| Error::Decode {
                        operation: OPERATION,
                        status: status.as_u16(),
                        body: "[withheld: the token endpoint's answer may hold a token]".into(),
                        source,
                    })?;
                match (parsed.code, parsed.tenant_access_token, parsed.expire) {
                    (0, Some(token), Some(expire)) if !token.is_empty() => {
                        Ok((Secret::new(token), Duration::from_secs(expire)))
                    }
                    (0, _, _) => Err(Error::Decode {
                        operation: OPERATION,
                        status: status.as_u16(),
                        body: "[withheld: the token endpoint's answer may hold a token]".into(),
                        source: serde::de::Error::custom(
                            "code 0 without `tenant_access_token` and `expire`",
                        ),
                    }),
                    (code, _, _) => Err(api_error(
                        OPERATION, status, &headers, code, parsed.msg, None,
                    )),
                }
            };
            match attempt.await {
                Ok(token) => return Ok(token),
                Err(err) => match decide(&config.retry, &err, &spent, Replay::Safe) {
                    Decision::Wait(feishu_time) => {
                        spent.retries += 1;
                        tokio::time::sleep(self.real(feishu_time)).await;
                    }
                    _ => return Err(err),
                },
            }
        }
    }
}

/// Reads Feishu's envelope: `data` on `code == 0`, an [`ApiError`] otherwise.
fn decode<T: DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<Option<T>, Error> {
    let envelope: Envelope<T> = serde_json::from_slice(bytes).map_err(|source| Error::Decode {
        operation,
        status: status.as_u16(),
        body: String::from_utf8_lossy(bytes).into_owned(),
        source,
    })?;
    if envelope.code == 0 {
        return Ok(envelope.data);
    }
    Err(api_error(
        operation,
        status,
        headers,
        envelope.code,
        envelope.msg,
        envelope.error,
    ))
}

fn api_error(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    code: i64,
    msg: String,
    extra: Option<ErrorExtra>,
) -> Error {
    let extra = extra.unwrap_or_default();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let log_id = header("x-tt-logid").or(extra.log_id);
    let retry_after = header("x-ogw-ratelimit-reset")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    Error::from(ApiError {
        operation,
        http_status: status.as_u16(),
        code,
        card_error: CardError::parse(&msg),
        msg,
        log_id,
        troubleshooter: extra.troubleshooter,
        retry_after,
        card_warnings: Default::default(),
    })
}

/// The `data` of a call that must return one.
pub(crate) fn require<T>(operation: &'static str, data: Option<T>) -> Result<T, Error> {
    data.ok_or_else(|| Error::Decode {
        operation,
        status: 200,
        body: String::new(),
        source: serde::de::Error::custom("`code` is 0 but `data` is missing"),
    })
}

/// A new idempotency key.
pub(crate) fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_secret() {
        let client = Client::builder("cli_a", "very-secret-value")
            .build()
            .expect("builds");
        let debug = format!("{client:?}");
        assert!(!debug.contains("very-secret-value"), "{debug}");
        assert!(debug.contains("[redacted]"), "{debug}");
        let builder = format!("{:?}", Client::builder("cli_a", "very-secret-value"));
        assert!(!builder.contains("very-secret-value"), "{builder}");
    }

    #[test]
    fn bad_configuration_is_refused_with_a_hint() {
        let empty = Client::builder("", "s").build().expect_err("empty app id");
        assert!(empty.to_string().contains("credentials page"), "{empty}");
        let url = Client::builder("cli_a", "s")
            .base_url("ftp://example.com")
            .build()
            .expect_err("not http");
        assert!(matches!(url, Error::InvalidArgument(_)));
    }

    #[test]
    fn time_scale_divides_feishu_durations() {
        let client = Client::builder("cli_a", "s")
            .time_scale(20.0)
            .build()
            .expect("builds");
        assert_eq!(
            client.real(Duration::from_secs(2)),
            Duration::from_millis(100)
        );
        let normal = Client::builder("cli_a", "s")
            .time_scale(f64::NAN)
            .build()
            .expect("builds");
        assert_eq!(normal.real(Duration::from_secs(2)), Duration::from_secs(2));
    }
}

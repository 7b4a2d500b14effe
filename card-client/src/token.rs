//! The tenant token cache: one token for every caller, refreshed once when it gets old; with
//! a shared store, one token for every replica, refreshed by one replica at a time.

use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::secret::Secret;
use crate::store::{Store, StoreError, TOKEN_REFRESH_LOCK};
use crate::Error;

/// Official SDKs stop using a token 3 minutes before Feishu says it expires.
const EXPIRY_MARGIN: Duration = Duration::from_secs(180);
/// Longest lifetime believed from the token endpoint.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

#[derive(Clone)]
struct Cached {
    token: Secret,
    use_until: Instant,
}

impl Cached {
    fn fresh(&self, now: Instant) -> bool {
        now < self.use_until
    }
}

/// How long one replica may hold the refresh lock: one token request, with its retries.
const REFRESH_LOCK: Duration = Duration::from_secs(10);
/// How often a replica waiting for another's refresh looks for the new token.
const REFRESH_POLL: Duration = Duration::from_millis(10);

/// Holds the current token; concurrent callers that find it stale wait for one refresh.
#[derive(Default)]
pub(crate) struct TokenCache {
    current: RwLock<Option<Cached>>,
    refresh: Mutex<()>,
    /// The store the replicas share the token through, and this replica's name in its locks.
    shared: Option<(Arc<dyn Store>, String)>,
}

impl TokenCache {
    /// A cache whose token is shared with other replicas through `store`.
    pub(crate) fn shared(store: Arc<dyn Store>, owner: String) -> Self {
        TokenCache {
            shared: Some((store, owner)),
            ..TokenCache::default()
        }
    }

    fn keep(&self, token: &Secret, use_for: Duration) {
        let cached = Cached {
            token: token.clone(),
            use_until: Instant::now() + use_for,
        };
        if let Ok(mut slot) = self.current.write() {
            *slot = Some(cached);
        }
    }

    /// The shared token, or this replica's turn to fetch it for everyone. The outer error is
    /// the store's: the caller then fetches a token of its own.
    async fn get_shared<F, Fut, S>(
        &self,
        store: &dyn Store,
        owner: &str,
        fetch: &mut Option<F>,
        scale: &S,
    ) -> Result<Result<Secret, Error>, StoreError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Secret, Duration), Error>>,
        S: Fn(Duration) -> Duration,
    {
        let give_up = Instant::now() + REFRESH_LOCK + REFRESH_LOCK;
        loop {
            if let Some((token, left)) = store.token().await? {
                self.keep(&token, left);
                return Ok(Ok(token));
            }
            if store.lock(TOKEN_REFRESH_LOCK, owner, REFRESH_LOCK).await? {
                // Another replica may have shared a token between the two calls above.
                if let Some((token, left)) = store.token().await? {
                    store.unlock(TOKEN_REFRESH_LOCK, owner).await?;
                    self.keep(&token, left);
                    return Ok(Ok(token));
                }
                let Some(fetch) = fetch.take() else {
                    return Err("the token was fetched once already".into());
                };
                let fetched = fetch().await;
                let result = match fetched {
                    Ok((token, expire)) => {
                        let use_for = scale(expire.min(MAX_LIFETIME).saturating_sub(EXPIRY_MARGIN));
                        self.keep(&token, use_for);
                        tracing::debug!(
                            valid_for_s = use_for.as_secs(),
                            "fetched a tenant token for every replica"
                        );
                        if let Err(e) = store.put_token(&token, use_for).await {
                            tracing::warn!("could not share the new tenant token: {e}");
                        }
                        Ok(token)
                    }
                    Err(e) => Err(e),
                };
                if let Err(e) = store.unlock(TOKEN_REFRESH_LOCK, owner).await {
                    tracing::warn!(
                        "could not release the token refresh lock (it expires by itself): {e}"
                    );
                }
                return Ok(result);
            }
            if Instant::now() >= give_up {
                return Err("another replica held the token refresh lock for too long".into());
            }
            tokio::time::sleep(REFRESH_POLL).await;
        }
    }

    /// Forgets `used` after Feishu refused it, here and in the shared store.
    pub(crate) async fn forget(&self, used: &Secret) {
        self.invalidate(used);
        if let Some((store, _)) = &self.shared {
            if let Err(e) = store.drop_token(used).await {
                tracing::warn!(
                    "could not drop the refused tenant token from the shared store: {e}"
                );
            }
        }
    }

    /// The cached token if it is fresh; otherwise runs `fetch` (once, however many callers
    /// wait) and caches its token until `expire - 3 min`, with `scale` turning Feishu's
    /// durations into real ones.
    pub(crate) async fn get<F, Fut, S>(&self, fetch: F, scale: S) -> Result<Secret, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Secret, Duration), Error>>,
        S: Fn(Duration) -> Duration,
    {
        if let Some(token) = self.fresh(Instant::now()) {
            return Ok(token);
        }
        let _refreshing = self.refresh.lock().await;
        if let Some(token) = self.fresh(Instant::now()) {
            return Ok(token);
        }
        let mut fetch = Some(fetch);
        if let Some((store, owner)) = &self.shared {
            match self
                .get_shared(store.as_ref(), owner, &mut fetch, &scale)
                .await
            {
                Ok(result) => return result,
                // The token is the one piece of shared state a replica may keep alone: Feishu
                // gives a valid token to every replica that asks.
                Err(e) => tracing::warn!(
                    "the shared store failed, fetching a tenant token for this replica alone: {e}"
                ),
            }
        }
        let Some(fetch) = fetch else {
            return Err(Error::InvalidArgument(
                "the tenant token was fetched, but the shared store failed before it could be kept"
                    .into(),
            ));
        };
        let (token, expire) = fetch().await?;
        // Feishu's tokens live 2 hours; a larger `expire` is a broken answer, not a reason to
        // keep a token for ever.
        let use_for = scale(expire.min(MAX_LIFETIME).saturating_sub(EXPIRY_MARGIN));
        let cached = Cached {
            token: token.clone(),
            use_until: Instant::now() + use_for,
        };
        tracing::debug!(valid_for_s = use_for.as_secs(), "fetched a tenant token");
        if let Ok(mut slot) = self.current.write() {
            *slot = Some(cached);
        }
        Ok(token)
    }

    fn fresh(&self, now: Instant) -> Option<Secret> {
        let slot = self.current.read().ok()?;
        slot.as_ref()
            .filter(|c| c.fresh(now))
            .map(|c| c.token.clone())
    }

    /// Forgets `used` after Feishu refused it; a token fetched meanwhile by another caller
    /// stays.
    pub(crate) fn invalidate(&self, used: &Secret) {
        if let Ok(mut slot) = self.current.write() {
            if slot.as_ref().is_some_and(|c| &c.token == used) {
                *slot = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn token_is_reused_until_three_minutes_before_expiry() {
        let cache = TokenCache::default();
        let fetches = AtomicU32::new(0);
        let fetch = || async {
            let n = fetches.fetch_add(1, Ordering::SeqCst);
            Ok((Secret::new(format!("t-{n}")), Duration::from_secs(7200)))
        };
        let same = |d| d;
        let first = cache.get(fetch, same).await.expect("token");
        tokio::time::advance(Duration::from_secs(7200 - 181)).await;
        assert_eq!(cache.get(fetch, same).await.expect("token"), first);
        tokio::time::advance(Duration::from_secs(2)).await;
        let second = cache.get(fetch, same).await.expect("token");
        assert_ne!(second, first);
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_refresh() {
        let cache = Arc::new(TokenCache::default());
        let fetches = Arc::new(AtomicU32::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let cache = cache.clone();
            let fetches = fetches.clone();
            tasks.push(tokio::spawn(async move {
                cache
                    .get(
                        || async move {
                            fetches.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Ok((Secret::new("t-shared"), Duration::from_secs(7200)))
                        },
                        |d| d,
                    )
                    .await
            }));
        }
        for task in tasks {
            let token = task.await.expect("joins").expect("token");
            assert_eq!(token.expose(), "t-shared");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn invalidation_only_drops_the_refused_token() {
        let cache = TokenCache::default();
        let token = cache
            .get(
                || async { Ok((Secret::new("t-a"), Duration::from_secs(7200))) },
                |d| d,
            )
            .await
            .expect("token");
        cache.invalidate(&Secret::new("t-other"));
        assert!(cache.fresh(Instant::now()).is_some());
        cache.invalidate(&token);
        assert!(cache.fresh(Instant::now()).is_none());
    }
}

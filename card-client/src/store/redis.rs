//! The shared state in Redis.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::Script;

use super::{Budget, CardTurn, Claim, Store, StoreCall, StoreError, TokenUse};
use crate::callback::{ClaimFuture, EventStore, StoreFuture};
use crate::sequencer::card_lock;
use crate::{Error, Secret};

/// A card entity lives 14 days; its counter a day longer.
const SEQUENCE_TTL: Duration = Duration::from_secs(15 * 24 * 3600);
/// How long a handled event is remembered.
const EVENT_TTL: Duration = Duration::from_secs(3600);
/// The longest one command may take before the store reports Redis as unreachable.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);

/// Claims an event for a delivery (`claim:{claimant}`), or extends the claim it holds; says
/// how long another delivery's claim has left, or that the event was handled (any other value:
/// `done`, or `1` as earlier versions recorded it).
const CLAIM_EVENT: &str = r"
local value = redis.call('GET', KEYS[1])
if value == false or value == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, 0}
end
if string.sub(value, 1, 6) == 'claim:' then
  return {0, redis.call('PTTL', KEYS[1])}
end
return {2, 0}";

/// Records an event as handled, unless another delivery holds its claim.
const FINISH_EVENT: &str = r"
local value = redis.call('GET', KEYS[1])
if value == false or value == ARGV[1] then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
  return 1
end
if string.sub(value, 1, 6) == 'claim:' then return 0 end
return 1";

/// Takes a lock, or extends it for its holder.
const LOCK: &str = r"
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0";

/// Deletes a key if it holds the given value (a lock's owner, a refused token).
const DELETE_IF: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0";

/// A value and how many milliseconds it has left.
const GET_WITH_TTL: &str = r"
local value = redis.call('GET', KEYS[1])
if value == false then return false end
return {value, redis.call('PTTL', KEYS[1])}";

/// The card's write lock, its budget and its next sequence, in one step. Times come from
/// Redis's clock, so replicas whose clocks disagree still share one window.
const CARD_TURN: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  local left = redis.call('PTTL', KEYS[1])
  if left < 1 then left = 1 end
  if left > 5 then left = 5 end
  return {0, left}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
local window = tonumber(ARGV[3])
local ops = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[2])
if n >= ops then
  local oldest = redis.call('ZRANGE', KEYS[2], n - ops, n - ops, 'WITHSCORES')
  local wait = tonumber(oldest[2]) + window - now
  if wait < 1 then wait = 1 end
  return {0, wait}
end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= 2147483647 then
  return {2, 0}
end
local seq = redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[5])
redis.call('ZADD', KEYS[2], now, seq)
redis.call('PEXPIRE', KEYS[2], window + tonumber(ARGV[4]))
return {1, seq}";

/// A write ended: its operation counts from now; the lock is released if asked and still ours.
const CARD_DONE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[2], 'XX', now, ARGV[2])
if ARGV[3] == '1' and redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return 1";

/// Raises a counter to at least a value.
const RAISE: &str = r"
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1";

/// One more use of a callback token, unless it has had its uses.
const USE_TOKEN: &str = r"
local uses = tonumber(redis.call('GET', KEYS[1]) or '0')
if uses >= tonumber(ARGV[1]) then return {0, uses} end
uses = redis.call('INCR', KEYS[1])
if uses == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, uses}";

/// Saves a stream's checkpoint if the caller holds the stream's lease.
const PUT_CHECKPOINT: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1";

struct Scripts {
    claim_event: Script,
    finish_event: Script,
    lock: Script,
    delete_if: Script,
    get_with_ttl: Script,
    card_turn: Script,
    card_done: Script,
    raise: Script,
    use_token: Script,
    put_checkpoint: Script,
}

impl Scripts {
    fn new() -> Self {
        Scripts {
            claim_event: Script::new(CLAIM_EVENT),
            finish_event: Script::new(FINISH_EVENT),
            lock: Script::new(LOCK),
            delete_if: Script::new(DELETE_IF),
            get_with_ttl: Script::new(GET_WITH_TTL),
            card_turn: Script::new(CARD_TURN),
            card_done: Script::new(CARD_DONE),
            raise: Script::new(RAISE),
            use_token: Script::new(USE_TOKEN),
            put_checkpoint: Script::new(PUT_CHECKPOINT),
        }
    }
}

/// The [`Store`] of several replicas of one bot: a Redis server they all reach (feature
/// `redis`).
///
/// Keys start with `feishu-card:{app_id}:` and every one of them expires; the module docs of
/// [`store`](super) list them. Each operation is one command or one Lua script, so it is
/// atomic however many replicas ask at once. Cheap to clone: clones share one connection
/// (redis' `ConnectionManager`, which reconnects by itself after Redis comes back).
///
/// Redis not answering within 2 seconds, refusing the connection or dropping it is an error
/// naming the URL (without its password) and what to check; the
/// [module docs](super#when-the-store-cannot-be-reached) say what each operation does then.
///
/// ```no_run
/// # async fn demo() -> Result<(), card_client::Error> {
/// use card_client::store::RedisStore;
/// use card_client::Client;
///
/// let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
/// let store = RedisStore::connect(&url, "cli_a1b2c3").await?;
/// let client = Client::builder("cli_a1b2c3", "app-secret").store(store).build()?;
/// # let _ = client;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    connection: ConnectionManager,
    app_id: String,
    prefix: String,
    /// The URL without its password, for error messages.
    url: String,
    scripts: Scripts,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.inner.url)
            .field("app_id", &self.inner.app_id)
            .finish_non_exhaustive()
    }
}

/// Why Redis did not answer.
#[derive(Debug)]
struct Unreachable {
    url: String,
    operation: &'static str,
    reason: String,
}

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Redis at {} failed {}: {}; check that redis-server is running and reachable at \
             that URL (the one given to RedisStore::connect), that its password and database \
             are right, and its log",
            self.url, self.operation, self.reason
        )
    }
}

impl std::error::Error for Unreachable {}

/// `redis://user:password@host:port/db` without the password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://[redacted]@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl RedisStore {
    /// Connects to the Redis server at `url` (`redis://[:password@]host:port[/db]`) for the
    /// app `app_id`, whose keys it namespaces.
    ///
    /// # Errors
    ///
    /// [`Error::Store`] when the URL is not a Redis URL or Redis cannot be reached within 2
    /// seconds.
    pub async fn connect(url: &str, app_id: &str) -> Result<RedisStore, Error> {
        let shown = redact(url);
        let fail = |reason: String| Error::Store {
            operation: "store.connect",
            source: Box::new(Unreachable {
                url: shown.clone(),
                operation: "to connect",
                reason,
            }),
        };
        if app_id.is_empty() {
            return Err(Error::InvalidArgument(
                "the store needs the app id whose state it holds".into(),
            ));
        }
        let client = redis::Client::open(url).map_err(|e| fail(e.to_string()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(COMMAND_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500));
        let connection = tokio::time::timeout(
            COMMAND_TIMEOUT * 2,
            ConnectionManager::new_with_config(client, config),
        )
        .await
        .map_err(|_| fail("no answer within 4 s".into()))?
        .map_err(|e| fail(e.to_string()))?;
        Ok(RedisStore {
            inner: Arc::new(Inner {
                connection,
                app_id: app_id.to_owned(),
                prefix: format!("feishu-card:{app_id}:"),
                url: shown,
                scripts: Scripts::new(),
            }),
        })
    }

    fn key(&self, rest: &str) -> String {
        format!("{}{rest}", self.inner.prefix)
    }

    /// Runs one command or script with the store's time limit, naming `operation` in errors.
    fn run<'a, T, F, Fut>(&'a self, operation: &'static str, f: F) -> StoreCall<'a, T>
    where
        T: Send + 'a,
        F: FnOnce(ConnectionManager) -> Fut + Send + 'a,
        Fut: Future<Output = redis::RedisResult<T>> + Send + 'a,
    {
        let connection = self.inner.connection.clone();
        Box::pin(async move {
            let fail = |reason: String| -> StoreError {
                Box::new(Unreachable {
                    url: self.inner.url.clone(),
                    operation,
                    reason,
                })
            };
            match tokio::time::timeout(COMMAND_TIMEOUT, f(connection)).await {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(e)) => Err(fail(e.to_string())),
                Err(_) => Err(fail(format!(
                    "no answer within {} s",
                    COMMAND_TIMEOUT.as_secs()
                ))),
            }
        })
    }

    fn lock_key(&self, name: &str) -> String {
        self.key(&format!("lock:{name}"))
    }
}

impl Store for RedisStore {
    fn app_id(&self) -> &str {
        &self.inner.app_id
    }

    fn claim_event<'a>(
        &'a self,
        id: &'a str,
        claimant: &'a str,
        lease: Duration,
    ) -> StoreCall<'a, Claim> {
        let key = self.key(&format!("event:{id}"));
        self.run("claiming an event", move |mut c| async move {
            let (kind, left): (i64, i64) = self
                .inner
                .scripts
                .claim_event
                .key(&key)
                .arg(format!("claim:{claimant}"))
                .arg(millis(lease))
                .invoke_async(&mut c)
                .await?;
            Ok(match kind {
                1 => Claim::Claimed,
                2 => Claim::Handled,
                _ => Claim::InProgress(Duration::from_millis(
                    u64::try_from(left).unwrap_or(0).max(1),
                )),
            })
        })
    }

    fn finish_event<'a>(
        &'a self,
        id: &'a str,
        claimant: &'a str,
        ttl: Duration,
    ) -> StoreCall<'a, bool> {
        let key = self.key(&format!("event:{id}"));
        self.run("recording an event as handled", move |mut c| async move {
            let finished: i64 = self
                .inner
                .scripts
                .finish_event
                .key(&key)
                .arg(format!("claim:{claimant}"))
                .arg(millis(ttl))
                .invoke_async(&mut c)
                .await?;
            Ok(finished == 1)
        })
    }

    fn release_event<'a>(&'a self, id: &'a str, claimant: &'a str) -> StoreCall<'a, bool> {
        let key = self.key(&format!("event:{id}"));
        self.run("giving an event's claim up", move |mut c| async move {
            let deleted: i64 = self
                .inner
                .scripts
                .delete_if
                .key(&key)
                .arg(format!("claim:{claimant}"))
                .invoke_async(&mut c)
                .await?;
            Ok(deleted == 1)
        })
    }

    fn lock<'a>(&'a self, name: &'a str, owner: &'a str, ttl: Duration) -> StoreCall<'a, bool> {
        let key = self.lock_key(name);
        self.run("a lock", move |mut c| async move {
            let taken: i64 = self
                .inner
                .scripts
                .lock
                .key(&key)
                .arg(owner)
                .arg(millis(ttl))
                .invoke_async(&mut c)
                .await?;
            Ok(taken == 1)
        })
    }

    fn unlock<'a>(&'a self, name: &'a str, owner: &'a str) -> StoreCall<'a, ()> {
        let key = self.lock_key(name);
        self.run("an unlock", move |mut c| async move {
            let _: i64 = self
                .inner
                .scripts
                .delete_if
                .key(&key)
                .arg(owner)
                .invoke_async(&mut c)
                .await?;
            Ok(())
        })
    }

    fn token(&self) -> StoreCall<'_, Option<(Secret, Duration)>> {
        let key = self.key("token");
        self.run("reading the tenant token", move |mut c| async move {
            let found: Option<(String, i64)> = self
                .inner
                .scripts
                .get_with_ttl
                .key(&key)
                .invoke_async(&mut c)
                .await?;
            Ok(found.and_then(|(token, left)| {
                let left = u64::try_from(left).ok().filter(|ms| *ms > 0)?;
                Some((Secret::new(token), Duration::from_millis(left)))
            }))
        })
    }

    fn put_token<'a>(&'a self, token: &'a Secret, ttl: Duration) -> StoreCall<'a, ()> {
        let key = self.key("token");
        self.run("sharing the tenant token", move |mut c| async move {
            let _: () = redis::cmd("SET")
                .arg(&key)
                .arg(token.expose())
                .arg("PX")
                .arg(millis(ttl))
                .query_async(&mut c)
                .await?;
            Ok(())
        })
    }

    fn drop_token<'a>(&'a self, token: &'a Secret) -> StoreCall<'a, ()> {
        let key = self.key("token");
        self.run("dropping a refused tenant token", move |mut c| async move {
            let _: i64 = self
                .inner
                .scripts
                .delete_if
                .key(&key)
                .arg(token.expose())
                .invoke_async(&mut c)
                .await?;
            Ok(())
        })
    }

    fn card_turn<'a>(
        &'a self,
        card_id: &'a str,
        owner: &'a str,
        budget: Budget,
    ) -> StoreCall<'a, CardTurn> {
        let base = self.key(&format!("card:{card_id}:"));
        let lock = self.lock_key(&card_lock(card_id));
        self.run("the card's sequence and budget", move |mut c| async move {
            let (kind, value): (i64, i64) = self
                .inner
                .scripts
                .card_turn
                .key(&lock)
                .key(format!("{base}ops"))
                .key(format!("{base}seq"))
                .arg(owner)
                .arg(budget.ops.max(1))
                .arg(millis(budget.window))
                .arg(millis(budget.hold))
                .arg(millis(SEQUENCE_TTL))
                .invoke_async(&mut c)
                .await?;
            let value = u64::try_from(value).unwrap_or(1);
            Ok(match kind {
                1 => CardTurn::Go {
                    sequence: u32::try_from(value).unwrap_or(u32::MAX),
                },
                2 => CardTurn::Exhausted,
                _ => CardTurn::Wait(Duration::from_millis(value.max(1))),
            })
        })
    }

    fn card_done<'a>(
        &'a self,
        card_id: &'a str,
        owner: &'a str,
        sequence: u32,
        release: bool,
    ) -> StoreCall<'a, ()> {
        let base = self.key(&format!("card:{card_id}:"));
        let lock = self.lock_key(&card_lock(card_id));
        self.run("ending a card write", move |mut c| async move {
            let _: i64 = self
                .inner
                .scripts
                .card_done
                .key(&lock)
                .key(format!("{base}ops"))
                .arg(owner)
                .arg(sequence)
                .arg(if release { "1" } else { "0" })
                .invoke_async(&mut c)
                .await?;
            Ok(())
        })
    }

    fn raise_sequence<'a>(&'a self, card_id: &'a str, last: u32) -> StoreCall<'a, ()> {
        let key = self.key(&format!("card:{card_id}:seq"));
        self.run("raising the card's sequence", move |mut c| async move {
            let _: i64 = self
                .inner
                .scripts
                .raise
                .key(&key)
                .arg(last.min(i32::MAX as u32))
                .arg(millis(SEQUENCE_TTL))
                .invoke_async(&mut c)
                .await?;
            Ok(())
        })
    }

    fn last_sequence<'a>(&'a self, card_id: &'a str) -> StoreCall<'a, Option<u32>> {
        let key = self.key(&format!("card:{card_id}:seq"));
        self.run("reading the card's sequence", move |mut c| async move {
            let last: Option<u32> = redis::cmd("GET").arg(&key).query_async(&mut c).await?;
            Ok(last)
        })
    }

    fn use_callback_token<'a>(
        &'a self,
        digest: &'a str,
        max: u32,
        ttl: Duration,
    ) -> StoreCall<'a, TokenUse> {
        let key = self.key(&format!("cbtoken:{digest}"));
        self.run(
            "counting the callback token's uses",
            move |mut c| async move {
                let (granted, uses): (i64, u32) = self
                    .inner
                    .scripts
                    .use_token
                    .key(&key)
                    .arg(max)
                    .arg(millis(ttl))
                    .invoke_async(&mut c)
                    .await?;
                Ok(if granted == 1 {
                    TokenUse::Granted(uses)
                } else {
                    TokenUse::UsedUp(uses)
                })
            },
        )
    }

    fn put_checkpoint<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        checkpoint: String,
        ttl: Duration,
    ) -> StoreCall<'a, bool> {
        let lease = self.lock_key(&super::stream_lease(key));
        let saved = self.key(&format!("stream:{key}"));
        self.run("saving the stream's checkpoint", move |mut c| async move {
            let put: i64 = self
                .inner
                .scripts
                .put_checkpoint
                .key(&lease)
                .key(&saved)
                .arg(owner)
                .arg(checkpoint)
                .arg(millis(ttl))
                .invoke_async(&mut c)
                .await?;
            Ok(put == 1)
        })
    }

    fn checkpoint<'a>(&'a self, key: &'a str) -> StoreCall<'a, Option<String>> {
        let saved = self.key(&format!("stream:{key}"));
        self.run("reading the stream's checkpoint", move |mut c| async move {
            let found: Option<String> = redis::cmd("GET").arg(&saved).query_async(&mut c).await?;
            Ok(found)
        })
    }
}

impl EventStore for RedisStore {
    fn claim<'a>(
        &'a self,
        event_id: &'a str,
        claimant: &'a str,
        lease: Duration,
    ) -> ClaimFuture<'a> {
        self.claim_event(event_id, claimant, lease)
    }

    fn finish<'a>(&'a self, event_id: &'a str, claimant: &'a str) -> StoreFuture<'a> {
        self.finish_event(event_id, claimant, EVENT_TTL)
    }

    fn release<'a>(&'a self, event_id: &'a str, claimant: &'a str) -> StoreFuture<'a> {
        self.release_event(event_id, claimant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_password() {
        assert_eq!(
            redact("redis://:hunter2@10.0.0.5:6379/1"),
            "redis://[redacted]@10.0.0.5:6379/1"
        );
        assert_eq!(redact("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
    }
}

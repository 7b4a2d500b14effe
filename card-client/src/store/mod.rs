//! State shared by several replicas of one bot: which events were handled, the tenant token,
//! each card entity's `sequence` and operations budget, the uses of each callback token, and
//! who streams into which card.
//!
//! One process needs none of this: by default a [`Client`](crate::Client) keeps that state in
//! its own memory, exactly as it always did. A bot that runs as several replicas gives each
//! replica's client the same [`Store`], and the same store to its callback handler:
//!
//! ```no_run
//! # #[cfg(feature = "redis")]
//! # async fn demo() -> Result<(), card_client::Error> {
//! use card_client::callback::CallbackConfig;
//! use card_client::store::RedisStore;
//! use card_client::Client;
//!
//! let store = RedisStore::connect("redis://127.0.0.1:6379", "cli_a1b2c3").await?;
//! let client = Client::builder("cli_a1b2c3", "app-secret").store(store.clone()).build()?;
//! let handler = CallbackConfig::new("verification-token")
//!     .event_store(store)
//!     .client(client)
//!     .build();
//! # let _ = handler;
//! # Ok(()) }
//! ```
//!
//! `RedisStore` (feature `redis`) is the store for real replicas; [`MemoryStore`] keeps the
//! same state in one process, for clients that share it there and for tests.
//!
//! # What each piece of state does
//!
//! | state | operation | Redis |
//! |---|---|---|
//! | an event or callback `event_id` | claimed by one delivery for 4 s (set if absent, in one script): that delivery handles it and then records it as handled for an hour; a delivery finding it claimed waits for it to be handled (a duplicate) or for the claim to lapse (its holder died: it handles it) | `…:event:{event_id}` = `claim:{delivery}` (4 s), then `done` (1 h) |
//! | the tenant token | one replica at a time refreshes it, under a lock with expiry; the others wait and read it | `…:token` (expires when the token should no longer be used), `…:lock:token-refresh` (10 s) |
//! | a card entity's `sequence` | one counter, taken under the card's lock | `…:card:{card_id}:seq` (`INCR`, 15 days) |
//! | a card entity's 10 operations/s | one sliding window shared by every replica, checked and taken in one script with the sequence | `…:card:{card_id}:ops` (sorted set), `…:card:{card_id}:lock` (one write at a time) |
//! | a callback token's uses | counted in one script; the third use is refused before any request | `…:cbtoken:{sha256(token)}` (30 min) |
//! | a stream's owner | a lease the owner renews; when it lapses another replica takes the stream over | `…:lock:stream:{key}`, `…:stream:{key}` (the text Feishu shows) |
//!
//! Every key starts with `feishu-card:{app_id}:` and carries an expiry.
//!
//! # When the store cannot be reached
//!
//! | operation | what happens |
//! |---|---|
//! | de-duplication ([`EventStore::claim`]) | an error: the callback is answered 503, so Feishu delivers it again later; it is never handled on this replica's word alone |
//! | tenant token | the replica fetches and caches its own token, as a single process does (Feishu hands out tokens to anyone who asks) |
//! | CardKit writes | [`Error::Store`](crate::Error::Store); nothing is sent, since a sequence taken alone could collide with another replica's |
//! | delayed updates | [`Error::Store`](crate::Error::Store); nothing is sent, since the use count cannot be checked |
//! | streams | the stream's updates fail like any other and are tried again with backoff; the text stays in memory and goes out once the store is back, if the stream's lease is still its own |

mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use crate::callback::{Claim, EventStore, MemoryEventStore, StoreError, StoreFuture};
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;

use crate::Secret;

/// What a [`Store`] operation returns.
pub type StoreCall<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The per-card budget a [`Store::card_turn`] enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Budget {
    /// Operations allowed within `window`.
    pub ops: u32,
    /// The sliding window (one second of Feishu's time, in real time).
    pub window: Duration,
    /// How long the card's write lock lasts unless renewed by the next turn: the longest an
    /// attempt may take. A replica that dies holding it blocks the card for at most this long.
    pub hold: Duration,
}

impl Budget {
    /// `ops` operations per `window`, the write lock held for at most `hold`.
    pub fn new(ops: u32, window: Duration, hold: Duration) -> Self {
        Budget { ops, window, hold }
    }
}

/// The answer to [`Store::card_turn`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardTurn {
    /// Go: the card's write lock is held by the caller, one operation of the budget is taken,
    /// and this is the sequence to send.
    Go {
        /// The next `sequence` of the card.
        sequence: u32,
    },
    /// Ask again after this long: another replica is writing to the card, or the budget is
    /// spent for now (the caller then holds the lock, so it goes next).
    Wait(Duration),
    /// The card's sequence reached Feishu's maximum, 2147483647.
    Exhausted,
}

/// The answer to [`Store::use_callback_token`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// The use is granted; this is its number (1 for the first).
    Granted(u32),
    /// Refused: the token was already used this many times.
    UsedUp(u32),
}

/// The state several replicas of one bot share; see the [module docs](self).
///
/// Every operation is atomic in the store (a single command or script): two replicas asking at
/// the same time get different answers where they must (one of them records an event first,
/// one takes the next sequence, one takes the last operation of the budget). Implementations
/// namespace their keys by [`app_id`](Self::app_id) and give every key an expiry.
///
/// Implement it over another shared store (a database, etcd) the same way [`MemoryStore`] and
/// `RedisStore` do; an error from any operation is reported to the caller as
/// [`Error::Store`](crate::Error::Store), and should say what to check.
pub trait Store: Send + Sync + 'static {
    /// The app whose state this is.
    fn app_id(&self) -> &str;

    /// Claims the event `id` for `claimant` for `lease` if nobody holds it and it was not
    /// handled, or extends the claim `claimant` holds; see [`EventStore::claim`].
    fn claim_event<'a>(
        &'a self,
        id: &'a str,
        claimant: &'a str,
        lease: Duration,
    ) -> StoreCall<'a, Claim>;

    /// Records the event `id` as handled for `ttl` if `claimant` holds its claim or nobody
    /// does: `false` when another claimant holds it.
    fn finish_event<'a>(
        &'a self,
        id: &'a str,
        claimant: &'a str,
        ttl: Duration,
    ) -> StoreCall<'a, bool>;

    /// Gives up the claim on the event `id` if `claimant` holds it: `true` when it did.
    fn release_event<'a>(&'a self, id: &'a str, claimant: &'a str) -> StoreCall<'a, bool>;

    /// Takes the lock `name` for `owner` for `ttl`, or extends it when `owner` holds it
    /// already: `false` when someone else holds it.
    fn lock<'a>(&'a self, name: &'a str, owner: &'a str, ttl: Duration) -> StoreCall<'a, bool>;

    /// Releases the lock `name` if `owner` holds it.
    fn unlock<'a>(&'a self, name: &'a str, owner: &'a str) -> StoreCall<'a, ()>;

    /// The shared tenant token and how long it may still be used, if there is one.
    fn token(&self) -> StoreCall<'_, Option<(Secret, Duration)>>;

    /// Shares `token`, to be used for `ttl`.
    fn put_token<'a>(&'a self, token: &'a Secret, ttl: Duration) -> StoreCall<'a, ()>;

    /// Forgets the shared token if it is `token` (Feishu refused it); a newer one stays.
    fn drop_token<'a>(&'a self, token: &'a Secret) -> StoreCall<'a, ()>;

    /// Asks for the next write to `card_id`: takes the card's write lock for `owner` (or
    /// extends it), one operation of the budget and the next sequence, all at once; or says
    /// how long to wait.
    fn card_turn<'a>(
        &'a self,
        card_id: &'a str,
        owner: &'a str,
        budget: Budget,
    ) -> StoreCall<'a, CardTurn>;

    /// The write with `sequence` ended: its operation counts in the budget from now (the
    /// server saw it at some time before now), and with `release` the card's write lock is
    /// released if `owner` still holds it.
    fn card_done<'a>(
        &'a self,
        card_id: &'a str,
        owner: &'a str,
        sequence: u32,
        release: bool,
    ) -> StoreCall<'a, ()>;

    /// Raises the card's sequence to at least `last` (another writer was ahead).
    fn raise_sequence<'a>(&'a self, card_id: &'a str, last: u32) -> StoreCall<'a, ()>;

    /// The last sequence taken on the card, if any.
    fn last_sequence<'a>(&'a self, card_id: &'a str) -> StoreCall<'a, Option<u32>>;

    /// Counts one use of the callback token whose SHA-256 is `digest` (hex), at most `max`
    /// uses, remembered for `ttl`.
    fn use_callback_token<'a>(
        &'a self,
        digest: &'a str,
        max: u32,
        ttl: Duration,
    ) -> StoreCall<'a, TokenUse>;

    /// Saves the checkpoint of the stream `key` for `ttl` if `owner` holds its lease
    /// (`stream:{key}`): `false` when it does not.
    fn put_checkpoint<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        checkpoint: String,
        ttl: Duration,
    ) -> StoreCall<'a, bool>;

    /// The last checkpoint of the stream `key`.
    fn checkpoint<'a>(&'a self, key: &'a str) -> StoreCall<'a, Option<String>>;
}

/// The name of the lock a stream's owner holds.
pub(crate) fn stream_lease(key: &str) -> String {
    format!("stream:{key}")
}

/// The name of the lock held while one replica refreshes the tenant token.
pub(crate) const TOKEN_REFRESH_LOCK: &str = "token-refresh";

/// A shared store, as the client keeps it.
#[derive(Clone)]
pub(crate) struct Shared(pub(crate) std::sync::Arc<dyn Store>);

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("app_id", &self.0.app_id())
            .finish_non_exhaustive()
    }
}

/// The SHA-256 of a secret, hex: a key that does not reveal the secret.
pub(crate) fn digest(secret: &str) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(secret.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in hash {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

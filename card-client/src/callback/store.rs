//! Remembering which callbacks are being handled and which were handled, to run each event
//! once however often, and wherever, Feishu delivers it.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// What [`EventStore::finish`] and [`EventStore::release`] return.
pub type StoreFuture<'a> = Pin<Box<dyn Future<Output = Result<bool, StoreError>> + Send + 'a>>;

/// What [`EventStore::claim`] returns.
pub type ClaimFuture<'a> = Pin<Box<dyn Future<Output = Result<Claim, StoreError>> + Send + 'a>>;

/// Why an [`EventStore`] could not answer.
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// What [`EventStore::claim`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The caller holds the claim now (or holds it longer, when it held it already): it handles
    /// the event, then [`finish`](EventStore::finish)es it, or
    /// [`release`](EventStore::release)s it when handling failed.
    Claimed,
    /// Another delivery holds the claim, for at most this long unless it finishes or releases
    /// it first: the event is being handled, but is not handled yet.
    InProgress(Duration),
    /// The event was handled: a delivery again is a duplicate.
    Handled,
}

/// Where the handler records the `event_id`s it is handling and has handled.
///
/// Each delivery of an event first **claims** it: a short lease, covering the time to answer
/// (Feishu's 3 seconds), in the name of that delivery. The delivery that gets the claim runs
/// your function; once the answer is given, it **finishes** the event, and the claim becomes
/// the long record that makes later deliveries duplicates. A delivery that finds the claim
/// held elsewhere waits for it to be finished (then it is a duplicate) or to lapse (its
/// holder died before answering: then it claims the event and handles it), and is never
/// answered as done while the event is not handled, so that Feishu delivers it again.
///
/// The default, [`MemoryEventStore`], lives in the process. With several processes answering
/// the same callback URL (behind a load balancer) or holding long connections, give every
/// handler the same shared store: `card_client::store::RedisStore` (feature `redis`), or any
/// [`Store`](crate::store::Store) shared by the processes. Or implement this trait over another
/// shared store, each method one atomic operation (a script or a conditional write; never a
/// read followed by a write, which lets two processes both claim an event).
///
/// ```
/// use card_client::callback::{Claim, ClaimFuture, EventStore, StoreFuture};
/// use std::collections::HashMap;
/// use std::sync::Mutex;
/// use std::time::Duration;
///
/// /// Holds every record forever and lets claims never lapse: fine for a test, not for a bot.
/// #[derive(Default)]
/// struct Unbounded(Mutex<HashMap<String, Option<String>>>);
///
/// impl EventStore for Unbounded {
///     fn claim<'a>(&'a self, id: &'a str, claimant: &'a str, _lease: Duration) -> ClaimFuture<'a> {
///         let mut seen = self.0.lock().unwrap_or_else(|p| p.into_inner());
///         let claim = match seen.get(id) {
///             None => {
///                 seen.insert(id.to_owned(), Some(claimant.to_owned()));
///                 Claim::Claimed
///             }
///             Some(Some(holder)) if holder == claimant => Claim::Claimed,
///             Some(Some(_)) => Claim::InProgress(Duration::MAX),
///             Some(None) => Claim::Handled,
///         };
///         Box::pin(std::future::ready(Ok(claim)))
///     }
///
///     fn finish<'a>(&'a self, id: &'a str, claimant: &'a str) -> StoreFuture<'a> {
///         let mut seen = self.0.lock().unwrap_or_else(|p| p.into_inner());
///         let mine = matches!(seen.get(id), Some(Some(h)) if h == claimant) || !seen.contains_key(id);
///         if mine {
///             seen.insert(id.to_owned(), None);
///         }
///         Box::pin(std::future::ready(Ok(mine)))
///     }
///
///     fn release<'a>(&'a self, id: &'a str, claimant: &'a str) -> StoreFuture<'a> {
///         let mut seen = self.0.lock().unwrap_or_else(|p| p.into_inner());
///         let mine = matches!(seen.get(id), Some(Some(h)) if h == claimant);
///         if mine {
///             seen.remove(id);
///         }
///         Box::pin(std::future::ready(Ok(mine)))
///     }
/// }
/// ```
pub trait EventStore: Send + Sync + 'static {
    /// Claims `event_id` for `claimant` (one delivery's unique name) for `lease`, if nobody
    /// holds it and it was not handled; extends the claim when `claimant` holds it already.
    /// An error makes the handler answer 503 rather than risk handling an event twice.
    fn claim<'a>(
        &'a self,
        event_id: &'a str,
        claimant: &'a str,
        lease: Duration,
    ) -> ClaimFuture<'a>;

    /// Records `event_id` as handled, for as long as the store remembers events, if
    /// `claimant` holds its claim or nobody does: `Ok(false)` when another delivery claimed it
    /// meanwhile (the claim lapsed before the event was finished).
    fn finish<'a>(&'a self, event_id: &'a str, claimant: &'a str) -> StoreFuture<'a>;

    /// Gives the claim up if `claimant` holds it (handling failed): the next delivery handles
    /// the event. `Ok(false)` when it did not hold it.
    fn release<'a>(&'a self, event_id: &'a str, claimant: &'a str) -> StoreFuture<'a>;
}

/// A store shared by reference: the caller keeps a handle on what the handler records.
impl<S: EventStore + ?Sized> EventStore for std::sync::Arc<S> {
    fn claim<'a>(
        &'a self,
        event_id: &'a str,
        claimant: &'a str,
        lease: Duration,
    ) -> ClaimFuture<'a> {
        (**self).claim(event_id, claimant, lease)
    }

    fn finish<'a>(&'a self, event_id: &'a str, claimant: &'a str) -> StoreFuture<'a> {
        (**self).finish(event_id, claimant)
    }

    fn release<'a>(&'a self, event_id: &'a str, claimant: &'a str) -> StoreFuture<'a> {
        (**self).release(event_id, claimant)
    }
}

/// The default [`EventStore`]: the last `capacity` event ids, each forgotten `ttl` after it was
/// first claimed.
///
/// By default 10,000 ids for one hour. The timestamp window (5 minutes by default) already
/// refuses older signed replays, so the store only has to cover that window; when more than
/// `capacity` callbacks arrive within it, the oldest ids are forgotten first.
///
/// ```
/// use card_client::callback::{Claim, EventStore, MemoryEventStore};
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let store = MemoryEventStore::new(2, Duration::from_secs(60));
/// let lease = Duration::from_secs(4);
/// assert_eq!(store.claim("e1", "delivery-1", lease).await.unwrap(), Claim::Claimed);
/// assert!(matches!(store.claim("e1", "delivery-2", lease).await.unwrap(), Claim::InProgress(_)));
/// assert!(store.finish("e1", "delivery-1").await.unwrap());
/// assert_eq!(store.claim("e1", "delivery-2", lease).await.unwrap(), Claim::Handled);
/// store.claim("e2", "d", lease).await.unwrap();
/// store.claim("e3", "d", lease).await.unwrap(); // e1 is forgotten: only 2 are kept
/// assert_eq!(store.claim("e1", "delivery-3", lease).await.unwrap(), Claim::Claimed);
/// # }
/// ```
#[derive(Debug)]
pub struct MemoryEventStore {
    capacity: usize,
    ttl: Duration,
    seen: Mutex<Seen>,
}

#[derive(Debug)]
struct Record {
    /// Who holds its claim, until when; `None` once handled.
    claim: Option<(String, Instant)>,
}

#[derive(Debug, Default)]
struct Seen {
    at: HashMap<String, Record>,
    /// The same ids, oldest first.
    order: VecDeque<(String, Instant)>,
}

impl MemoryEventStore {
    /// How many ids the default store keeps.
    pub const DEFAULT_CAPACITY: usize = 10_000;
    /// How long the default store keeps an id.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(60 * 60);

    /// Keeps at most `capacity` ids (at least 1), each for `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        MemoryEventStore {
            capacity: capacity.max(1),
            ttl,
            seen: Mutex::new(Seen::default()),
        }
    }

    /// How many ids it remembers now (being handled or handled).
    pub fn len(&self) -> usize {
        self.lock().at.len()
    }

    /// Whether it remembers no id.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        // The map is consistent after every statement, so a panic elsewhere cannot leave it
        // half-updated: keep using it.
        self.seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn expire(&self, seen: &mut Seen, now: Instant) {
        while let Some((id, at)) = seen.order.front() {
            if now.saturating_duration_since(*at) < self.ttl {
                break;
            }
            let id = id.clone();
            seen.order.pop_front();
            seen.at.remove(&id);
        }
    }

    fn record_claim(&self, event_id: &str, claimant: &str, lease: Duration) -> Claim {
        let now = Instant::now();
        let mut seen = self.lock();
        self.expire(&mut seen, now);
        if let Some(record) = seen.at.get_mut(event_id) {
            return match &record.claim {
                None => Claim::Handled,
                Some((holder, until)) if holder != claimant && *until > now => {
                    Claim::InProgress(*until - now)
                }
                Some(_) => {
                    record.claim = Some((claimant.to_owned(), now + lease));
                    Claim::Claimed
                }
            };
        }
        self.insert(
            &mut seen,
            event_id,
            Some((claimant.to_owned(), now + lease)),
            now,
        );
        Claim::Claimed
    }

    /// Remembers a new id, forgetting the oldest ones when full.
    fn insert(
        &self,
        seen: &mut Seen,
        event_id: &str,
        claim: Option<(String, Instant)>,
        now: Instant,
    ) {
        while seen.order.len() >= self.capacity {
            if let Some((id, _)) = seen.order.pop_front() {
                seen.at.remove(&id);
            }
        }
        seen.at.insert(event_id.to_owned(), Record { claim });
        seen.order.push_back((event_id.to_owned(), now));
    }

    fn record_finish(&self, event_id: &str, claimant: &str) -> bool {
        let now = Instant::now();
        let mut seen = self.lock();
        match seen.at.get_mut(event_id) {
            Some(record) => match &record.claim {
                Some((holder, until)) if holder != claimant && *until > now => false,
                _ => {
                    record.claim = None;
                    true
                }
            },
            None => {
                self.insert(&mut seen, event_id, None, now);
                true
            }
        }
    }

    fn record_release(&self, event_id: &str, claimant: &str) -> bool {
        let mut seen = self.lock();
        match seen.at.get_mut(event_id) {
            Some(record) if record.claim.as_ref().is_some_and(|(h, _)| h == claimant) => {
                // Claimable again at once; the id keeps its place in the order.
                record.claim = Some((String::new(), Instant::now()));
                true
            }
            _ => false,
        }
    }
}

impl Default for MemoryEventStore {
    fn default() -> Self {
        MemoryEventStore::new(Self::DEFAULT_CAPACITY, Self::DEFAULT_TTL)
    }
}

impl EventStore for MemoryEventStore {
    fn claim<'a>(
        &'a self,
        event_id: &'a str,
        claimant: &'a str,
        lease: Duration,
    ) -> ClaimFuture<'a> {
        let claim = self.record_claim(event_id, claimant, lease);
        Box::pin(std::future::ready(Ok(claim)))
    }

    fn finish<'a>(&'a self, event_id: &'a str, claimant: &'a str) -> StoreFuture<'a> {
        let done = self.record_finish(event_id, claimant);
        Box::pin(std::future::ready(Ok(done)))
    }

    fn release<'a>(&'a self, event_id: &'a str, claimant: &'a str) -> StoreFuture<'a> {
        let released = self.record_release(event_id, claimant);
        Box::pin(std::future::ready(Ok(released)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASE: Duration = Duration::from_secs(4);

    /// Claims and finishes `id` at once: `true` when it was new.
    fn handle(store: &MemoryEventStore, id: &str) -> bool {
        let claimed = store.record_claim(id, "d", LEASE) == Claim::Claimed;
        if claimed {
            assert!(store.record_finish(id, "d"));
        }
        claimed
    }

    #[tokio::test(start_paused = true)]
    async fn ids_expire_after_the_ttl() {
        let store = MemoryEventStore::new(10, Duration::from_secs(60));
        assert!(handle(&store, "e1"));
        tokio::time::advance(Duration::from_secs(30)).await;
        assert!(handle(&store, "e2"));
        assert!(!handle(&store, "e1"));
        tokio::time::advance(Duration::from_secs(31)).await;
        assert!(handle(&store, "e1"), "e1 is 61 s old and forgotten");
        assert!(!handle(&store, "e2"), "e2 is 31 s old and remembered");
        assert_eq!(store.len(), 2);
    }

    #[test]
    fn the_oldest_id_goes_first_when_full() {
        let store = MemoryEventStore::new(3, Duration::from_secs(3600));
        for id in ["a", "b", "c", "d"] {
            assert!(handle(&store, id));
        }
        assert_eq!(store.len(), 3);
        assert!(!handle(&store, "d"));
        assert!(!handle(&store, "b"));
        assert!(handle(&store, "a"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_claim_lapses_unless_finished_and_a_released_one_is_free_at_once() {
        let store = MemoryEventStore::default();
        assert_eq!(store.record_claim("e", "a", LEASE), Claim::Claimed);
        assert_eq!(
            store.record_claim("e", "a", LEASE),
            Claim::Claimed,
            "renewed"
        );
        assert_eq!(
            store.record_claim("e", "b", LEASE),
            Claim::InProgress(LEASE)
        );
        assert!(!store.record_release("e", "b"), "not b's to release");
        tokio::time::advance(LEASE).await;
        assert_eq!(
            store.record_claim("e", "b", LEASE),
            Claim::Claimed,
            "a vanished"
        );
        assert!(!store.record_finish("e", "a"), "b holds it now");
        assert!(store.record_release("e", "b"));
        assert_eq!(store.record_claim("e", "c", LEASE), Claim::Claimed);
        assert!(store.record_finish("e", "c"));
        assert_eq!(store.record_claim("e", "a", LEASE), Claim::Handled);
    }
}

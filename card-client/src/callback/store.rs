//! Remembering which callbacks were handled, to refuse a second delivery of the same event.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// What an [`EventStore`] returns.
pub type StoreFuture<'a> = Pin<Box<dyn Future<Output = Result<bool, StoreError>> + Send + 'a>>;

/// Why an [`EventStore`] could not answer.
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// Where the handler remembers the `event_id`s it has handled.
///
/// The default, [`MemoryEventStore`], lives in the process. Behind a load balancer, with
/// several processes answering the same callback URL, give every handler the same shared
/// store: `card_client::store::RedisStore` (feature `redis`) records each id with one
/// `SET …:event:{event_id} 1 NX PX 3600000`, and any [`Store`](crate::store::Store) shared by
/// the processes will do. Or implement this trait over another shared store, with one atomic
/// set-if-absent per id (never a read followed by a write, which lets two processes both see
/// an id first).
///
/// ```
/// use card_client::callback::{EventStore, StoreFuture};
/// use std::collections::HashSet;
/// use std::sync::Mutex;
///
/// /// Remembers every id forever: fine for a test, not for a bot.
/// #[derive(Default)]
/// struct Unbounded(Mutex<HashSet<String>>);
///
/// impl EventStore for Unbounded {
///     fn first_sighting<'a>(&'a self, event_id: &'a str) -> StoreFuture<'a> {
///         let first = match self.0.lock() {
///             Ok(mut seen) => Ok(seen.insert(event_id.to_owned())),
///             Err(_) => Err("a thread panicked while holding the set".into()),
///         };
///         Box::pin(std::future::ready(first))
///     }
/// }
/// ```
pub trait EventStore: Send + Sync + 'static {
    /// Records `event_id`. `Ok(true)` the first time, `Ok(false)` when it was recorded before;
    /// an error makes the handler answer 503 rather than risk handling an event twice.
    fn first_sighting<'a>(&'a self, event_id: &'a str) -> StoreFuture<'a>;
}

/// The default [`EventStore`]: the last `capacity` event ids, each forgotten after `ttl`.
///
/// By default 10,000 ids for one hour. The timestamp window (5 minutes by default) already
/// refuses older signed replays, so the store only has to cover that window; when more than
/// `capacity` callbacks arrive within it, the oldest ids are forgotten first.
///
/// ```
/// use card_client::callback::{EventStore, MemoryEventStore};
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let store = MemoryEventStore::new(2, Duration::from_secs(60));
/// assert!(store.first_sighting("e1").await.unwrap());
/// assert!(!store.first_sighting("e1").await.unwrap());
/// store.first_sighting("e2").await.unwrap();
/// store.first_sighting("e3").await.unwrap(); // e1 is forgotten: only 2 are kept
/// assert!(store.first_sighting("e1").await.unwrap());
/// # }
/// ```
#[derive(Debug)]
pub struct MemoryEventStore {
    capacity: usize,
    ttl: Duration,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    /// When each remembered id was first seen.
    at: HashMap<String, Instant>,
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

    /// How many ids it remembers now.
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

    fn record(&self, event_id: &str) -> bool {
        let now = Instant::now();
        let mut seen = self.lock();
        while let Some((id, at)) = seen.order.front() {
            if now.saturating_duration_since(*at) < self.ttl {
                break;
            }
            let id = id.clone();
            seen.order.pop_front();
            seen.at.remove(&id);
        }
        if seen.at.contains_key(event_id) {
            return false;
        }
        while seen.order.len() >= self.capacity {
            if let Some((id, _)) = seen.order.pop_front() {
                seen.at.remove(&id);
            }
        }
        seen.at.insert(event_id.to_owned(), now);
        seen.order.push_back((event_id.to_owned(), now));
        true
    }
}

impl Default for MemoryEventStore {
    fn default() -> Self {
        MemoryEventStore::new(Self::DEFAULT_CAPACITY, Self::DEFAULT_TTL)
    }
}

impl EventStore for MemoryEventStore {
    fn first_sighting<'a>(&'a self, event_id: &'a str) -> StoreFuture<'a> {
        let first = self.record(event_id);
        Box::pin(std::future::ready(Ok(first)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn ids_expire_after_the_ttl() {
        let store = MemoryEventStore::new(10, Duration::from_secs(60));
        assert!(store.record("e1"));
        tokio::time::advance(Duration::from_secs(30)).await;
        assert!(store.record("e2"));
        assert!(!store.record("e1"));
        tokio::time::advance(Duration::from_secs(31)).await;
        assert!(store.record("e1"), "e1 is 61 s old and forgotten");
        assert!(!store.record("e2"), "e2 is 31 s old and remembered");
        assert_eq!(store.len(), 2);
    }

    #[test]
    fn the_oldest_id_goes_first_when_full() {
        let store = MemoryEventStore::new(3, Duration::from_secs(3600));
        for id in ["a", "b", "c", "d"] {
            assert!(store.record(id));
        }
        assert_eq!(store.len(), 3);
        assert!(!store.record("d"));
        assert!(!store.record("b"));
        assert!(store.record("a"));
    }
}

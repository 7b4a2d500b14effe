//! Per-card state: the `sequence` counter and the operations budget of each card entity.
//!
//! Every CardKit write to a card takes the card's lock for its whole duration (all its
//! attempts), so requests on the wire carry strictly increasing sequences and the budget is
//! shared by every kind of call on that card.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::Error;

/// Feishu's `sequence` is a positive int32.
const MAX_SEQUENCE: u32 = i32::MAX as u32;

/// The error of a card whose sequence reached Feishu's maximum.
pub(crate) fn exhausted() -> Error {
    Error::InvalidArgument(
        "the card's sequence reached 2147483647, Feishu's maximum; create a new card entity".into(),
    )
}

/// Where a sequence jumps after a 300317 (another writer is ahead of us by an unknown amount):
/// the current Unix time in seconds passes any counter that started at 1 (and writers that use
/// Unix seconds, as Feishu's examples do) while leaving most of the int32 range.
pub(crate) fn resync_target() -> u32 {
    let unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    u32::try_from(unix)
        .unwrap_or(MAX_SEQUENCE)
        .min(MAX_SEQUENCE - 1)
}

/// The name of a card's write lock in a shared store.
pub(crate) fn card_lock(card_id: &str) -> String {
    format!("card:{card_id}")
}

/// The sequencer and budget of one card entity.
#[derive(Debug, Default)]
pub(crate) struct CardState {
    last: u32,
    /// When the most recent operations on the card finished, oldest first.
    recent: VecDeque<Instant>,
}

impl CardState {
    pub(crate) fn last_sequence(&self) -> u32 {
        self.last
    }

    pub(crate) fn raise_to(&mut self, last: u32) {
        self.last = self.last.max(last.min(MAX_SEQUENCE));
    }

    /// The sequence of the next attempt; never reused, never 0.
    pub(crate) fn next_sequence(&mut self) -> Result<u32, Error> {
        if self.last >= MAX_SEQUENCE {
            return Err(exhausted());
        }
        self.last += 1;
        Ok(self.last)
    }

    /// After a 300317: jumps to [`resync_target`].
    pub(crate) fn resync(&mut self) {
        self.last = self.last.max(resync_target());
    }

    /// Waits until one more operation fits in the budget: at most `ops` operations finished
    /// within any `window`. Counting from when operations *finished* keeps the server, which
    /// sees each request between its start and its end, within the same budget.
    pub(crate) async fn wait_for_budget(&mut self, ops: u32, window: Duration) {
        let ops = ops.max(1) as usize;
        if self.recent.len() >= ops {
            let ready_at = self.recent[self.recent.len() - ops] + window;
            // A timer that is already due still costs a trip through the runtime's timer
            // wheel; most calls are within budget, so skip it for them.
            if Instant::now() < ready_at {
                tokio::time::sleep_until(ready_at).await;
            }
        }
    }

    pub(crate) fn record_operation(&mut self) {
        self.recent.push_back(Instant::now());
        // The budget never needs more than the last `ops` entries; 64 covers any sane setting.
        while self.recent.len() > 64 {
            self.recent.pop_front();
        }
    }
}

struct Entry {
    state: Arc<Mutex<CardState>>,
    last_used: Instant,
}

/// The state of every card the client writes to, bounded in size.
pub(crate) struct CardRegistry {
    max: usize,
    cards: StdMutex<HashMap<String, Entry>>,
}

impl CardRegistry {
    pub(crate) fn new(max: usize) -> Self {
        CardRegistry {
            max: max.max(1),
            cards: StdMutex::new(HashMap::new()),
        }
    }

    /// The state of `card_id`, created on first use.
    pub(crate) fn get(&self, card_id: &str) -> Arc<Mutex<CardState>> {
        let mut cards = match self.cards.lock() {
            Ok(cards) => cards,
            Err(poisoned) => poisoned.into_inner(),
        };
        let now = Instant::now();
        if let Some(entry) = cards.get_mut(card_id) {
            entry.last_used = now;
            return entry.state.clone();
        }
        if cards.len() >= self.max {
            Self::evict(&mut cards, self.max);
        }
        let state = Arc::new(Mutex::new(CardState::default()));
        cards.insert(
            card_id.to_owned(),
            Entry {
                state: state.clone(),
                last_used: now,
            },
        );
        state
    }

    /// The state of `card_id` if it is tracked.
    pub(crate) fn peek(&self, card_id: &str) -> Option<Arc<Mutex<CardState>>> {
        let cards = match self.cards.lock() {
            Ok(cards) => cards,
            Err(poisoned) => poisoned.into_inner(),
        };
        cards.get(card_id).map(|e| e.state.clone())
    }

    /// Forgets the least recently used idle cards, down to 90% of `max`, so eviction runs
    /// rarely. Cards in use (someone holds their state) are kept.
    fn evict(cards: &mut HashMap<String, Entry>, max: usize) {
        let keep = max - max / 10 - 1;
        let mut idle: Vec<(Instant, String)> = cards
            .iter()
            .filter(|(_, e)| Arc::strong_count(&e.state) == 1)
            .map(|(k, e)| (e.last_used, k.clone()))
            .collect();
        idle.sort_unstable();
        let excess = cards.len().saturating_sub(keep);
        for (_, key) in idle.into_iter().take(excess) {
            cards.remove(&key);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.cards.lock().map(|c| c.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_start_at_one_and_never_repeat() {
        let mut s = CardState::default();
        assert_eq!(s.next_sequence().expect("seq"), 1);
        assert_eq!(s.next_sequence().expect("seq"), 2);
        s.raise_to(1);
        assert_eq!(s.next_sequence().expect("seq"), 3);
        s.resync();
        let after = s.next_sequence().expect("seq");
        assert!(after > 1_600_000_000, "{after}");
        s.raise_to(u32::MAX);
        assert!(s.next_sequence().is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn budget_allows_ops_per_window() {
        let mut s = CardState::default();
        let start = Instant::now();
        for _ in 0..25 {
            s.wait_for_budget(10, Duration::from_secs(1)).await;
            s.record_operation();
        }
        // 25 operations at 10 per second: the 11th waits for the 1st, the 21st for the 11th.
        assert_eq!(Instant::now() - start, Duration::from_secs(2));
    }

    #[test]
    fn registry_is_bounded_and_keeps_busy_cards() {
        let registry = CardRegistry::new(10);
        let busy = registry.get("busy");
        for i in 0..100 {
            let _ = registry.get(&format!("card{i}"));
        }
        assert!(registry.len() <= 10, "{}", registry.len());
        assert!(Arc::ptr_eq(&busy, &registry.get("busy")));
    }
}

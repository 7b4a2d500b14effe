//! The shared state in one process's memory.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use super::{Budget, CardTurn, Claim, Store, StoreCall, TokenUse};
use crate::callback::{ClaimFuture, EventStore, StoreFuture};
use crate::Secret;

/// Feishu's `sequence` is a positive int32.
const MAX_SEQUENCE: u32 = i32::MAX as u32;
/// A card entity lives 14 days; its counter a day longer.
const SEQUENCE_TTL: Duration = Duration::from_secs(15 * 24 * 3600);
/// How long a handled event is remembered.
const EVENT_TTL: Duration = Duration::from_secs(3600);

/// A [`Store`] in this process's memory: clients (and callback handlers) of one process that
/// are given clones of it share their state as replicas sharing a `RedisStore` would.
///
/// It behaves as the Redis store does, key for key, which makes it the reference for other
/// implementations and lets bots test their multi-replica code without Redis.
///
/// ```
/// use card_client::store::MemoryStore;
/// use card_client::Client;
///
/// let store = MemoryStore::new("cli_a1b2c3");
/// let a = Client::builder("cli_a1b2c3", "app-secret").store(store.clone()).build()?;
/// let b = Client::builder("cli_a1b2c3", "app-secret").store(store).build()?;
/// # let _ = (a, b);
/// # Ok::<(), card_client::Error>(())
/// ```
#[derive(Clone)]
pub struct MemoryStore {
    app_id: Arc<str>,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

/// An event: claimed by someone until some time, or handled.
enum EventState {
    Claimed(String),
    Handled,
}

#[derive(Default)]
struct State {
    /// Each event's state and when it expires.
    events: HashMap<String, (EventState, Instant)>,
    locks: HashMap<String, (String, Instant)>,
    token: Option<(Secret, Instant)>,
    cards: HashMap<String, Card>,
    uses: HashMap<String, (u32, Instant)>,
    checkpoints: HashMap<String, (String, Instant)>,
    /// Calls since the last sweep of expired entries.
    calls: usize,
    /// Entries the last sweep kept: the next sweep waits for as many calls, so that sweeping
    /// costs O(1) per call however many entries there are.
    kept: usize,
}

#[derive(Default)]
struct Card {
    sequence: u32,
    expires: Option<Instant>,
    /// (sequence, when it counts from), oldest first.
    ops: VecDeque<(u32, Instant)>,
}

impl State {
    /// Drops expired entries now and then, so that the maps do not grow without bound.
    fn sweep(&mut self, now: Instant) {
        self.calls += 1;
        if self.calls < self.kept.max(1024) {
            return;
        }
        self.calls = 0;
        self.events.retain(|_, (_, until)| *until > now);
        self.locks.retain(|_, (_, until)| *until > now);
        self.uses.retain(|_, (_, until)| *until > now);
        self.checkpoints.retain(|_, (_, until)| *until > now);
        self.cards
            .retain(|_, card| card.expires.is_some_and(|until| until > now));
        self.kept = self.events.len()
            + self.locks.len()
            + self.uses.len()
            + self.checkpoints.len()
            + self.cards.len();
    }

    fn holder(&self, name: &str, now: Instant) -> Option<&str> {
        self.locks
            .get(name)
            .filter(|(_, until)| *until > now)
            .map(|(owner, _)| owner.as_str())
    }

    fn lock(&mut self, name: &str, owner: &str, ttl: Duration, now: Instant) -> bool {
        match self.holder(name, now) {
            Some(holder) if holder != owner => false,
            _ => {
                self.locks
                    .insert(name.to_owned(), (owner.to_owned(), now + ttl));
                true
            }
        }
    }

    fn unlock(&mut self, name: &str, owner: &str, now: Instant) {
        if self.holder(name, now) == Some(owner) {
            self.locks.remove(name);
        }
    }
}

impl MemoryStore {
    /// An empty store for the app `app_id`.
    pub fn new(app_id: impl Into<String>) -> Self {
        MemoryStore {
            app_id: Arc::from(app_id.into()),
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Every operation leaves the maps consistent, so a panic elsewhere cannot leave them
        // half-updated: keep using them.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        state.sweep(Instant::now());
        state
    }
}

fn ready<'a, T: Send + 'a>(value: T) -> StoreCall<'a, T> {
    Box::pin(std::future::ready(Ok(value)))
}

use crate::sequencer::card_lock;

impl Store for MemoryStore {
    fn app_id(&self) -> &str {
        &self.app_id
    }

    fn claim_event<'a>(
        &'a self,
        id: &'a str,
        claimant: &'a str,
        lease: Duration,
    ) -> StoreCall<'a, Claim> {
        let now = Instant::now();
        let mut state = self.state();
        let claim = match state.events.get(id) {
            Some((EventState::Handled, until)) if *until > now => Claim::Handled,
            Some((EventState::Claimed(holder), until)) if *until > now && holder != claimant => {
                Claim::InProgress(*until - now)
            }
            _ => {
                state.events.insert(
                    id.to_owned(),
                    (EventState::Claimed(claimant.to_owned()), now + lease),
                );
                Claim::Claimed
            }
        };
        ready(claim)
    }

    fn finish_event<'a>(
        &'a self,
        id: &'a str,
        claimant: &'a str,
        ttl: Duration,
    ) -> StoreCall<'a, bool> {
        let now = Instant::now();
        let mut state = self.state();
        let finished = match state.events.get(id) {
            Some((EventState::Claimed(holder), until)) if *until > now && holder != claimant => {
                false
            }
            Some((EventState::Handled, until)) if *until > now => true,
            _ => {
                state
                    .events
                    .insert(id.to_owned(), (EventState::Handled, now + ttl));
                true
            }
        };
        ready(finished)
    }

    fn release_event<'a>(&'a self, id: &'a str, claimant: &'a str) -> StoreCall<'a, bool> {
        let now = Instant::now();
        let mut state = self.state();
        let mine = matches!(
            state.events.get(id),
            Some((EventState::Claimed(holder), until)) if *until > now && holder == claimant
        );
        if mine {
            state.events.remove(id);
        }
        ready(mine)
    }

    fn lock<'a>(&'a self, name: &'a str, owner: &'a str, ttl: Duration) -> StoreCall<'a, bool> {
        let now = Instant::now();
        ready(self.state().lock(name, owner, ttl, now))
    }

    fn unlock<'a>(&'a self, name: &'a str, owner: &'a str) -> StoreCall<'a, ()> {
        self.state().unlock(name, owner, Instant::now());
        ready(())
    }

    fn token(&self) -> StoreCall<'_, Option<(Secret, Duration)>> {
        let now = Instant::now();
        let token = self
            .state()
            .token
            .as_ref()
            .filter(|(_, until)| *until > now)
            .map(|(token, until)| (token.clone(), *until - now));
        ready(token)
    }

    fn put_token<'a>(&'a self, token: &'a Secret, ttl: Duration) -> StoreCall<'a, ()> {
        self.state().token = Some((token.clone(), Instant::now() + ttl));
        ready(())
    }

    fn drop_token<'a>(&'a self, token: &'a Secret) -> StoreCall<'a, ()> {
        let mut state = self.state();
        if state.token.as_ref().is_some_and(|(t, _)| t == token) {
            state.token = None;
        }
        ready(())
    }

    fn card_turn<'a>(
        &'a self,
        card_id: &'a str,
        owner: &'a str,
        budget: Budget,
    ) -> StoreCall<'a, CardTurn> {
        let now = Instant::now();
        let mut state = self.state();
        let lock = card_lock(card_id);
        if let Some(holder) = state.holder(&lock, now) {
            if holder != owner {
                let until = state.locks.get(&lock).map_or(now, |(_, until)| *until);
                return ready(CardTurn::Wait((until - now).min(Duration::from_millis(5))));
            }
        }
        state.lock(&lock, owner, budget.hold, now);
        let card = state.cards.entry(card_id.to_owned()).or_default();
        while card
            .ops
            .front()
            .is_some_and(|(_, at)| now.saturating_duration_since(*at) >= budget.window)
        {
            card.ops.pop_front();
        }
        let ops = budget.ops.max(1) as usize;
        if card.ops.len() >= ops {
            let ready_at = card.ops[card.ops.len() - ops].1 + budget.window;
            return ready(CardTurn::Wait(
                ready_at
                    .saturating_duration_since(now)
                    .max(Duration::from_millis(1)),
            ));
        }
        if card.sequence >= MAX_SEQUENCE {
            return ready(CardTurn::Exhausted);
        }
        card.sequence += 1;
        card.expires = Some(now + SEQUENCE_TTL);
        let sequence = card.sequence;
        card.ops.push_back((sequence, now));
        ready(CardTurn::Go { sequence })
    }

    fn card_done<'a>(
        &'a self,
        card_id: &'a str,
        owner: &'a str,
        sequence: u32,
        release: bool,
    ) -> StoreCall<'a, ()> {
        let now = Instant::now();
        let mut state = self.state();
        if let Some(card) = state.cards.get_mut(card_id) {
            if let Some(op) = card.ops.iter_mut().find(|(seq, _)| *seq == sequence) {
                op.1 = now;
            }
            card.ops.make_contiguous().sort_by_key(|(_, at)| *at);
        }
        if release {
            state.unlock(&card_lock(card_id), owner, now);
        }
        ready(())
    }

    fn raise_sequence<'a>(&'a self, card_id: &'a str, last: u32) -> StoreCall<'a, ()> {
        let now = Instant::now();
        let mut state = self.state();
        let card = state.cards.entry(card_id.to_owned()).or_default();
        card.sequence = card.sequence.max(last.min(MAX_SEQUENCE));
        card.expires = Some(now + SEQUENCE_TTL);
        ready(())
    }

    fn last_sequence<'a>(&'a self, card_id: &'a str) -> StoreCall<'a, Option<u32>> {
        let now = Instant::now();
        let last = self
            .state()
            .cards
            .get(card_id)
            .filter(|card| card.expires.is_some_and(|until| until > now))
            .map(|card| card.sequence);
        ready(last)
    }

    fn use_callback_token<'a>(
        &'a self,
        digest: &'a str,
        max: u32,
        ttl: Duration,
    ) -> StoreCall<'a, TokenUse> {
        let now = Instant::now();
        let mut state = self.state();
        let entry = state
            .uses
            .entry(digest.to_owned())
            .or_insert((0, now + ttl));
        if entry.1 <= now {
            *entry = (0, now + ttl);
        }
        let answer = if entry.0 >= max {
            TokenUse::UsedUp(entry.0)
        } else {
            entry.0 += 1;
            TokenUse::Granted(entry.0)
        };
        ready(answer)
    }

    fn put_checkpoint<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        checkpoint: String,
        ttl: Duration,
    ) -> StoreCall<'a, bool> {
        let now = Instant::now();
        let mut state = self.state();
        if state.holder(&super::stream_lease(key), now) != Some(owner) {
            return ready(false);
        }
        state
            .checkpoints
            .insert(key.to_owned(), (checkpoint, now + ttl));
        ready(true)
    }

    fn checkpoint<'a>(&'a self, key: &'a str) -> StoreCall<'a, Option<String>> {
        let now = Instant::now();
        let checkpoint = self
            .state()
            .checkpoints
            .get(key)
            .filter(|(_, until)| *until > now)
            .map(|(c, _)| c.clone());
        ready(checkpoint)
    }
}

impl EventStore for MemoryStore {
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

    fn budget() -> Budget {
        Budget::new(2, Duration::from_secs(1), Duration::from_secs(30))
    }

    #[tokio::test(start_paused = true)]
    async fn a_card_turn_takes_the_lock_a_sequence_and_the_budget() {
        let store = MemoryStore::new("cli_a");
        let turn = |owner: &'static str| store.card_turn("c1", owner, budget());
        assert_eq!(turn("a").await.ok(), Some(CardTurn::Go { sequence: 1 }));
        assert!(
            matches!(turn("b").await, Ok(CardTurn::Wait(_))),
            "locked by a"
        );
        assert_eq!(turn("a").await.ok(), Some(CardTurn::Go { sequence: 2 }));
        assert!(
            matches!(turn("a").await, Ok(CardTurn::Wait(d)) if d == Duration::from_secs(1)),
            "two operations per second"
        );
        store.card_done("c1", "a", 2, true).await.expect("done");
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(turn("b").await.ok(), Some(CardTurn::Go { sequence: 3 }));
        store.raise_sequence("c1", 100).await.expect("raised");
        assert_eq!(store.last_sequence("c1").await.ok(), Some(Some(100)));
    }

    #[tokio::test(start_paused = true)]
    async fn events_locks_and_token_uses_expire() {
        let store = MemoryStore::new("cli_a");
        let ttl = Duration::from_secs(60);
        let lease = Duration::from_secs(4);
        assert_eq!(
            store.claim_event("e1", "a", lease).await.ok(),
            Some(Claim::Claimed)
        );
        assert_eq!(
            store.claim_event("e1", "b", lease).await.ok(),
            Some(Claim::InProgress(lease))
        );
        assert_eq!(store.finish_event("e1", "a", ttl).await.ok(), Some(true));
        assert_eq!(
            store.claim_event("e1", "b", lease).await.ok(),
            Some(Claim::Handled)
        );
        assert_eq!(
            store.claim_event("e2", "a", lease).await.ok(),
            Some(Claim::Claimed)
        );
        tokio::time::advance(lease).await;
        assert_eq!(
            store.claim_event("e2", "b", lease).await.ok(),
            Some(Claim::Claimed),
            "a's claim lapsed"
        );
        assert_eq!(store.finish_event("e2", "a", ttl).await.ok(), Some(false));
        assert_eq!(store.release_event("e2", "b").await.ok(), Some(true));
        assert_eq!(
            store.claim_event("e2", "a", lease).await.ok(),
            Some(Claim::Claimed)
        );
        assert!(store.lock("l", "a", ttl).await.expect("ok"));
        assert!(!store.lock("l", "b", ttl).await.expect("ok"));
        for n in 1..=2 {
            assert_eq!(
                store.use_callback_token("d", 2, ttl).await.ok(),
                Some(TokenUse::Granted(n))
            );
        }
        assert_eq!(
            store.use_callback_token("d", 2, ttl).await.ok(),
            Some(TokenUse::UsedUp(2))
        );
        tokio::time::advance(ttl).await;
        assert_eq!(
            store.claim_event("e1", "c", lease).await.ok(),
            Some(Claim::Claimed)
        );
        assert!(store.lock("l", "b", ttl).await.expect("ok"));
        assert_eq!(
            store.use_callback_token("d", 2, ttl).await.ok(),
            Some(TokenUse::Granted(1))
        );
    }
}

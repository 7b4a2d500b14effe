//! The long connection that brings the answers to `feishu_ask_user`: a
//! [`card_client::ws::Listener`] held for the server's whole life.
//!
//! The listener connects out to Feishu with the app's id and secret (no public URL, encrypt key
//! or verification token), and its card-action handler is the server's `on_action`: each
//! `card.action.trigger` becomes a [`CardAction`], goes to [`Questions::route`](super::ask::Questions::route),
//! is acknowledged with the [`Answer`] (the card showing the answer), and the waiting call
//! hears of it once the acknowledgement has gone out.
//!
//! What happens to the connection is said on standard error (opened, lost, reconnecting and
//! why, closed).
//! A final failure (Feishu refuses the app: wrong credentials, not a self-built app, too many
//! connections) is printed with what to fix, ends every waiting question with that message,
//! and makes later questions fail at once with it ([`LongConnection::ready`]); the other tools
//! go on working.
//!
//! ```text
//! mcp: long connection open: feishu_ask_user answers arrive over it
//! error: Feishu refused the long connection: authentication failed (code 514: …); check the
//!        app id and app secret on the app's credentials page
//! ```

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use card_client::callback::{Answer, CardAction, Deferred};
use card_client::ws::{Listener, ListenerHandle, State, StopReason};
use card_client::Client;
use tokio::sync::watch;

use super::ask::Questions;

/// The longest `feishu_ask_user` waits for a long connection that is opening or reconnecting
/// before it refuses to ask.
pub const READY_WAIT: Duration = Duration::from_secs(15);

/// How long stopping may take: events in flight are answered and acknowledged first.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(5);

/// The running listener.
pub struct LongConnection {
    handle: ListenerHandle,
    watcher: tokio::task::JoinHandle<()>,
}

impl LongConnection {
    /// Starts listening with `client`'s app on the current runtime, with `on_action` as the
    /// card-action handler. A final failure ends the calls waiting in `questions`.
    pub fn start<F, Fut>(client: Client, on_action: F, questions: Arc<Questions>) -> LongConnection
    where
        F: Fn(CardAction, Deferred) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Answer> + Send + 'static,
    {
        let handle = Listener::builder(client).on_card_action(on_action).start();
        let watcher = tokio::spawn(watch_state(handle.state(), questions));
        LongConnection { handle, watcher }
    }

    /// Whether answers can come back now: `Ok` once the connection is open, waiting up to
    /// `wait` while it opens or reconnects; otherwise why not, in words a model can pass on.
    pub async fn ready(&self, wait: Duration) -> Result<(), String> {
        let mut state = self.handle.state();
        let _ = tokio::time::timeout(
            wait,
            state.wait_for(|s| matches!(s, State::Connected | State::Stopped(_))),
        )
        .await;
        let now = state.borrow().clone();
        not_ready(&now, wait).map_or(Ok(()), Err)
    }

    /// Why the listener stopped for good, if it did.
    pub fn failure(&self) -> Option<String> {
        match &*self.handle.state().borrow() {
            State::Stopped(StopReason::Failed(e)) => Some(e.to_string()),
            _ => None,
        }
    }

    /// Stops gracefully: no new frame is read, events in flight are answered and acknowledged,
    /// the connection is closed.
    pub async fn shutdown(&self) {
        let stopped = tokio::time::timeout(SHUTDOWN_WAIT, self.handle.shutdown()).await;
        self.watcher.abort();
        match stopped {
            Ok(Ok(())) => eprintln!("mcp: long connection closed"),
            // A final failure was reported when it happened.
            Ok(Err(_)) => {}
            Err(_) => eprintln!(
                "mcp: the long connection did not close within {} s; leaving it",
                SHUTDOWN_WAIT.as_secs()
            ),
        }
    }
}

/// Why answers cannot come back in `state` (`None`: they can).
fn not_ready(state: &State, waited: Duration) -> Option<String> {
    match state {
        State::Connected => None,
        State::Stopped(StopReason::Failed(e)) => Some(format!(
            "the long connection that brings the answers stopped: {e}. Fix that and restart the \
             server, or serve the card callback route instead (--callback ADDR)"
        )),
        State::Stopped(_) => Some("the server is stopping".to_owned()),
        State::Connecting => Some(format!(
            "the long connection that brings the answers did not open within {} s; check that \
             this machine reaches Feishu (or the --base-url given), then ask again",
            waited.as_secs_f64()
        )),
        State::Reconnecting {
            attempt,
            last_failure,
            ..
        } => Some(format!(
            "the long connection that brings the answers is not open: {last_failure} \
             (reconnecting, attempt {attempt}); check that this machine reaches Feishu (or the \
             --base-url given), then ask again"
        )),
        other => Some(format!(
            "the long connection that brings the answers is not open ({other:?})"
        )),
    }
}

/// Says each change of state on standard error; on a final failure, ends the waiting calls.
async fn watch_state(mut state: watch::Receiver<State>, questions: Arc<Questions>) {
    let mut last = State::Connecting;
    loop {
        let now = state.borrow_and_update().clone();
        if now != last {
            match &now {
                State::Connected => {
                    eprintln!("mcp: long connection open: feishu_ask_user answers arrive over it")
                }
                State::Reconnecting {
                    attempt,
                    after,
                    last_failure,
                } => eprintln!(
                    "mcp: the long connection is not open: {}",
                    crate::listen::reconnecting(*attempt, *after, last_failure)
                ),
                State::Stopped(StopReason::Failed(e)) => {
                    eprintln!("error: {e}");
                    eprintln!(
                        "error: feishu_ask_user cannot receive answers until the server is \
                         restarted; the other tools go on working"
                    );
                    questions.fail_all();
                    return;
                }
                State::Stopped(_) => return,
                _ => {}
            }
            last = now;
        }
        if state.changed().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use card_client::ws::{ConnectionFailure, Error};

    #[test]
    fn only_an_open_connection_is_ready_and_every_other_state_says_what_to_do() {
        let wait = Duration::from_secs(2);
        assert_eq!(not_ready(&State::Connected, wait), None);
        let failed = State::Stopped(StopReason::Failed(Error::from_code(514, "bad secret")));
        let why = not_ready(&failed, wait).unwrap_or_default();
        assert!(
            why.contains("authentication failed") && why.contains("app secret"),
            "{why}"
        );
        assert!(why.contains("--callback"), "{why}");
        let reconnecting = State::Reconnecting {
            attempt: 3,
            after: Duration::from_secs(120),
            last_failure: ConnectionFailure::Busy {
                code: 1,
                msg: "system busy".into(),
            },
        };
        let why = not_ready(&reconnecting, wait).unwrap_or_default();
        assert!(
            why.contains("attempt 3") && why.contains("ask again"),
            "{why}"
        );
        assert!(why.contains("(code 1: system busy)"), "the cause: {why}");
        let why = not_ready(&State::Connecting, wait).unwrap_or_default();
        assert!(why.contains("within 2 s"), "{why}");
        assert!(not_ready(&State::Stopped(StopReason::Shutdown), wait).is_some());
    }

    #[tokio::test]
    async fn a_final_failure_ends_the_waiting_questions_at_once() {
        use super::super::ask::{Ask, Question};
        let questions = Arc::new(Questions::default());
        let asked = Arc::new(Question {
            id: "q-wait".into(),
            text: "Still there?".into(),
            ask: Ask::Choices(vec!["Yes".into()]),
        });
        let reply = questions.register(asked);
        let (tx, rx) = watch::channel(State::Connecting);
        let watcher = tokio::spawn(watch_state(rx, questions.clone()));
        tx.send_replace(State::Connected);
        tx.send_replace(State::Reconnecting {
            attempt: 1,
            after: Duration::ZERO,
            last_failure: ConnectionFailure::NoPong(Duration::from_secs(30)),
        });
        tx.send_replace(State::Stopped(StopReason::Failed(Error::from_code(
            403, "no",
        ))));
        let ended = tokio::time::timeout(Duration::from_secs(30), watcher).await;
        assert!(matches!(ended, Ok(Ok(()))), "{ended:?}");
        assert!(reply.await.is_err());
        assert_eq!(questions.waiting(), 0);
    }
}

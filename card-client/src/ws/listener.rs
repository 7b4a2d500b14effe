//! The listener: its builder, its handle, its state, and the loop that connects and reconnects.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tracing::Instrument as _;

use super::connection::{self, Ended, Settings};
use super::dispatch::{BoxFuture, CardFn, Dispatcher, EventFn};
use super::error::{ConnectionFailure, Error, Failure};
use super::event::Event;
use super::frame::ClientConfig;
use super::reassembly::Limits;
use super::schedule::Timing;
use crate::callback::{Answer, CallbackConfig, CallbackHandler, CardAction, Deferred};
use crate::Client;

/// Receives events and card actions over Feishu's long connection; see the
/// [module docs](super).
///
/// Start one with [`Listener::builder`].
#[derive(Debug)]
pub struct Listener {
    _private: (),
}

impl Listener {
    /// A builder for a listener of `client`'s app: its app id and secret authenticate the
    /// connection, its base URL says where Feishu is, and it delivers the delayed updates of
    /// late card-action answers.
    pub fn builder(client: Client) -> ListenerBuilder {
        ListenerBuilder {
            client,
            on_card: None,
            on_event: None,
            callback_config: None,
            time_scale: None,
            handshake_timeout: ListenerBuilder::DEFAULT_HANDSHAKE_TIMEOUT,
            pong_timeout: ListenerBuilder::DEFAULT_PONG_TIMEOUT,
            limits: Limits::default(),
        }
    }
}

/// Configures and starts a [`Listener`].
///
/// ```no_run
/// use card_client::callback::{Answer, CallbackConfig, Toast};
/// use card_client::ws::Listener;
/// use std::time::Duration;
///
/// # async fn demo(client: card_client::Client) -> Result<(), card_client::ws::Error> {
/// let handle = Listener::builder(client)
///     .on_card_action(|_action, _later| async { Answer::toast(Toast::success("Done")) })
///     .on_event(|event| async move { println!("{}", event.event_type()) })
///     .callback_config(CallbackConfig::new("").deadline_margin(Duration::from_millis(800)))
///     .start();
/// handle.wait().await
/// # }
/// ```
#[must_use]
pub struct ListenerBuilder {
    client: Client,
    on_card: Option<CardFn>,
    on_event: Option<EventFn>,
    callback_config: Option<CallbackConfig>,
    time_scale: Option<f64>,
    handshake_timeout: Duration,
    pong_timeout: Duration,
    limits: Limits,
}

impl fmt::Debug for ListenerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListenerBuilder")
            .field("client", &self.client)
            .field("on_card_action", &self.on_card.is_some())
            .field("on_event", &self.on_event.is_some())
            .field("callback_config", &self.callback_config)
            .field("time_scale", &self.time_scale)
            .field("handshake_timeout", &self.handshake_timeout)
            .field("pong_timeout", &self.pong_timeout)
            .field("limits", &self.limits)
            .finish()
    }
}

impl ListenerBuilder {
    /// Default time allowed for the WebSocket handshake.
    pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(15);
    /// Default time allowed between a ping and its pong before the connection counts as dead.
    pub const DEFAULT_PONG_TIMEOUT: Duration = Duration::from_secs(30);

    /// The function that answers card actions (`card.action.trigger`), exactly as the HTTP
    /// route's [`CallbackHandler`] runs it: typed [`CardAction`], a [`Deferred`] handle, the
    /// answer by Feishu's deadline (the fallback toast when late, the late card as a delayed
    /// update), each `event_id` handled once.
    ///
    /// Without it, card actions go to the [`on_event`](Self::on_event) function, answered
    /// `{}`.
    pub fn on_card_action<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(CardAction, Deferred) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Answer> + Send + 'static,
    {
        self.on_card = Some(Arc::new(move |action, later| -> BoxFuture<Answer> {
            Box::pin(f(action, later))
        }));
        self
    }

    /// The function that gets every other event (messages, chat changes, …), each `event_id`
    /// once. The event is acknowledged when the function returns: Feishu delivers it again when
    /// that takes more than 3 seconds, so spawn long work. A second delivery that arrives while
    /// the first is still running (here or in another replica sharing the event store) waits
    /// for it: once the first has finished it is acknowledged without running the function
    /// again; if the first's claim lapses (its replica died) it runs the function itself; if
    /// neither happens by Feishu's deadline it is left unacknowledged, so that Feishu delivers
    /// the event again (see [`crate::callback::EVENT_CLAIM_LEASE`]). Without a function, events
    /// are acknowledged and logged at debug level.
    pub fn on_event<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Event) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_event = Some(Arc::new(move |event| -> BoxFuture<()> {
            Box::pin(f(event))
        }));
        self
    }

    /// How card actions are answered: event store (share one with other replicas, which each
    /// get a random share of events), fallback answer, deadline margin, client for delayed
    /// updates (by default the listener's). The verification token and encrypt key are not
    /// used: the long connection carries events unencrypted and needs no check.
    pub fn callback_config(mut self, config: CallbackConfig) -> Self {
        self.callback_config = Some(config);
        self
    }

    /// Divides the intervals Feishu gives (`PingInterval`, `ReconnectInterval`,
    /// `ReconnectNonce`) by `scale`, for tests against a local server. By default the client's
    /// [`time_scale`](crate::ClientBuilder::time_scale), 1 unless set; values below 1 count as 1.
    pub fn time_scale(mut self, scale: f64) -> Self {
        self.time_scale = Some(scale);
        self
    }

    /// Time allowed for the WebSocket handshake before the attempt counts as failed (15 s by
    /// default).
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }

    /// Time allowed between a ping and the next pong before the connection counts as dead and
    /// is replaced (30 s by default).
    pub fn pong_timeout(mut self, timeout: Duration) -> Self {
        self.pong_timeout = timeout;
        self
    }

    /// Limits on reassembling payloads split over several frames.
    pub fn reassembly_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Starts listening in a task on the current tokio runtime; the returned handle watches,
    /// stops, and waits for it. Dropping the handle leaves the listener running.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub fn start(self) -> ListenerHandle {
        let config = self
            .callback_config
            .unwrap_or_else(|| CallbackConfig::new(""))
            .client_or(&self.client);
        let handler = config.build();
        let scale = self.time_scale.unwrap_or(self.client.time_scale());
        let settings = Settings {
            dispatcher: Dispatcher {
                handler: handler.clone(),
                on_card: self.on_card,
                on_event: self.on_event,
            },
            client: self.client,
            timing: Timing::new(scale),
            handshake_timeout: self.handshake_timeout,
            pong_timeout: self.pong_timeout,
            limits: self.limits,
        };
        let (state_tx, state_rx) = watch::channel(State::Connecting);
        let (stop_tx, stop_rx) = watch::channel(false);
        let span = tracing::info_span!("feishu_listener", app_id = settings.client.app_id());
        tokio::spawn(
            async move {
                let result = run(&settings, &state_tx, stop_rx).await;
                settings.dispatcher.handler.finish_background().await;
                let reason = match result {
                    Ok(()) => {
                        tracing::info!("stopped");
                        StopReason::Shutdown
                    }
                    Err(e) => {
                        tracing::error!("stopped: {e}");
                        StopReason::Failed(e)
                    }
                };
                state_tx.send_replace(State::Stopped(reason));
            }
            .instrument(span),
        );
        ListenerHandle {
            state: state_rx,
            stop: Arc::new(stop_tx),
            handler,
        }
    }
}

/// Where a listener is.
///
/// While it reconnects, the state says why: what made the last attempt fail, or the last
/// connection end.
///
/// ```no_run
/// # async fn demo(handle: card_client::ws::ListenerHandle) {
/// use card_client::ws::{ConnectionFailure, State};
///
/// let mut state = handle.state();
/// loop {
///     match &*state.borrow_and_update() {
///         State::Connected => println!("connected"),
///         State::Reconnecting { attempt, after, last_failure } => {
///             println!("{last_failure}; reconnecting in {after:?} (attempt {attempt})");
///             if let ConnectionFailure::Busy { code, .. } = last_failure {
///                 println!("Feishu answered code {code}");
///             }
///         }
///         State::Stopped(reason) => {
///             println!("stopped: {reason:?}");
///             break;
///         }
///         _ => {}
///     }
///     if state.changed().await.is_err() {
///         break;
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum State {
    /// Asking for a URL and opening the first connection.
    Connecting,
    /// Connected: events arrive.
    Connected,
    /// The connection was lost or could not be opened: waiting before, or making, attempt
    /// `attempt` (from 1) of the reconnect schedule. Each failed attempt gives a new state
    /// with the next attempt and its own failure.
    Reconnecting {
        /// Which attempt.
        attempt: u32,
        /// How long the listener waits before making it (Feishu's `ReconnectNonce` or
        /// `ReconnectInterval`, divided by the time scale).
        after: Duration,
        /// Why: what made the last attempt fail, or the last connection end.
        last_failure: ConnectionFailure,
    },
    /// Stopped for good.
    Stopped(StopReason),
}

/// Why a listener stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// [`ListenerHandle::shutdown`] was called.
    Shutdown,
    /// A final failure.
    Failed(Error),
}

/// Watches, stops and waits for a running [`Listener`]. Cheap to clone; clones control the
/// same listener.
#[derive(Debug, Clone)]
pub struct ListenerHandle {
    state: watch::Receiver<State>,
    stop: Arc<watch::Sender<bool>>,
    handler: CallbackHandler,
}

impl ListenerHandle {
    /// The listener's state, as a receiver that sees every change.
    ///
    /// ```no_run
    /// # async fn demo(handle: card_client::ws::ListenerHandle) {
    /// use card_client::ws::State;
    ///
    /// let mut state = handle.state();
    /// let _ = state.wait_for(|s| *s == State::Connected).await;
    /// # }
    /// ```
    pub fn state(&self) -> watch::Receiver<State> {
        self.state.clone()
    }

    /// The handler that answers card actions, for [`CallbackHandler::running`] and friends.
    pub fn callback_handler(&self) -> &CallbackHandler {
        &self.handler
    }

    /// Stops gracefully: no new frame is read, events being handled are answered and
    /// acknowledged, the connection is closed, card-action functions still running past their
    /// deadline finish (with the delayed update of their late answer); then the state is
    /// [`State::Stopped`] and this returns what [`wait`](Self::wait) returns.
    ///
    /// # Errors
    ///
    /// The listener's final failure, if it had already stopped with one.
    pub async fn shutdown(&self) -> Result<(), Error> {
        self.stop.send_replace(true);
        self.wait().await
    }

    /// Waits until the listener stops: `Ok` after [`shutdown`](Self::shutdown), the final
    /// failure otherwise.
    ///
    /// # Errors
    ///
    /// [`Error`]: Feishu refused the app the connection (it says what to fix), or the
    /// reconnect schedule ran out.
    pub async fn wait(&self) -> Result<(), Error> {
        let mut state = self.state.clone();
        let stopped = state
            .wait_for(|s| matches!(s, State::Stopped(_)))
            .await
            .map(|s| s.clone());
        match stopped {
            Ok(State::Stopped(StopReason::Shutdown)) => Ok(()),
            Ok(State::Stopped(StopReason::Failed(e))) => Err(e),
            _ => Err(Error::Internal(
                "the listener's task ended without stopping (it panicked)".into(),
            )),
        }
    }
}

/// Connects, and reconnects on the schedule, until shut down or a final failure.
async fn run(
    settings: &Settings,
    state: &watch::Sender<State>,
    mut stop: watch::Receiver<bool>,
) -> Result<(), Error> {
    let mut config = ClientConfig::default();
    let mut attempt: u32 = 0;
    loop {
        if *stop.borrow() {
            return Ok(());
        }
        let result = tokio::select! {
            result = connection::connect(settings, &mut config) => result,
            _ = connection::wait_true(&mut stop) => return Ok(()),
        };
        let failure = match result {
            Ok(connection) => {
                attempt = 0;
                let span =
                    tracing::info_span!("feishu_connection", service_id = connection.service_id());
                state.send_replace(State::Connected);
                tracing::info!(parent: &span, "connected");
                match connection
                    .run(settings, &mut config, &mut stop)
                    .instrument(span.clone())
                    .await
                {
                    Ended::Shutdown => return Ok(()),
                    Ended::Lost(why) => {
                        tracing::warn!(parent: &span, "connection lost: {why}");
                        why
                    }
                }
            }
            Err(Failure::Final(e)) => return Err(e),
            Err(Failure::Transient(why)) => {
                tracing::warn!(attempt, "could not connect: {why}");
                why
            }
        };
        attempt = attempt.saturating_add(1);
        let Some(delay) = settings
            .timing
            .reconnect_delay(&config, attempt, fastrand::f64())
        else {
            return Err(Error::GaveUp {
                attempts: attempt - 1,
                last: failure,
            });
        };
        tracing::info!(attempt, ?delay, "reconnecting");
        state.send_replace(State::Reconnecting {
            attempt,
            after: delay,
            last_failure: failure,
        });
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            _ = connection::wait_true(&mut stop) => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Generous bound on anything a test waits for; never reached when things work.
    const PATIENCE: Duration = Duration::from_secs(20);

    /// Waits until the listener reconnects, and gives the reason it says.
    async fn reconnecting_because(handle: &ListenerHandle) -> (u32, ConnectionFailure) {
        let mut state = handle.state();
        let reached = tokio::time::timeout(
            PATIENCE,
            state.wait_for(|s| matches!(s, State::Reconnecting { .. } | State::Stopped(_))),
        )
        .await
        .expect("the listener reconnects in time")
        .expect("the listener runs")
        .clone();
        match reached {
            State::Reconnecting {
                attempt,
                last_failure,
                ..
            } => (attempt, last_failure),
            other => panic!("expected reconnecting, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_endpoint_nobody_listens_on_is_unreachable() {
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .and_then(|l| l.local_addr())
            .expect("a free port");
        let client = Client::builder("cli_test", "secret")
            .base_url(format!("http://{closed}"))
            .build()
            .expect("client");
        let handle = Listener::builder(client).time_scale(100.0).start();
        let (attempt, why) = reconnecting_because(&handle).await;
        assert_eq!(attempt, 1);
        match &why {
            ConnectionFailure::Unreachable { url, detail } => {
                assert_eq!(*url, format!("http://{closed}/callback/ws/endpoint"));
                assert!(
                    detail.to_lowercase().contains("refused"),
                    "the cause is named: {detail}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(
            why.to_string().starts_with("could not reach http://"),
            "{why}"
        );
        handle.shutdown().await.expect("shutdown");
    }

    #[cfg(feature = "emulator")]
    mod against_the_emulator {
        use super::*;
        use crate::emulator::{Emulator, Fault, LongConnectionFault};
        use crate::ws::frame::ENDPOINT_PATH;

        /// Pings every 10 ms of real time, reconnection within 10 ms.
        fn config() -> ClientConfig {
            ClientConfig {
                ping_interval: 1,
                reconnect_count: -1,
                reconnect_interval: 1,
                reconnect_nonce: 1,
            }
        }

        async fn emulator() -> Emulator {
            Emulator::builder()
                .client_config(config())
                .start()
                .await
                .expect("emulator")
        }

        fn listener(feishu: &Emulator) -> ListenerBuilder {
            Listener::builder(feishu.client().build().expect("client")).time_scale(100.0)
        }

        async fn connected(handle: &ListenerHandle) {
            let mut state = handle.state();
            tokio::time::timeout(PATIENCE, state.wait_for(|s| *s == State::Connected))
                .await
                .expect("the listener connects in time")
                .expect("the listener runs");
        }

        /// The next request for a URL is held for longer than any test, so that the state
        /// stays on the failure before it.
        fn hold_the_next_endpoint_request(feishu: &Emulator) {
            feishu.inject(Fault::slow(PATIENCE * 3).on_path(ENDPOINT_PATH));
        }

        #[tokio::test]
        async fn a_busy_endpoint_is_the_reason_for_each_attempt() {
            let feishu = emulator().await;
            feishu.inject_long_connection(LongConnectionFault::endpoint_busy().until_cleared());
            let handle = listener(&feishu).start();
            let mut state = handle.state();
            let second = tokio::time::timeout(
                PATIENCE,
                state.wait_for(|s| matches!(s, State::Reconnecting { attempt: 2.., .. })),
            )
            .await
            .expect("a second attempt in time")
            .expect("the listener runs")
            .clone();
            let State::Reconnecting { last_failure, .. } = second else {
                panic!("{second:?}");
            };
            assert_eq!(
                last_failure,
                ConnectionFailure::Busy {
                    code: 1,
                    msg: "system busy".into()
                }
            );
            feishu.clear_long_connection_faults();
            connected(&handle).await;
            handle.shutdown().await.expect("shutdown");
        }

        #[tokio::test]
        async fn an_endpoint_answering_a_proxy_error_page_is_a_bad_answer() {
            let feishu = emulator().await;
            feishu.inject(
                Fault::server_error(502)
                    .on_path(ENDPOINT_PATH)
                    .probability(1.0),
            );
            let handle = listener(&feishu).start();
            let (_, why) = reconnecting_because(&handle).await;
            match &why {
                ConnectionFailure::BadAnswer(detail) => {
                    assert!(detail.contains("HTTP 502"), "{detail}");
                    assert!(detail.contains("not Feishu's JSON"), "{detail}");
                }
                other => panic!("{other:?}"),
            }
            handle.shutdown().await.expect("shutdown");
        }

        #[tokio::test]
        async fn a_dropped_socket_is_the_reason_for_reconnecting() {
            let feishu = emulator().await;
            let handle = listener(&feishu).start();
            connected(&handle).await;
            assert!(feishu.wait_for_long_connections(1, PATIENCE).await);
            hold_the_next_endpoint_request(&feishu);
            assert_eq!(feishu.drop_long_connections(), 1);
            let (attempt, why) = reconnecting_because(&handle).await;
            assert_eq!(attempt, 1);
            assert_eq!(
                why,
                ConnectionFailure::Closed {
                    code: None,
                    reason: String::new()
                }
            );
            assert_eq!(why.to_string(), "the server closed the connection");
            handle.shutdown().await.expect("shutdown");
        }

        #[tokio::test]
        async fn a_missing_pong_is_the_reason_for_reconnecting() {
            let feishu = emulator().await;
            let limit = Duration::from_millis(300);
            let handle = listener(&feishu).pong_timeout(limit).start();
            connected(&handle).await;
            hold_the_next_endpoint_request(&feishu);
            // Every ping from now on: a later pong would count for the missed one.
            feishu.inject_long_connection(LongConnectionFault::no_pong().until_cleared());
            let (attempt, why) = reconnecting_because(&handle).await;
            assert_eq!(attempt, 1);
            assert_eq!(why, ConnectionFailure::NoPong(limit));
            handle.shutdown().await.expect("shutdown");
        }

        #[tokio::test]
        async fn a_handshake_refused_as_busy_is_the_reason_for_reconnecting() {
            let feishu = emulator().await;
            feishu.inject_long_connection(
                LongConnectionFault::refuse_handshake(1, None, "system busy").until_cleared(),
            );
            let handle = listener(&feishu).start();
            let (_, why) = reconnecting_because(&handle).await;
            assert_eq!(
                why,
                ConnectionFailure::Busy {
                    code: 1,
                    msg: "system busy".into()
                }
            );
            handle.shutdown().await.expect("shutdown");
        }
    }
}

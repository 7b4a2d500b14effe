//! Several replicas of one bot against the emulator, sharing a real Redis: streams into cards
//! and card actions from emulated users, faults on every side, one replica killed and
//! restarted. Every figure of the [`Report`] is measured; see `main.rs` for the command.
//!
//! Used by the `replicas` example (full size) and by `tests/replicas_scenario.rs` (scaled
//! down), so that CI runs the same scenario.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use card_client::callback::{Answer, CallbackConfig, CardAction, Deferred, Toast};
use card_client::emulator::{Emulator, Fault, LongConnectionFault};
use card_client::store::RedisStore;
use card_client::stream::{FinalCard, Stream};
use card_client::ws::frame::ClientConfig;
use card_client::ws::{Listener, ListenerHandle};
use card_client::{CardContent, Client, SendMessage};
use serde_json::json;

/// The size and pace of a run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Replicas of the bot (the first one is killed and restarted).
    pub replicas: usize,
    /// Streams, each into a card of its own in a chat of its own.
    pub streams: usize,
    /// Card actions by emulated users.
    pub actions: usize,
    /// Pieces of text each stream pushes.
    pub chunks: usize,
    /// Real time between two pieces of one stream.
    pub chunk_every: Duration,
    /// Real time over which the actions are spread.
    pub actions_over: Duration,
    /// How much faster than real time the emulator's clock runs (the clients' waits follow).
    pub speed: f64,
    /// Seed of the emulator and of the fault draws.
    pub seed: u64,
    /// Longest real time to wait for the streams and actions to settle.
    pub patience: Duration,
}

impl Config {
    /// The full run: 3 replicas, 200 streams, 1,000 card actions.
    pub fn full() -> Self {
        Config {
            replicas: 3,
            streams: 200,
            actions: 1000,
            chunks: 24,
            chunk_every: Duration::from_millis(700),
            actions_over: Duration::from_secs(16),
            speed: 10.0,
            seed: 0x3e91,
            patience: Duration::from_secs(90),
        }
    }
}

/// What the run measured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Replicas run at once.
    pub replicas: usize,
    /// Streams run.
    pub streams: usize,
    /// Card actions made by emulated users.
    pub actions: usize,
    /// Actions whose handler ran more than once, from the handlers' own records.
    pub handled_twice: usize,
    /// Actions never handled, plus streams whose final card misses some of their text.
    pub lost: usize,
    /// Requests the emulator answered 300317.
    pub sequence_errors: usize,
    /// Requests the emulator refused for exceeding a card's 10 operations per second (its own
    /// limit, not an injected 429).
    pub rate_limit_errors: u64,
    /// Streams whose final card text is not the text the stream wrote.
    pub stream_text_mismatches: usize,
    /// Card actions the killed replica had claimed and was handling when it died.
    pub killed_mid_handling: usize,
    /// How many of those another replica handled.
    pub handled_elsewhere: usize,
    /// Facts that explain the figures, for the log (not part of the line).
    pub notes: Vec<String>,
}

impl Report {
    /// Whether every "must be 0" figure is 0.
    pub fn clean(&self) -> bool {
        self.handled_twice == 0
            && self.lost == 0
            && self.sequence_errors == 0
            && self.rate_limit_errors == 0
            && self.stream_text_mismatches == 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "replicas: {}, streams: {}, actions: {}, handled twice: {}, lost: {}, sequence errors: {}, rate-limit errors: {}, stream text mismatches: {}",
            self.replicas,
            self.streams,
            self.actions,
            self.handled_twice,
            self.lost,
            self.sequence_errors,
            self.rate_limit_errors,
            self.stream_text_mismatches
        )
    }
}

/// The text piece `j` of stream `i`.
fn chunk(i: usize, j: usize) -> String {
    format!("Stream {i}, part {j}. ")
}

/// Everything stream `i` writes.
fn whole_text(i: usize, chunks: usize) -> String {
    (0..chunks).map(|j| chunk(i, j)).collect()
}

/// One stream, as the replicas working on it record it.
#[derive(Debug, Default, Clone)]
struct StreamState {
    /// The replica (index) that runs it now.
    owner: usize,
    /// Its cards, as the stream reported them.
    cards: Vec<String>,
    finished: bool,
    took_over: bool,
}

/// What the replicas and the users record, shared by all of them: the handlers' own records
/// of what they ran, and the streams' state.
#[derive(Default)]
struct Records {
    /// `event_id` → the replicas whose handler ran for it (its effect took place), once per run.
    runs: Mutex<HashMap<String, Vec<String>>>,
    /// `event_id` → the replicas whose handler started on it, whether or not it ran to its end.
    started: Mutex<HashMap<String, Vec<String>>>,
    /// The `event_id` of every card action the users made.
    clicked: Mutex<Vec<String>>,
    /// Clicks the emulator refused before any callback (no event made).
    refused_clicks: AtomicU64,
    /// Interactions the users saw fail, by Feishu code (the event is delivered again).
    failed_interactions: Mutex<BTreeMap<i64, u64>>,
    streams: Mutex<Vec<StreamState>>,
    /// Errors the streams surfaced, by text.
    stream_errors: Mutex<BTreeMap<String, u64>>,
}

impl Records {
    fn started(&self, event_id: &str, replica: &str) {
        lock(&self.started)
            .entry(event_id.to_owned())
            .or_default()
            .push(replica.to_owned());
    }

    /// Whether `replica`'s handler is in the middle of an action now.
    fn busy(&self, replica: &str) -> bool {
        let started = lock(&self.started);
        let runs = lock(&self.runs);
        started.iter().any(|(id, who)| {
            who.iter().any(|w| w == replica)
                && !runs
                    .get(id)
                    .is_some_and(|ran| ran.iter().any(|w| w == replica))
        })
    }

    fn ran(&self, event_id: &str, replica: &str) {
        lock(&self.runs)
            .entry(event_id.to_owned())
            .or_default()
            .push(replica.to_owned());
    }

    fn stream_error(&self, what: String) {
        *lock(&self.stream_errors).entry(what).or_default() += 1;
    }

    fn with_stream<T>(&self, i: usize, f: impl FnOnce(&mut StreamState) -> T) -> T {
        f(&mut lock(&self.streams)[i])
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One running replica: its own runtime (so that it can die as a process dies), its own
/// connection to Redis, client and long connection.
struct Replica {
    runtime: tokio::runtime::Runtime,
    client: Client,
    listener: ListenerHandle,
}

impl Replica {
    async fn start(
        name: &str,
        feishu: &Emulator,
        redis_url: &str,
        records: &Arc<Records>,
    ) -> Result<Replica, Box<dyn std::error::Error>> {
        let name: Arc<str> = Arc::from(name);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let builder = feishu.client();
        let app_id = feishu.app_id().to_owned();
        let url = redis_url.to_owned();
        let records = records.clone();
        let started = runtime.spawn(async move {
            let store = RedisStore::connect(&url, &app_id).await?;
            let client = builder.store(store.clone()).build()?;
            let listener = Listener::builder(client.clone())
                .callback_config(CallbackConfig::new("").event_store(store))
                .on_card_action(move |action: CardAction, _later: Deferred| {
                    let records = records.clone();
                    let name = name.clone();
                    async move {
                        // The work the action asks for, then its effect, recorded.
                        records.started(&action.event_id, &name);
                        tokio::time::sleep(Duration::from_millis(fastrand::u64(20..120))).await;
                        records.ran(&action.event_id, &name);
                        Answer::toast(Toast::success("Counted"))
                    }
                })
                .start();
            Ok::<_, card_client::Error>((client, listener))
        });
        let (client, listener) = started.await??;
        Ok(Replica {
            runtime,
            client,
            listener,
        })
    }

    /// Dies as a crashed process does: every task stops where it is, nothing is finished,
    /// its connections close.
    fn kill(self) {
        let Replica {
            runtime,
            client,
            listener,
        } = self;
        runtime.shutdown_background();
        drop(client);
        drop(listener);
    }
}

/// Opens stream `i` on `client` (starts it, or takes it over from a replica that died), then
/// pushes the pieces it has not shown yet, one every `every`, and finishes it.
async fn produce(
    client: Client,
    i: usize,
    mut take_over: bool,
    chunks: usize,
    every: Duration,
    records: Arc<Records>,
) {
    let key = format!("stream-{i}");
    let mut opened: Option<Stream> = None;
    for _ in 0..8 {
        let builder = client
            .stream()
            .to_chat(format!("oc_stream_{i}"))
            .header(format!("Stream {i}"));
        let result = if take_over {
            builder.take_over(&key).await
        } else {
            builder.shared(&key).start().await
        };
        match result {
            Ok(stream) => {
                opened = Some(stream);
                break;
            }
            Err(e) => {
                let text = e.to_string();
                if take_over && text.contains("knows no such stream") {
                    // The replica died before the stream started: start it here.
                    take_over = false;
                    continue;
                }
                if take_over && text.contains("it finished") {
                    records.with_stream(i, |s| s.finished = true);
                    return;
                }
                records.stream_error(format!("opening a stream: {text}"));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    let Some(stream) = opened else {
        records.stream_error("a stream never opened".into());
        return;
    };
    records.with_stream(i, |s| {
        for card in stream.cards() {
            if !s.cards.contains(&card.card_id) {
                s.cards.push(card.card_id);
            }
        }
        s.took_over |= take_over;
    });
    // Go on from the text Feishu shows: the pieces already in it are not pushed again.
    let shown = stream.text();
    let mut next = 0;
    let mut prefix = String::new();
    while next < chunks {
        let longer = format!("{prefix}{}", chunk(i, next));
        if !shown.starts_with(&longer) {
            break;
        }
        prefix = longer;
        next += 1;
    }
    if prefix != shown {
        records.stream_error("the text taken over is not a prefix of the stream's text".into());
        stream.set_text(prefix);
    }
    for j in next..chunks {
        tokio::time::sleep(every).await;
        stream.push_delta(&chunk(i, j));
    }
    match stream.finish(FinalCard::Text).await {
        Ok(summary) => records.with_stream(i, |s| {
            for card in summary.cards {
                if !s.cards.contains(&card.card_id) {
                    s.cards.push(card.card_id);
                }
            }
            s.finished = true;
        }),
        Err(e) => records.stream_error(format!("finishing a stream: {e}")),
    }
}

/// The text of the stream element in each of `cards`, joined.
fn shown_text(feishu: &Emulator, cards: &[String]) -> String {
    cards
        .iter()
        .filter_map(|card_id| feishu.card(card_id))
        .filter_map(|card| {
            card.json["body"]["elements"]
                .as_array()?
                .iter()
                .find(|e| e["element_id"] == card_client::stream::DEFAULT_ELEMENT_ID)
                .and_then(|e| e["content"].as_str())
                .map(str::to_owned)
        })
        .collect()
}

/// An app id no earlier run used, so that runs never share keys in Redis.
fn fresh_app() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("cli_replicas_{}_{nanos:x}", std::process::id())
}

/// Runs the scenario against the Redis at `redis_url`; `log` hears how it goes.
///
/// # Errors
///
/// When the emulator cannot start, Redis cannot be reached, or a replica cannot start.
pub async fn run(
    config: &Config,
    redis_url: &str,
    log: impl Fn(&str),
) -> Result<Report, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let feishu = Arc::new(
        Emulator::builder()
            .app(fresh_app(), "replicas-secret")
            .speed(config.speed)
            .seed(config.seed)
            .long_connection()
            .client_config(ClientConfig {
                ping_interval: 30,
                reconnect_count: -1,
                reconnect_interval: 5,
                reconnect_nonce: 3,
            })
            .start()
            .await?,
    );
    let records = Arc::new(Records::default());
    *lock(&records.streams) = vec![StreamState::default(); config.streams];

    // The cards users click, sent before the faults are switched on.
    let setup = feishu.client().build()?;
    let mut polls = Vec::new();
    for p in 0..10 {
        let card = json!({"schema": "2.0", "config": {"update_multi": true}, "body": {"elements": [
            {"tag": "markdown", "content": format!("Poll {p}")},
            {"tag": "button", "element_id": "vote", "text": {"tag": "plain_text", "content": "Vote"},
             "behaviors": [{"type": "callback", "value": {"poll": p}}]}
        ]}});
        let sent = setup
            .messages()
            .send(SendMessage::to_chat(
                format!("oc_poll_{p}"),
                CardContent::Json(card),
            ))
            .await?;
        polls.push(sent.message_id);
    }

    let mut replicas: Vec<Option<Replica>> = Vec::new();
    for _ in 0..config.replicas {
        let name = format!("replica {}", replicas.len());
        replicas.push(Some(
            Replica::start(&name, &feishu, redis_url, &records).await?,
        ));
    }
    if !feishu
        .wait_for_long_connections(config.replicas, Duration::from_secs(20))
        .await
    {
        return Err("the replicas did not all connect within 20 s".into());
    }
    log(&format!(
        "{} replicas connected after {:.1} s",
        config.replicas,
        started.elapsed().as_secs_f64()
    ));

    // Faults on every API request: 5% answered 5xx (half after the request took effect, where
    // only idempotency keeps a retry from doing it twice), 1% answered 429 with Feishu's
    // rate-limit code. The long connection's drops are drawn per action below.
    feishu.inject(Fault::server_error(500).probability(0.025));
    feishu.inject(
        Fault::server_error(503)
            .after_processing()
            .probability(0.025),
    );
    feishu.inject(
        Fault::api_error(429, 99991400, "request trigger frequency limit").probability(0.01),
    );

    // The streams, spread over the replicas.
    for i in 0..config.streams {
        let r = i % config.replicas;
        records.with_stream(i, |s| s.owner = r);
        if let Some(replica) = &replicas[r] {
            replica.runtime.spawn(produce(
                replica.client.clone(),
                i,
                false,
                config.chunks,
                config.chunk_every,
                records.clone(),
            ));
        }
    }

    // The users' actions, each at its time, whatever the ones before it met.
    let spacing = config
        .actions_over
        .checked_div(config.actions.max(1) as u32)
        .unwrap_or_default();
    let mut rng = fastrand::Rng::with_seed(config.seed);
    let mut clicks = tokio::task::JoinSet::new();
    let mut dropped = 0u64;
    let first_click = tokio::time::Instant::now();
    let kill_at = config.actions / 3;
    let kill_by = config.actions * 2 / 3;
    let mut killed = false;
    for n in 0..config.actions {
        tokio::time::sleep_until(first_click + spacing * n as u32).await;
        // A third of the way through, the first replica dies while its handler is busy with an
        // action (or, should that not happen by two thirds of the way, regardless); its streams
        // are taken over by the others once their leases lapse, and it comes back.
        if !killed && n >= kill_at && (n >= kill_by || records.busy("replica 0")) {
            killed = true;
            if let Some(dead) = replicas[0].take() {
                dead.kill();
            }
            let orphans: Vec<usize> = lock(&records.streams)
                .iter()
                .enumerate()
                .filter(|(_, s)| s.owner == 0 && !s.finished)
                .map(|(i, _)| i)
                .collect();
            log(&format!(
                "killed replica 0 after {:.1} s, {n} actions; {} of its streams to take over",
                started.elapsed().as_secs_f64(),
                orphans.len()
            ));
            for (k, i) in orphans.into_iter().enumerate() {
                let r = 1 + k % (config.replicas - 1).max(1);
                let Some(heir) = replicas.get(r).and_then(Option::as_ref) else {
                    continue;
                };
                records.with_stream(i, |s| s.owner = r);
                heir.runtime.spawn(produce(
                    heir.client.clone(),
                    i,
                    true,
                    config.chunks,
                    config.chunk_every,
                    records.clone(),
                ));
            }
            replicas[0] =
                Some(Replica::start("replica 0, restarted", &feishu, redis_url, &records).await?);
            log(&format!(
                "restarted replica 0 after {:.1} s",
                started.elapsed().as_secs_f64()
            ));
        }
        // 2% of the actions find their long connection dropped, before or after the event
        // went out.
        if rng.f64() < 0.02 {
            dropped += 1;
            feishu.inject_long_connection(if rng.bool() {
                LongConnectionFault::drop_before_event()
            } else {
                LongConnectionFault::drop_after_event()
            });
        }
        let feishu = feishu.clone();
        let records = records.clone();
        let message_id = polls[n % polls.len()].clone();
        clicks.spawn(async move {
            match feishu
                .user(&format!("ou_user_{}", n % 41))
                .click(&message_id, "vote")
                .await
            {
                Ok(interaction) => {
                    if let Some(failure) = &interaction.failure {
                        *lock(&records.failed_interactions)
                            .entry(failure.code)
                            .or_default() += 1;
                    }
                    lock(&records.clicked).push(interaction.event_id);
                }
                Err(_) => {
                    records.refused_clicks.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    while clicks.join_next().await.is_some() {}
    log(&format!(
        "{} actions made after {:.1} s",
        config.actions,
        started.elapsed().as_secs_f64()
    ));

    // Settle: every stream finished, every action handled (re-deliveries included), or
    // patience runs out.
    let settle_until = Instant::now() + config.patience;
    let clicked: HashSet<String> = lock(&records.clicked).iter().cloned().collect();
    loop {
        let streams_done = lock(&records.streams).iter().all(|s| s.finished);
        let unhandled = {
            let runs = lock(&records.runs);
            clicked.iter().filter(|id| !runs.contains_key(*id)).count()
        };
        let redelivering = feishu
            .long_connection_deliveries()
            .iter()
            .any(|d| d.outcome == card_client::emulator::DeliveryOutcome::Pending);
        if (streams_done && unhandled == 0 && !redelivering) || Instant::now() >= settle_until {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Deliveries of handled events still on their way may only find them handled.
    tokio::time::sleep(Duration::from_millis(500)).await;
    log(&format!(
        "settled after {:.1} s",
        started.elapsed().as_secs_f64()
    ));

    let runs = lock(&records.runs).clone();
    let handled_twice = runs.values().filter(|ran| ran.len() > 1).count();
    let never_handled = clicked.iter().filter(|id| !runs.contains_key(*id)).count();
    let refused = records.refused_clicks.load(Ordering::Relaxed) as usize;
    let streams = lock(&records.streams).clone();
    let mut missing_text = 0;
    let mut mismatches = 0;
    for (i, s) in streams.iter().enumerate() {
        let wrote = whole_text(i, config.chunks);
        let shown = shown_text(&feishu, &s.cards);
        if !shown.starts_with(&wrote) {
            missing_text += 1;
        }
        if shown != wrote {
            mismatches += 1;
        }
    }
    let requests = feishu.requests();
    let sequence_errors = requests.iter().filter(|r| r.code == Some(300317)).count();

    // The events the killed replica had claimed and was handling when it died.
    let vanished: Vec<String> = lock(&records.started)
        .iter()
        .filter(|(id, who)| {
            who.iter().any(|w| w == "replica 0")
                && !runs
                    .get(*id)
                    .is_some_and(|ran| ran.iter().any(|w| w == "replica 0"))
        })
        .map(|(id, _)| id.clone())
        .collect();
    let taken_on = vanished.iter().filter(|id| runs.contains_key(*id)).count();
    let mut notes = vec![
        format!(
            "{} events were being handled by replica 0 when it died; {} of them were then handled by another replica",
            vanished.len(),
            taken_on
        ),
        format!(
            "run time {:.1} s, {} API requests",
            started.elapsed().as_secs_f64(),
            requests.len()
        ),
        format!(
            "actions: {} clicked, {} refused by the emulated client, {} never handled, {} handled more than once",
            clicked.len(),
            refused,
            never_handled,
            handled_twice
        ),
        format!(
            "long connection: {} drops injected, {} deliveries for {} events, failures users saw: {:?}",
            dropped,
            feishu.long_connection_deliveries().len(),
            clicked.len(),
            lock(&records.failed_interactions)
        ),
        format!(
            "streams: {} finished, {} taken over, errors surfaced: {:?}",
            streams.iter().filter(|s| s.finished).count(),
            streams.iter().filter(|s| s.took_over).count(),
            lock(&records.stream_errors)
        ),
    ];
    let mut unanswered: BTreeMap<String, usize> = BTreeMap::new();
    for d in feishu.long_connection_deliveries() {
        if d.outcome.retried() {
            let at = match d.connection {
                Some(id) => format!("connection {id}"),
                None => "no connection".into(),
            };
            *unanswered.entry(at).or_default() += 1;
        }
    }
    let opened = feishu
        .long_connection_deliveries()
        .iter()
        .filter_map(|d| d.connection)
        .chain(feishu.long_connections().iter().map(|c| c.id))
        .max()
        .unwrap_or(0);
    notes.push(format!(
        "{} deliveries not acknowledged in time, on {} of the {opened} connections opened",
        unanswered.values().sum::<usize>(),
        unanswered.len(),
    ));
    let codes: BTreeMap<i64, usize> = requests
        .iter()
        .filter_map(|r| r.code)
        .filter(|c| *c != 0)
        .fold(BTreeMap::new(), |mut m, c| {
            *m.entry(c).or_default() += 1;
            m
        });
    notes.push(format!("error codes the emulator answered: {codes:?}"));
    let injected: BTreeMap<u16, usize> =
        requests
            .iter()
            .filter(|r| r.fault.is_some())
            .fold(BTreeMap::new(), |mut m, r| {
                *m.entry(r.status.unwrap_or(0)).or_default() += 1;
                m
            });
    notes.push(format!(
        "faults injected into API requests, by HTTP status: {injected:?}"
    ));

    for replica in replicas.into_iter().flatten() {
        let _ = replica
            .runtime
            .spawn(async move {
                let _ = replica.listener.shutdown().await;
            })
            .await;
        replica.runtime.shutdown_background();
    }

    Ok(Report {
        replicas: config.replicas,
        streams: config.streams,
        actions: config.actions,
        handled_twice,
        lost: never_handled + refused + missing_text,
        sequence_errors,
        rate_limit_errors: feishu.rate_violations(),
        stream_text_mismatches: mismatches,
        killed_mid_handling: vanished.len(),
        handled_elsewhere: taken_on,
        notes,
    })
}

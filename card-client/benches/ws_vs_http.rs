//! Card actions end to end, over the long connection and over the HTTP callback route, in one
//! run against one emulator.
//!
//! One click is the emulated user's [`User::click`](card_client::emulator::User::click) on a
//! sent card, until the emulator has applied the bot's answer: the emulator builds the
//! `card.action.trigger` callback and delivers it (as a frame to the connected
//! [`Listener`], or as a POST to the bot's axum route on loopback), the same
//! [`CallbackHandler`](card_client::callback::CallbackHandler) runs the same function, which
//! answers with a toast and a new card (built with `card!`), the answer comes back (in the
//! frame's acknowledgement, or as the HTTP answer), and the emulator checks the card and shows
//! it. Every click is checked: answered in time, a toast, the card changed; at the end every
//! card must show the number of clicks it got.
//!
//! Both routes are measured one click at a time and with several clicks in flight (each in-flight
//! slot clicks its own cards, so no card is clicked twice at once), over many cards, in rounds
//! that alternate the routes so that a change in the machine's load falls on both. Prints the
//! card actions per second (overall, and the slowest and fastest round), the CPU time the
//! whole process (emulator and bot) spent per card action, the latency of a click (p50, p90,
//! p99, max), and how much of it the delivery took (from sending the callback to reading the
//! answer), then one `BENCH ws_vs_http …` line of `key=value` figures for collecting.
//!
//! ```sh
//! cargo bench -p card-client --features emulator,axum --bench ws_vs_http
//! cargo bench -p card-client --features emulator,axum --bench ws_vs_http -- --quick
//! ```
//!
//! `--rounds N`, `--sequential N` and `--concurrent N` (clicks per route and round, one at a
//! time and in flight), `--in-flight N` and `--cards N` change the run. Without `--bench`,
//! which `cargo bench` passes, the run is `--quick`: `cargo test --benches` checks that it
//! works.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use card_client::callback::{self, Answer, CallbackConfig, CardAction, Deferred, Toast};
use card_client::emulator::{Emulator, Target, UserIdentity};
use card_client::ws::{Listener, State};
use card_client::SendMessage;
use feishu_card::{card, Card};
use serde::Deserialize;
use serde_json::json;

const USER: &str = "ou_bench_ws_vs_http";
const CHAT: &str = "oc_bench_ws_vs_http";
/// The button's `element_id`.
const BUTTON: &str = "count";

struct Options {
    rounds: usize,
    sequential: usize,
    concurrent: usize,
    in_flight: usize,
    cards: usize,
    warm_up: usize,
}

fn positive(args: &mut impl Iterator<Item = String>, flag: &str) -> Result<usize, String> {
    args.next()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{flag} takes a positive whole number"))
}

impl Options {
    /// Two rounds, so that each route goes first once.
    fn quick(&mut self) {
        self.rounds = 2;
        self.sequential = 100;
        self.concurrent = 300;
        self.warm_up = 50;
    }
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        rounds: 6,
        sequential: 500,
        concurrent: 1_500,
        in_flight: 16,
        cards: 128,
        warm_up: 200,
    };
    // `cargo bench` passes `--bench`; without it (`cargo test --benches`) the run is a quick
    // check, as criterion's benches make it.
    if !std::env::args().any(|a| a == "--bench") {
        options.quick();
    }
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick(),
            "--rounds" => options.rounds = positive(&mut args, "--rounds")?,
            "--sequential" => options.sequential = positive(&mut args, "--sequential")?,
            "--concurrent" => options.concurrent = positive(&mut args, "--concurrent")?,
            "--in-flight" => options.in_flight = positive(&mut args, "--in-flight")?,
            "--cards" => options.cards = positive(&mut args, "--cards")?,
            // Other harness flags mean nothing here.
            _ => {}
        }
    }
    if options.cards < options.in_flight {
        return Err(format!(
            "--cards ({}) must be at least --in-flight ({}): each click in flight has its own cards",
            options.cards, options.in_flight
        ));
    }
    Ok(options)
}

/// The counter card: how many clicks it has had, and the button that adds one.
fn counter(clicks: u64, by: &str) -> Card {
    card! {
        <card>
            <header template="blue">"Counter"</header>
            <markdown>{format!("Clicked **{clicks}** times, last by {by}")}</markdown>
            <button element_id="count" type="primary" callback={json!({"clicks": clicks})}>"Count"</button>
        </card>
    }
}

#[derive(Deserialize)]
struct Clicks {
    clicks: u64,
}

/// The bot's card-action function, the same on both routes: a toast and the next card.
async fn on_card(action: CardAction, _later: Deferred) -> Answer {
    match action.value::<Clicks>() {
        Ok(Clicks { clicks }) => Answer::toast(Toast::success("Counted"))
            .card(counter(clicks + 1, &action.operator.open_id)),
        Err(e) => Answer::toast(Toast::error(format!("not a counter: {e}"))),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    LongConnection,
    Http,
}

impl Route {
    fn name(self) -> &'static str {
        match self {
            Route::LongConnection => "long connection",
            Route::Http => "HTTP callback",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Route::LongConnection => "ws",
            Route::Http => "http",
        }
    }
}

/// What one click took: the whole click, and the delivery within it.
#[derive(Clone, Copy)]
struct Sample {
    click: Duration,
    delivery: Duration,
}

/// The clicks of one route and mode, pooled over the rounds.
struct Tally {
    samples: Vec<Sample>,
    wall: Duration,
    /// CPU time of the whole process (emulator and bot), `None` where it cannot be read.
    cpu: Option<Duration>,
    /// Card actions per second of each round.
    rates: Vec<f64>,
    failures: usize,
    first_failure: Option<String>,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            samples: Vec::new(),
            wall: Duration::ZERO,
            cpu: Some(Duration::ZERO),
            rates: Vec::new(),
            failures: 0,
            first_failure: None,
        }
    }
}

impl Tally {
    fn add(&mut self, other: Batch, cpu: Option<Duration>) {
        self.rates
            .push(other.samples.len() as f64 / other.wall.as_secs_f64());
        self.samples.extend(other.samples);
        self.wall += other.wall;
        self.cpu = self.cpu.zip(cpu).map(|(a, b)| a + b);
        self.failures += other.failures.len();
        if self.first_failure.is_none() {
            self.first_failure = other.failures.into_iter().next();
        }
    }

    fn per_second(&self) -> f64 {
        self.samples.len() as f64 / self.wall.as_secs_f64()
    }

    /// The slowest and the fastest round.
    fn rate_range(&self) -> (f64, f64) {
        self.rates
            .iter()
            .fold((f64::INFINITY, 0.0), |(lo, hi), r| (lo.min(*r), hi.max(*r)))
    }

    /// CPU time of the process per card action.
    fn cpu_per_action(&self) -> Option<Duration> {
        let n = u32::try_from(self.samples.len()).ok().filter(|n| *n > 0)?;
        self.cpu.map(|cpu| cpu / n)
    }
}

struct Batch {
    samples: Vec<Sample>,
    wall: Duration,
    failures: Vec<String>,
}

/// The CPU time this process's threads have run so far (Linux: the sum of
/// `/proc/self/task/*/schedstat`, in nanoseconds), or `None` where it cannot be read. Threads
/// that ended are not counted, so it is read around stretches in which the runtime's threads
/// all live.
fn cpu_time() -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let path = task.ok()?.path().join("schedstat");
        let Ok(stat) = std::fs::read_to_string(path) else {
            // The thread ended while the directory was read.
            continue;
        };
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

/// The CPU time since `before`.
fn cpu_since(before: Option<Duration>) -> Option<Duration> {
    Some(cpu_time()?.saturating_sub(before?))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Clicks `cards` in turn, `clicks` times in all, one at a time, and records each click's
/// timing in `samples`, or what went wrong in `failures`.
async fn click_in_turn(
    feishu: &Emulator,
    cards: &[String],
    clicks: usize,
    samples: &mut Vec<Sample>,
    failures: &mut Vec<String>,
) {
    let user = feishu.user(USER);
    for i in 0..clicks {
        let message_id = &cards[i % cards.len()];
        let started = Instant::now();
        let result = user.click(message_id, Target::element_id(BUTTON)).await;
        let click = started.elapsed();
        match result {
            Ok(done) if done.is_ok() && done.toast.is_some() && done.card_changed => {
                samples.push(Sample {
                    click,
                    delivery: done.elapsed,
                })
            }
            Ok(done) => failures.push(match done.failure {
                Some(f) => format!("{message_id}: {f}"),
                None => format!(
                    "{message_id}: answered without a toast or a new card: {:?}",
                    done.answer
                ),
            }),
            Err(e) => failures.push(format!("{message_id}: {e}")),
        }
    }
}

/// `clicks` clicks, `in_flight` at a time; slot `k` clicks cards `k`, `k + in_flight`, ….
async fn batch(feishu: &Arc<Emulator>, cards: &[String], clicks: usize, in_flight: usize) -> Batch {
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(in_flight);
    let next = Arc::new(AtomicUsize::new(0));
    for slot in 0..in_flight {
        let mine: Vec<String> = cards
            .iter()
            .skip(slot)
            .step_by(in_flight)
            .cloned()
            .collect();
        let (feishu, next) = (feishu.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let (mut samples, mut failures) = (Vec::new(), Vec::new());
            let mut turn = 0;
            // Clicks are handed out one by one, so that a slow slot does not leave the others
            // idle at the end.
            while next.fetch_add(1, Ordering::Relaxed) < clicks {
                let card = std::slice::from_ref(&mine[turn % mine.len()]);
                click_in_turn(&feishu, card, 1, &mut samples, &mut failures).await;
                turn += 1;
            }
            (samples, failures)
        }));
    }
    let (mut samples, mut failures) = (Vec::with_capacity(clicks), Vec::new());
    for task in tasks {
        match task.await {
            Ok((s, f)) => {
                samples.extend(s);
                failures.extend(f);
            }
            Err(e) => failures.push(format!("a clicking task failed: {e}")),
        }
    }
    Batch {
        samples,
        wall: started.elapsed(),
        failures,
    }
}

fn main() {
    let options = match options() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("ws_vs_http bench: {message}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    if let Err(message) = runtime.block_on(run(options)) {
        eprintln!("ws_vs_http bench: {message}");
        std::process::exit(1);
    }
}

async fn run(options: Options) -> Result<(), String> {
    let feishu = Arc::new(
        Emulator::builder()
            .user(UserIdentity::new(USER).name("Bench"))
            .start()
            .await
            .map_err(|e| format!("the emulator could not start: {e}"))?,
    );
    let client = feishu
        .client()
        .build()
        .map_err(|e| format!("the client: {e}"))?;

    // The bot: one listener on the long connection, and its handler also behind an axum
    // route, so both routes run the same handler and the same function. Each route counts the
    // actions it got, to check that every click went the way it was sent.
    let got = [Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0))];
    let counting = |got: &Arc<AtomicUsize>| {
        let got = got.clone();
        move |action: CardAction, later: Deferred| {
            got.fetch_add(1, Ordering::Relaxed);
            on_card(action, later)
        }
    };
    let listener = Listener::builder(client.clone())
        .callback_config(CallbackConfig::new(feishu.verification_token()))
        .on_card_action(counting(&got[0]))
        .start();
    let mut state = listener.state();
    let connected = tokio::time::timeout(
        Duration::from_secs(30),
        state.wait_for(|s| matches!(s, State::Connected | State::Stopped(_))),
    )
    .await
    .map_err(|_| match &*listener.state().borrow() {
        State::Reconnecting { last_failure, .. } => {
            format!("the listener did not connect within 30 s: {last_failure}")
        }
        _ => "the listener did not connect within 30 s".to_owned(),
    })?
    .map_err(|_| "the listener's task ended".to_owned())?
    .clone();
    if connected != State::Connected {
        return Err(format!("the listener stopped: {connected:?}"));
    }
    let handler = listener.callback_handler().clone();
    let app = axum::Router::new().route(
        "/feishu/card",
        callback::axum::post(handler, counting(&got[1])),
    );
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("binding the callback route: {e}"))?;
    let url = format!(
        "http://{}/feishu/card",
        socket.local_addr().map_err(|e| e.to_string())?
    );
    tokio::spawn(async move { axum::serve(socket, app).await });

    let mut cards = Vec::with_capacity(options.cards);
    for _ in 0..options.cards {
        let sent = client
            .messages()
            .send(SendMessage::to_chat(CHAT, counter(0, "nobody")))
            .await
            .map_err(|e| format!("sending a card: {e}"))?;
        cards.push(sent.message_id);
    }

    let routes = [Route::LongConnection, Route::Http];
    let choose = |route: Route| match route {
        Route::LongConnection => feishu.use_long_connection(),
        Route::Http => feishu.set_callback_url(url.clone()),
    };
    // Clicks sent down each route.
    let mut made = [0usize; 2];
    for (r, &route) in routes.iter().enumerate() {
        choose(route);
        let warm = batch(&feishu, &cards, options.warm_up, options.in_flight).await;
        if let Some(failure) = warm.failures.first() {
            return Err(format!("warming up the {}: {failure}", route.name()));
        }
        made[r] += options.warm_up;
    }

    let mut sequential = [Tally::default(), Tally::default()];
    let mut concurrent = [Tally::default(), Tally::default()];
    let started = Instant::now();
    for round in 0..options.rounds {
        // Alternate which route goes first.
        let order: Vec<usize> = if round % 2 == 0 {
            vec![0, 1]
        } else {
            vec![1, 0]
        };
        for &r in &order {
            choose(routes[r]);
            let cpu = cpu_time();
            let begin = Instant::now();
            let (mut samples, mut failures) = (Vec::new(), Vec::new());
            click_in_turn(
                &feishu,
                &cards,
                options.sequential,
                &mut samples,
                &mut failures,
            )
            .await;
            let wall = begin.elapsed();
            sequential[r].add(
                Batch {
                    samples,
                    wall,
                    failures,
                },
                cpu_since(cpu),
            );
            made[r] += options.sequential;
        }
        for &r in &order {
            choose(routes[r]);
            let cpu = cpu_time();
            let batch = batch(&feishu, &cards, options.concurrent, options.in_flight).await;
            concurrent[r].add(batch, cpu_since(cpu));
            made[r] += options.concurrent;
        }
    }
    let measured = started.elapsed();

    // Every click went through, and every card shows how many it got.
    let failures: usize = sequential
        .iter()
        .chain(&concurrent)
        .map(|t| t.failures)
        .sum();
    let shown: u64 = cards
        .iter()
        .map(|id| {
            feishu
                .message(id)
                .and_then(|m| {
                    m.card["body"]["elements"]
                        .as_array()
                        .and_then(|els| els.iter().find(|e| e["element_id"] == BUTTON))
                        .and_then(|b| b["behaviors"][0]["value"]["clicks"].as_u64())
                })
                .unwrap_or(0)
        })
        .sum();
    let clicks_made = made[0] + made[1];
    let counted = shown as usize == clicks_made - failures;
    let got = [
        got[0].load(Ordering::Relaxed),
        got[1].load(Ordering::Relaxed),
    ];
    let routed = got == made;
    listener
        .shutdown()
        .await
        .map_err(|e| format!("the listener's shutdown: {e}"))?;

    println!(
        "ws_vs_http: {} cards; per route and round, {} clicks one at a time and {} with {} in flight; {} rounds ({:.1} s), alternating the routes; {} warm-up clicks per route before",
        options.cards,
        options.sequential,
        options.concurrent,
        options.in_flight,
        options.rounds,
        measured.as_secs_f64(),
        options.warm_up,
    );
    println!();
    println!(
        "| route | in flight | clicks | card actions/s | rounds: slowest–fastest | CPU per action | click p50 | p90 | p99 | max | delivery p50 | delivery p99 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut bench_line = String::from("BENCH ws_vs_http");
    for (mode, in_flight, tallies) in [
        ("seq", 1, &mut sequential),
        ("conc", options.in_flight, &mut concurrent),
    ] {
        for (r, tally) in tallies.iter_mut().enumerate() {
            let route = routes[r];
            let mut clicks: Vec<Duration> = tally.samples.iter().map(|s| s.click).collect();
            let mut deliveries: Vec<Duration> = tally.samples.iter().map(|s| s.delivery).collect();
            clicks.sort_unstable();
            deliveries.sort_unstable();
            let (p50, p90, p99, max) = (
                percentile(&clicks, 50.0),
                percentile(&clicks, 90.0),
                percentile(&clicks, 99.0),
                clicks.last().copied().unwrap_or_default(),
            );
            let (d50, d99) = (percentile(&deliveries, 50.0), percentile(&deliveries, 99.0));
            let (slowest, fastest) = tally.rate_range();
            let cpu_us = tally.cpu_per_action().map(|d| d.as_secs_f64() * 1e6);
            println!(
                "| {} | {in_flight} | {} | {:.0} | {slowest:.0}–{fastest:.0} | {} | {:.3} ms | {:.3} ms | {:.3} ms | {:.3} ms | {:.3} ms | {:.3} ms |",
                route.name(),
                clicks.len(),
                tally.per_second(),
                cpu_us.map_or("n/a".to_owned(), |us| format!("{us:.0} µs")),
                ms(p50),
                ms(p90),
                ms(p99),
                ms(max),
                ms(d50),
                ms(d99),
            );
            let k = format!("{}_{mode}", route.key());
            bench_line.push_str(&format!(
                " {k}_per_s={:.0} {k}_p50_ms={:.3} {k}_p99_ms={:.3} {k}_cpu_us={}",
                tally.per_second(),
                ms(p50),
                ms(p99),
                cpu_us.map_or("nan".to_owned(), |us| format!("{us:.0}"))
            ));
        }
    }
    println!();
    println!(
        "failed clicks: {failures} (must be 0); the cards show {shown} clicks, {clicks_made} made ({}); \
         the long connection delivered {} and the HTTP route {} of {} and {} sent down each ({})",
        if counted { "all counted" } else { "MISMATCH" },
        got[0],
        got[1],
        made[0],
        made[1],
        if routed { "as sent" } else { "MISMATCH" }
    );
    bench_line.push_str(&format!(
        " in_flight={} cards={} failures={failures} counted={counted} routed={routed}",
        options.in_flight, options.cards
    ));
    println!("{bench_line}");
    for tally in sequential.iter().chain(&concurrent) {
        if let Some(first) = &tally.first_failure {
            eprintln!("first failure: {first}");
        }
    }
    if failures > 0 || !counted || !routed {
        return Err("some card actions did not go through (see above)".into());
    }
    Ok(())
}

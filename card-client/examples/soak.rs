//! Soak run against the emulator: many concurrent streaming cards and a steady flow of card
//! callbacks, with faults injected into the emulated Feishu API, for a fixed time.
//!
//! ```sh
//! cargo run --release -p card-client --features emulator --example soak            # 60 s, 200 streams, 1,000 callbacks
//! cargo run --release -p card-client --features emulator --example soak -- 120 50 300
//! ```
//!
//! Arguments: seconds (default 60), concurrent streams (200), callbacks (1,000). Faults on
//! every API request: 5% answered 500/503 and 2% connections dropped (half of each after the
//! request took effect, so the client cannot know whether it did), 1% answered 429 with
//! Feishu's rate-limit code. With `--gateway-block` the 429 also blocks every request for a
//! second, as Feishu's gateway does; at a few hundred requests a second that keeps the API
//! blocked most of the time.
//!
//! Each stream sends its card to a chat of its own, pushes a delta every 200 ms for the whole
//! run, and finishes with its text. At the end the run checks, and prints:
//!
//! - operations completed: pushes, stream updates the client made, callbacks answered;
//! - errors surfaced to the caller, by kind;
//! - duplicated messages: a chat holding more messages than its stream made cards (must be 0);
//! - streamed text lost: a stream whose cards, in order, do not show exactly the text pushed
//!   (must be 0);
//! - sequence errors surfaced (300317; must be 0);
//! - the process' peak resident memory (`VmHWM`) and current memory (`VmRSS`) at the start, the
//!   middle and the end, the emulator's own request log being cleared as the run goes.
//!
//! The process exits with status 1 when one of the three "must be 0" checks fails; errors
//! surfaced after the client's retries (a stream that could not start) are reported, not
//! failures of the run.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use card_client::callback::{Answer, CallbackConfig, CardAction, Deferred, Toast};
use card_client::emulator::{Emulator, Fault};
use card_client::stream::FinalCard;
use card_client::{CardContent, Client, Error, SendMessage};
use serde_json::json;

/// Streams push one delta this often.
const PUSH_EVERY: Duration = Duration::from_millis(200);

#[derive(Default)]
struct Tally {
    pushes: AtomicU64,
    stream_calls: AtomicU64,
    callbacks_ok: AtomicU64,
    callbacks_failed: AtomicU64,
    errors: Mutex<BTreeMap<String, u64>>,
    sequence_errors: AtomicU64,
}

impl Tally {
    fn error(&self, kind: &str, error: Option<&Error>) {
        if error.is_some_and(Error::is_sequence_conflict) {
            self.sequence_errors.fetch_add(1, Ordering::Relaxed);
        }
        let key = match error.and_then(Error::code) {
            Some(code) => format!("{kind} (code {code})"),
            None => kind.to_owned(),
        };
        let mut errors = self.errors.lock().unwrap_or_else(|p| p.into_inner());
        *errors.entry(key).or_default() += 1;
    }
}

/// `VmHWM` and `VmRSS` of this process, in KiB (Linux; zeros elsewhere).
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn arg(n: usize, default: u64) -> u64 {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seconds = arg(1, 60);
    let streams = arg(2, 200) as usize;
    let callbacks = arg(3, 1000);
    let gateway_block = std::env::args().any(|a| a == "--gateway-block");
    let run_for = Duration::from_secs(seconds);

    let feishu = Arc::new(Emulator::builder().seed(0x50a6).start().await?);
    let client = feishu.client().build()?;
    let tally = Arc::new(Tally::default());
    let mut marks = vec![("start", memory())];

    // The bot that answers callbacks, in this process, through the handler's full checks.
    let handler = CallbackConfig::new(feishu.verification_token()).build();
    feishu.deliver_to_handler(handler, |action: CardAction, _later: Deferred| async move {
        Answer::toast(Toast::success(format!("voted {}", action.action.value)))
    });
    // The cards users click, sent before faults are switched on.
    let mut voting = Vec::new();
    for i in 0..10 {
        let card = json!({"schema": "2.0", "body": {"elements": [
            {"tag": "markdown", "content": format!("Poll {i}")},
            {"tag": "button", "element_id": "vote", "text": {"tag": "plain_text", "content": "Vote"},
             "behaviors": [{"type": "callback", "value": {"poll": i}}]}
        ]}});
        let sent = client
            .messages()
            .send(SendMessage::to_chat(
                format!("oc_poll_{i}"),
                CardContent::Json(card),
            ))
            .await?;
        voting.push(sent.message_id);
    }

    // Half of the 5xx answers and dropped connections come after the request took effect,
    // where only idempotency keeps a retry from doing it twice.
    feishu.inject(Fault::server_error(500).probability(0.025));
    feishu.inject(
        Fault::server_error(503)
            .after_processing()
            .probability(0.025),
    );
    feishu.inject(Fault::drop_connection().probability(0.01));
    feishu.inject(
        Fault::drop_connection()
            .after_processing()
            .probability(0.01),
    );
    if gateway_block {
        // Feishu's gateway: a 429 blocks every request until the reset.
        feishu.inject(Fault::rate_limit(1).probability(0.01));
    } else {
        // A 429 on the request alone.
        feishu.inject(
            Fault::api_error(429, 99991400, "request trigger frequency limit").probability(0.01),
        );
    }

    let started = Instant::now();
    let deadline = started + run_for;
    let mut tasks = Vec::new();
    for i in 0..streams {
        let client = client.clone();
        let tally = Arc::clone(&tally);
        tasks.push(tokio::spawn(async move {
            stream_one(client, i, deadline, &tally).await
        }));
    }
    // Callbacks, spread over the run.
    let clicks = {
        let tally = Arc::clone(&tally);
        let feishu = Arc::clone(&feishu);
        let spacing = run_for
            .checked_div(callbacks.max(1) as u32)
            .unwrap_or_default();
        tokio::spawn(async move {
            let mut next = Instant::now();
            for n in 0..callbacks {
                next += spacing;
                tokio::time::sleep_until(next.into()).await;
                let message_id = &voting[n as usize % voting.len()];
                match feishu
                    .user(&format!("ou_user_{}", n % 37))
                    .click(message_id, "vote")
                    .await
                {
                    Ok(done) if done.is_ok() => {
                        tally.callbacks_ok.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(done) => {
                        tally.callbacks_failed.fetch_add(1, Ordering::Relaxed);
                        let why = done.failure.map(|f| f.to_string()).unwrap_or_default();
                        tally.error(&format!("callback: {why}"), None);
                    }
                    Err(e) => {
                        tally.callbacks_failed.fetch_add(1, Ordering::Relaxed);
                        tally.error(&format!("callback: {e}"), None);
                    }
                }
            }
        })
    };
    // The emulator logs every request; forget them as the run goes so the log does not count
    // as the client's memory.
    let janitor = {
        let feishu = Arc::clone(&feishu);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                feishu.clear_requests();
            }
        })
    };
    // Memory every tenth of the run, to see it level off rather than climb.
    let mut curve = Vec::new();
    for tenth in 1..=10u32 {
        tokio::time::sleep_until((started + run_for * tenth / 10).into()).await;
        curve.push(memory().1);
        if tenth == 5 {
            marks.push(("middle", memory()));
        }
    }

    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await?);
    }
    clicks.await?;
    let elapsed = started.elapsed();
    janitor.abort();
    feishu.clear_faults();
    marks.push(("end", memory()));

    // Checks against what the emulator shows.
    let mut duplicated = 0;
    let mut lost = 0;
    for outcome in outcomes.iter().flatten() {
        let messages = feishu.messages_in_chat(&outcome.chat);
        if messages.len() > outcome.cards.len() {
            duplicated += messages.len() - outcome.cards.len();
        }
        let shown: String = outcome
            .cards
            .iter()
            .filter_map(|m| feishu.message(m))
            .map(|m| answer_text(&m.card))
            .collect();
        if shown != outcome.pushed {
            lost += 1;
        }
    }
    let finished = outcomes.iter().filter(|o| o.is_some()).count();
    let updates = tally.stream_calls.load(Ordering::Relaxed);
    let pushes = tally.pushes.load(Ordering::Relaxed);
    let ok = tally.callbacks_ok.load(Ordering::Relaxed);
    let failed = tally.callbacks_failed.load(Ordering::Relaxed);
    let sequence_errors = tally.sequence_errors.load(Ordering::Relaxed);

    println!(
        "soak: {streams} streams, {callbacks} callbacks, {:.1} s",
        elapsed.as_secs_f64()
    );
    println!(
        "faults on every API request: 5% 5xx (half after taking effect), 2% dropped connections (half after taking effect), 1% 429{}",
        if gateway_block { " blocking every request for 1 s" } else { "" }
    );
    println!("completed: {pushes} pushes, {updates} stream calls to Feishu, {finished}/{streams} streams finished, {ok}/{callbacks} callbacks answered, {failed} failed");
    let errors = tally.errors.lock().unwrap_or_else(|p| p.into_inner());
    if errors.is_empty() {
        println!("errors surfaced: none");
    } else {
        println!("errors surfaced:");
        for (kind, n) in errors.iter() {
            println!("  {n} × {kind}");
        }
    }
    println!("duplicated messages: {duplicated}");
    println!("streams with text lost: {lost}");
    println!("sequence errors surfaced: {sequence_errors}");
    for (when, (hwm, rss)) in &marks {
        println!("memory at {when}: VmHWM {hwm} KiB, VmRSS {rss} KiB");
    }
    let curve: Vec<String> = curve.iter().map(|kib| (kib / 1024).to_string()).collect();
    println!("VmRSS each tenth of the run, MiB: {}", curve.join(" "));
    if duplicated > 0 || lost > 0 || sequence_errors > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// What one stream pushed and where it went.
struct Outcome {
    chat: String,
    pushed: String,
    cards: Vec<String>,
}

async fn stream_one(client: Client, i: usize, deadline: Instant, tally: &Tally) -> Option<Outcome> {
    let chat = format!("oc_soak_{i}");
    let stream = match client
        .stream()
        .to_chat(&chat)
        .header(format!("Stream {i}"))
        .start()
        .await
    {
        Ok(stream) => stream,
        Err(e) => {
            tally.error("stream start", Some(&e));
            return None;
        }
    };
    let mut pushed = String::new();
    let mut n = 0u64;
    // Streams start at different moments within one push period.
    tokio::time::sleep(PUSH_EVERY.mul_f64((i % 10) as f64 / 10.0)).await;
    while Instant::now() < deadline {
        let delta = format!("{i}.{n} ");
        stream.push_delta(&delta);
        pushed.push_str(&delta);
        n += 1;
        tally.pushes.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(PUSH_EVERY).await;
    }
    match stream.finish(FinalCard::Text).await {
        Ok(summary) => {
            tally
                .stream_calls
                .fetch_add(summary.calls, Ordering::Relaxed);
            if summary.text != pushed {
                tally.error("stream summary text differs from the pushed text", None);
            }
            Some(Outcome {
                chat,
                pushed,
                cards: summary.cards.into_iter().map(|c| c.message_id).collect(),
            })
        }
        Err(e) => {
            tally.error("stream finish", Some(&e));
            None
        }
    }
}

/// The stream's text as a card shows it: its `answer` markdown element.
fn answer_text(card: &serde_json::Value) -> String {
    card["body"]["elements"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["element_id"] == card_client::stream::DEFAULT_ELEMENT_ID)
        .and_then(|e| e["content"].as_str())
        .unwrap_or_default()
        .to_owned()
}

//! A streamed answer against the emulator at real speed: deltas pushed at a steady rate into
//! one stream, the emulator's card state polled as it changes.
//!
//! Prints the rate-limit errors (must be 0), whether the final text is exactly the text
//! pushed, the most requests on one card in any one second, and the lag from a push to the
//! emulator's stored text first containing it (p50, p95, max), then one `BENCH stream …` line
//! of `key=value` figures for collecting.
//!
//! ```sh
//! cargo bench -p card-client --features emulator --bench stream              # 5,000 deltas at 200/s
//! cargo bench -p card-client --features emulator --bench stream -- --quick   # 500 deltas
//! STREAM_BENCH_QUICK=1 cargo bench -p card-client --features emulator --bench stream
//! ```
//!
//! `--deltas N` and `--rate R` (per second) change the run.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use card_client::emulator::Emulator;
use card_client::stream::FinalCard;

const CHAT: &str = "oc_bench_stream";

struct Options {
    deltas: usize,
    rate: f64,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        deltas: 5_000,
        rate: 200.0,
    };
    if std::env::var_os("STREAM_BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0") {
        options.deltas = 500;
    }
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.deltas = 500,
            "--deltas" => {
                options.deltas = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--deltas takes a positive whole number")?;
            }
            "--rate" => {
                options.rate = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|r: &f64| r.is_finite() && *r > 0.0)
                    .ok_or("--rate takes a positive number of deltas per second")?;
            }
            // `cargo bench` passes `--bench`; other harness flags mean nothing here.
            _ => {}
        }
    }
    Ok(options)
}

/// Deltas shaped like a model's tokens: words, punctuation, Chinese, line breaks.
fn delta(i: usize) -> String {
    const TOKENS: [&str; 12] = [
        "The",
        " answer",
        " is",
        ",",
        " 世界",
        "\n",
        " **bold**",
        " `code`",
        " 数据",
        ".",
        " ok",
        "\n\n",
    ];
    TOKENS[i % TOKENS.len()].to_owned()
}

/// The concatenated text of every card in the chat, in order, as the emulator stores it.
fn shown(feishu: &Emulator) -> usize {
    feishu
        .messages_in_chat(CHAT)
        .iter()
        .filter_map(|m| {
            m.card["body"]["elements"]
                .as_array()
                .and_then(|els| els.iter().find(|e| e["element_id"] == "answer"))
                .and_then(|e| e["content"].as_str())
                .map(str::len)
        })
        .sum()
}

/// The most of `times` (in order) within any one second.
fn max_in_a_second(times: impl Iterator<Item = Duration>) -> usize {
    let times: Vec<Duration> = times.collect();
    let mut most = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end] - times[start] >= Duration::from_secs(1) {
            start += 1;
        }
        most = most.max(end - start + 1);
    }
    most
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

fn main() {
    let options = match options() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("stream bench: {message}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    runtime.block_on(run(options));
}

async fn run(options: Options) {
    let feishu = Arc::new(Emulator::start().await.expect("the emulator binds a port"));
    let client = feishu.client().build().expect("the client builds");
    let stream = client
        .stream()
        .header("Bench")
        .to_chat(CHAT)
        .start()
        .await
        .expect("the stream starts");

    // Pushes: (when, total bytes pushed so far).
    let pushes: Arc<Mutex<Vec<(Instant, usize)>>> = Arc::default();
    // Changes the emulator showed: (when first seen, total bytes shown).
    let seen: Arc<Mutex<Vec<(Instant, usize)>>> = Arc::default();
    let done = Arc::new(AtomicBool::new(false));
    let poller = {
        let (feishu, seen, done) = (feishu.clone(), seen.clone(), done.clone());
        tokio::spawn(async move {
            let mut last = usize::MAX;
            while !done.load(Ordering::Relaxed) {
                let now = Instant::now();
                let len = shown(&feishu);
                if len != last {
                    last = len;
                    seen.lock().expect("not poisoned").push((now, len));
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
    };

    let period = Duration::from_secs_f64(1.0 / options.rate);
    let mut pushed = String::new();
    let begin = Instant::now();
    let clock_begin = feishu.now();
    for i in 0..options.deltas {
        tokio::time::sleep_until((begin + period * i as u32).into()).await;
        let d = delta(i);
        stream.push_delta(&d);
        pushed.push_str(&d);
        pushes
            .lock()
            .expect("not poisoned")
            .push((Instant::now(), pushed.len()));
    }
    let pushing = begin.elapsed();
    // Let the last push reach the emulator through the stream itself, not the final update.
    let last_len = pushed.len();
    let deadline = Instant::now() + Duration::from_secs(10);
    while seen.lock().expect("not poisoned").last().map(|s| s.1) != Some(last_len)
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let streamed = begin.elapsed();
    let clock_end = feishu.now();
    done.store(true, Ordering::Relaxed);
    let _ = poller.await;

    let summary = match stream.finish(FinalCard::Text).await {
        Ok(s) => s,
        Err(err) => {
            eprintln!("stream bench: finishing the stream failed: {err}");
            std::process::exit(1);
        }
    };

    let shown_text: String = summary
        .cards
        .iter()
        .filter_map(|c| feishu.card(&c.card_id))
        .filter_map(|c| {
            c.json["body"]["elements"]
                .as_array()
                .and_then(|els| els.iter().find(|e| e["element_id"] == "answer"))
                .and_then(|e| e["content"].as_str())
                .map(str::to_owned)
        })
        .collect();
    let identical = shown_text == pushed;

    let requests = feishu.requests();
    let rate_limited = requests
        .iter()
        .filter(|r| r.status == Some(429) || r.code == Some(99991400))
        .count() as u64
        + feishu.rate_violations();
    let api: Vec<_> = requests
        .iter()
        .filter(|r| !r.path.contains("tenant_access_token"))
        .collect();
    // The most requests on one card, and in all, within any one second of the emulator's
    // clock (at real speed here).
    let max_per_card = summary
        .cards
        .iter()
        .map(|card| {
            max_in_a_second(
                api.iter()
                    .filter(|r| r.sequence.is_some() && r.path.contains(card.card_id.as_str()))
                    .map(|r| r.at),
            )
        })
        .max()
        .unwrap_or(0);
    let max_overall = max_in_a_second(api.iter().map(|r| r.at));
    let api_requests = api.len();
    // Requests while the deltas streamed: the start (create, send) and the final update are
    // outside this window.
    let during = api
        .iter()
        .filter(|r| r.at >= clock_begin && r.at <= clock_end)
        .count();

    let seen = seen.lock().expect("not poisoned").clone();
    let pushes = pushes.lock().expect("not poisoned").clone();
    let mut lags = Vec::with_capacity(pushes.len());
    let mut unseen = 0usize;
    let mut j = 0;
    for (at, len) in &pushes {
        // The stored text only grows here (no rewrites), so the first state at least this long
        // contains the push.
        while j < seen.len() && seen[j].1 < *len {
            j += 1;
        }
        match seen.get(j) {
            Some((when, _)) => lags.push(when.saturating_duration_since(*at)),
            None => unseen += 1,
        }
    }
    lags.sort_unstable();
    let (p50, p95, max) = (
        percentile(&lags, 50.0),
        percentile(&lags, 95.0),
        lags.last().copied().unwrap_or_default(),
    );
    let per_second = during as f64 / (clock_end - clock_begin).as_secs_f64();

    println!(
        "stream: {} deltas at {}/s pushed in {:.2} s, {} bytes, {} card(s)",
        options.deltas,
        options.rate,
        pushing.as_secs_f64(),
        pushed.len(),
        summary.cards.len()
    );
    println!("  rate-limit errors:              {rate_limited} (must be 0)");
    println!("  final text identical:           {identical}");
    println!(
        "  most requests in any 1 s:       {max_per_card} on one card (Feishu allows 10), {max_overall} in all"
    );
    println!(
        "  requests:                       {api_requests} in all; {during} while streaming, {per_second:.1}/s over {:.2} s (the stream counted {} calls, {} renewals)",
        streamed.as_secs_f64(),
        summary.calls,
        summary.renewals
    );
    println!(
        "  push → emulator lag:            p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} pushes never seen before the end)",
        ms(p50),
        ms(p95),
        ms(max),
        unseen
    );
    println!(
        "BENCH stream deltas={} rate_per_s={} rate_limit_errors={} text_identical={} \
         max_requests_per_card_1s={} max_requests_1s={} requests={} requests_per_s={:.1} cards={} \
         lag_p50_ms={:.1} lag_p95_ms={:.1} lag_max_ms={:.1}",
        options.deltas,
        options.rate,
        rate_limited,
        identical,
        max_per_card,
        max_overall,
        api_requests,
        per_second,
        summary.cards.len(),
        ms(p50),
        ms(p95),
        ms(max)
    );
    if rate_limited > 0 || !identical {
        std::process::exit(1);
    }
}

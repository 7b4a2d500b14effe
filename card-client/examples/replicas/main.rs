//! Three replicas of one bot against the emulator, sharing one Redis, with faults everywhere
//! and one replica killed and restarted: nothing handled twice, nothing lost.
//!
//! ```sh
//! redis-server --port 6390 --save '' --appendonly no --daemonize yes
//! REDIS_URL=redis://127.0.0.1:6390 \
//!   cargo run --release -p card-client --features emulator,redis,ws --example replicas
//! ```
//!
//! The emulated Feishu runs at 10 times real speed (the clients' waits follow). Each replica
//! runs on a tokio runtime of its own with its own connection to Redis, its own [`Client`]
//! and its own long connection ([`card_client::ws::Listener`]); the three share one
//! `RedisStore`. Emulated users make 1,000 card actions over the long connection, each handled
//! by whichever replica Feishu picks, and 200 shared streams write into cards, spread over
//! the replicas. The emulator answers 5% of API requests with 5xx (half after the request
//! took effect) and 1% with 429, and drops the long connection of 2% of the actions (before
//! or after the event went out). A third of the way through the actions, at a moment its
//! handler is busy with one, replica 0 dies as a crashed process does (its runtime stops: no
//! task finishes anything, its connections close) and is started again; the streams it owned are taken over by the others once their
//! leases lapse, and the events it had claimed are handled by whoever gets them again.
//!
//! It ends with one line, every figure measured:
//!
//! - handled twice: actions whose handler ran more than once, from the handlers' own records;
//! - lost: actions no handler ran, plus streams whose final card misses some of their text;
//! - sequence errors: requests the emulator answered 300317;
//! - rate-limit errors: requests refused for exceeding a card's 10 operations per second
//!   (the emulator's own limit; injected 429s are not counted);
//! - stream text mismatches: streams whose final card text is not the text they wrote.
//!
//! Notes on how the run went go to stderr. The exit status is 1 when a figure is not 0.
//!
//! [`Client`]: card_client::Client

mod scenario;

use std::process::ExitCode;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let url = match std::env::var("REDIS_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => {
            eprintln!(
                "error: set REDIS_URL to a running Redis, e.g.\n  redis-server --port 6390 \
                 --save '' --appendonly no --daemonize yes\n  REDIS_URL=redis://127.0.0.1:6390 \
                 cargo run --release -p card-client --features emulator,redis,ws --example \
                 replicas"
            );
            return ExitCode::FAILURE;
        }
    };
    let config = scenario::Config::full();
    match scenario::run(&config, &url, |line| eprintln!("{line}")).await {
        Ok(report) => {
            for note in &report.notes {
                eprintln!("{note}");
            }
            println!("{report}");
            if report.clean() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

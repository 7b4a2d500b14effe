//! `feishu-card emulator`: run the local Feishu as a server, for bots in any language.
//!
//! The first line of standard output is `feishu-card emulator: listening on
//! http://127.0.0.1:PORT`; the lines after it give the app credentials and how to point an SDK
//! at the emulator. It serves until interrupted (Ctrl-C) or terminated (SIGTERM), then exits 0.
//!
//! Bots that take card actions over the long connection ask the same base URL for a
//! connection URL; `--ping-interval` and the `--reconnect-*` options set the `ClientConfig` the
//! emulator hands them (Feishu's by default: ping every 120 s, reconnect for ever every 120 s
//! after a first wait of up to 30 s), so that a test's bot pings and reconnects promptly:
//!
//! ```text
//! feishu-card emulator --ping-interval 1 --reconnect-interval 1 --reconnect-nonce 0
//! ```

use std::io::Write;
use std::process::ExitCode;

use card_client::emulator::{Emulator, APP_ID, APP_SECRET};
use card_client::ws::frame::ClientConfig;

use crate::net::{block_on, EXIT_API, EXIT_USAGE};

/// Arguments of `feishu-card emulator`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The loopback port to serve on (`127.0.0.1:PORT`); 0 takes any free port.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The app id the token endpoint accepts.
    #[arg(long, default_value = APP_ID, requires = "app_secret")]
    pub app_id: String,
    /// The app secret the token endpoint accepts.
    #[arg(long, default_value = APP_SECRET, requires = "app_id")]
    pub app_secret: String,
    /// The app's Encrypt Key: card callbacks are then encrypted and signed.
    #[arg(long, value_name = "KEY")]
    pub encrypt_key: Option<String>,
    /// The app's Verification Token, put in every callback.
    #[arg(long, value_name = "TOKEN")]
    pub verification_token: Option<String>,
    /// The bot's callback URL, where emulated users' clicks and submissions are POSTed.
    #[arg(long, value_name = "URL")]
    pub callback_url: Option<String>,
    /// Seconds between a long-connection client's pings (`PingInterval` of the `ClientConfig`
    /// in endpoint answers and pongs).
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = ClientConfig::default().ping_interval,
        value_parser = clap::value_parser!(u64).range(1..),
    )]
    pub ping_interval: u64,
    /// Seconds between a long-connection client's attempts to reconnect
    /// (`ReconnectInterval`).
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = ClientConfig::default().reconnect_interval,
        value_parser = clap::value_parser!(u64).range(1..),
    )]
    pub reconnect_interval: u64,
    /// Up to how many seconds a long-connection client waits, at random, before its first
    /// attempt to reconnect (`ReconnectNonce`); 0 reconnects at once.
    #[arg(long, value_name = "SECS", default_value_t = ClientConfig::default().reconnect_nonce)]
    pub reconnect_nonce: u64,
    /// How many times a long-connection client tries to reconnect (`ReconnectCount`); -1 for
    /// ever.
    #[arg(
        long,
        value_name = "N",
        default_value_t = ClientConfig::default().reconnect_count,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(i64).range(-1..),
    )]
    pub reconnect_count: i64,
}

impl Args {
    /// The `ClientConfig` the long connection hands out.
    fn client_config(&self) -> ClientConfig {
        ClientConfig {
            ping_interval: self.ping_interval,
            reconnect_count: self.reconnect_count,
            reconnect_interval: self.reconnect_interval,
            reconnect_nonce: self.reconnect_nonce,
        }
    }
}

/// Runs `feishu-card emulator`.
pub fn run(args: Args) -> ExitCode {
    if let Some(url) = &args.callback_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            eprintln!("error: --callback-url must be an http:// or https:// URL, not {url:?}");
            return ExitCode::from(EXIT_USAGE);
        }
    }
    block_on(serve(args))
}

async fn serve(args: Args) -> ExitCode {
    let mut builder = Emulator::builder()
        .port(args.port)
        .client_config(args.client_config())
        .app(args.app_id, args.app_secret);
    if let Some(key) = &args.encrypt_key {
        builder = builder.encrypt_key(key);
    }
    if let Some(token) = &args.verification_token {
        builder = builder.verification_token(token);
    }
    if let Some(url) = &args.callback_url {
        builder = builder.callback_url(url);
    }
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(err) => {
            eprintln!(
                "error: cannot serve on 127.0.0.1:{}: {err} (choose another --port, or 0 for any free one)",
                args.port
            );
            return ExitCode::from(EXIT_API);
        }
    };
    let stopped = stop_signals();
    if let Err(err) = announce(&emulator, args.callback_url.as_deref()) {
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write to standard output: {err}");
        }
    }
    let why = stopped.await;
    let held = emulator.messages().len();
    eprintln!(
        "feishu-card emulator: stopped ({why}), holding {held} message{}",
        if held == 1 { "" } else { "s" }
    );
    ExitCode::SUCCESS
}

/// Prints where the emulator is and how to use it, the URL first.
fn announce(emulator: &Emulator, callback_url: Option<&str>) -> std::io::Result<()> {
    let url = emulator.base_url();
    let mut out = std::io::stdout().lock();
    writeln!(out, "feishu-card emulator: listening on {url}")?;
    writeln!(out, "app id:             {}", emulator.app_id())?;
    writeln!(out, "app secret:         {}", emulator.app_secret())?;
    writeln!(out, "verification token: {}", emulator.verification_token())?;
    match emulator.encrypt_key() {
        Some(key) => writeln!(out, "encrypt key:        {key}")?,
        None => writeln!(
            out,
            "encrypt key:        none (callbacks are plain JSON, unsigned)"
        )?,
    }
    match callback_url {
        Some(callback) => writeln!(out, "callback URL:       {callback}")?,
        None => writeln!(
            out,
            "callback URL:       none (give --callback-url for users' clicks to reach the bot)"
        )?,
    }
    writeln!(
        out,
        "Point an SDK's domain (base URL) at {url} with this app id and secret:"
    )?;
    writeln!(
        out,
        "  Rust: card_client::Client::builder(APP_ID, APP_SECRET).base_url(\"{url}\")"
    )?;
    writeln!(
        out,
        "  Node: new lark.Client({{appId, appSecret, domain: '{url}'}})"
    )?;
    writeln!(
        out,
        "  Long connection: lark.WSClient with the same domain, app id and secret; GET {url}/_emulator/connections lists the connected clients"
    )?;
    writeln!(
        out,
        "Play the users: POST {url}/_emulator/click {{\"user\": \"ou_…\", \"message_id\": \"om_…\", \"button\": \"…\"}}"
    )?;
    writeln!(
        out,
        "  (also /_emulator/submit, /_emulator/choose, /_emulator/tick, /_emulator/input; GET {url}/_emulator/messages)"
    )?;
    writeln!(out, "Stop with Ctrl-C.")?;
    out.flush()
}

/// Listens for Ctrl-C and SIGTERM from now on (so that a signal sent as soon as the URL is
/// printed is not missed); the future resolves to what stopped the emulator.
pub(crate) fn stop_signals() -> std::pin::Pin<Box<dyn std::future::Future<Output = &'static str>>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, Signal, SignalKind};
        let listen = |kind: SignalKind, name: &str| match signal(kind) {
            Ok(signal) => Some(signal),
            Err(err) => {
                eprintln!("warning: cannot listen for {name} ({err})");
                None
            }
        };
        async fn next(signal: Option<Signal>) {
            match signal {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        let interrupt = listen(SignalKind::interrupt(), "Ctrl-C");
        let terminate = listen(SignalKind::terminate(), "SIGTERM");
        Box::pin(async move {
            tokio::select! {
                _ = next(interrupt) => "interrupted",
                _ = next(terminate) => "terminated",
            }
        })
    }
    #[cfg(not(unix))]
    {
        Box::pin(async {
            if let Err(err) = tokio::signal::ctrl_c().await {
                eprintln!("warning: cannot listen for Ctrl-C ({err})");
                std::future::pending::<()>().await;
            }
            "interrupted"
        })
    }
}

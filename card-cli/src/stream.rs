//! `feishu-card stream`: standard input becomes a card that types itself out (Feishu's
//! typewriter effect), finished at end of input.
//!
//! Each chunk read is pushed at once; the client sends at most one update per 100 ms with the
//! latest text, keeps the card under Feishu's limits (a long input continues in a new card) and
//! turns streaming off at the end.

use std::process::ExitCode;
use std::time::Duration;

use card_client::stream::FinalCard;
use tokio::io::AsyncReadExt;

use crate::net::{api_error, block_on, Net, Recipient, Target, EXIT_USAGE};

/// Arguments of `feishu-card stream`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub to: Recipient,
    /// A header title for the card.
    #[arg(long)]
    pub header: Option<String>,
    /// The chat-list preview while the text streams.
    #[arg(long)]
    pub summary: Option<String>,
    /// Push whole lines only, rather than every chunk as it arrives.
    #[arg(long)]
    pub lines: bool,
    #[command(flatten)]
    pub net: Net,
}

/// Runs `feishu-card stream`.
pub fn run(args: Args) -> ExitCode {
    block_on(stream(args))
}

/// Splits a byte stream into text without breaking a UTF-8 character across pushes.
#[derive(Default)]
struct Utf8Chunks {
    pending: Vec<u8>,
}

impl Utf8Chunks {
    /// The text of `bytes` (after what was pending) that is complete.
    fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let mut out = String::new();
        loop {
            match std::str::from_utf8(&self.pending) {
                Ok(text) => {
                    out.push_str(text);
                    self.pending.clear();
                    return out;
                }
                Err(err) => {
                    let valid = err.valid_up_to();
                    // `valid` bytes are UTF-8 by the error's own account.
                    out.push_str(&String::from_utf8_lossy(&self.pending[..valid]));
                    match err.error_len() {
                        // Invalid bytes: replaced, and decoding goes on after them.
                        Some(bad) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            self.pending.drain(..valid + bad);
                        }
                        // An incomplete character at the end: kept for the next read.
                        None => {
                            self.pending.drain(..valid);
                            return out;
                        }
                    }
                }
            }
        }
    }

    /// What is left at the end of input.
    fn finish(&mut self) -> String {
        let rest = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        rest
    }
}

async fn stream(args: Args) -> ExitCode {
    let session = match args.net.connect().await {
        Ok(session) => session,
        Err(code) => return code,
    };
    let mut builder = session.client.stream();
    builder = match args.to.target() {
        Some(Target::Send(kind, id)) => builder.to(kind, id),
        Some(Target::Reply(parent)) => match session.message_for(&parent).await {
            Ok(parent) => builder.reply_to(parent),
            Err(code) => return code,
        },
        None => {
            eprintln!("error: say where the card goes: --chat, --user, --email, --user-id, --union-id or --reply");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if let Some(header) = &args.header {
        builder = builder.header(header.clone());
    }
    if let Some(summary) = &args.summary {
        builder = builder.summary(summary.clone());
    }
    let stream = match builder.start().await {
        Ok(stream) => stream,
        Err(err) => return api_error(err),
    };
    if let Some(card) = stream.cards().first() {
        eprintln!(
            "streaming into card {} (message {}); end the input to finish",
            card.card_id, card.message_id
        );
    }

    let mut stdin = tokio::io::stdin();
    let mut buf = vec![0u8; 8192];
    let mut decoder = Utf8Chunks::default();
    let mut line = String::new();
    let mut read_error = None;
    let mut cards_seen = stream.cards().len();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        let read = tokio::select! {
            read = stdin.read(&mut buf) => read,
            _ = tick.tick() => {
                // A long input continues in a new card once the current one is full: say where.
                let cards = stream.cards();
                for card in cards.iter().skip(cards_seen) {
                    eprintln!("continuing in card {} (message {})", card.card_id, card.message_id);
                }
                cards_seen = cards_seen.max(cards.len());
                continue;
            }
        };
        match read {
            Ok(0) => break,
            Ok(n) => {
                let text = decoder.push(&buf[..n]);
                if args.lines {
                    line.push_str(&text);
                    if let Some(end) = line.rfind('\n') {
                        let rest = line.split_off(end + 1);
                        stream.push_delta(&line);
                        line = rest;
                    }
                } else if !text.is_empty() {
                    stream.push_delta(&text);
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => {
                read_error = Some(err);
                break;
            }
        }
    }
    line.push_str(&decoder.finish());
    if !line.is_empty() {
        stream.push_delta(&line);
    }

    let ended = match &read_error {
        Some(err) => stream.abort(format!("input stopped: {err}")).await,
        None => stream.finish(FinalCard::Text).await,
    };
    match ended {
        Ok(summary) => {
            let ids: Vec<&str> = summary
                .cards
                .iter()
                .map(|c| c.message_id.as_str())
                .collect();
            eprintln!(
                "streamed {} characters into {} card{} ({}) with {} calls",
                summary.text.chars().count(),
                summary.cards.len(),
                if summary.cards.len() == 1 { "" } else { "s" },
                ids.join(", "),
                summary.calls
            );
            if session.emulator.is_some() {
                session.print_state();
            } else {
                for id in ids {
                    crate::net::print_out(id);
                }
            }
            match read_error {
                Some(err) => {
                    eprintln!("error: cannot read standard input: {err}");
                    ExitCode::from(EXIT_USAGE)
                }
                None => ExitCode::SUCCESS,
            }
        }
        Err(err) => api_error(err),
    }
}

#[cfg(test)]
mod tests {
    use super::Utf8Chunks;

    #[test]
    fn characters_split_across_reads_are_kept_whole() {
        let bytes = "é中".as_bytes();
        let mut d = Utf8Chunks::default();
        assert_eq!(d.push(&bytes[..1]), "");
        assert_eq!(d.push(&bytes[1..3]), "é");
        assert_eq!(d.push(&bytes[3..]), "中");
        assert_eq!(d.finish(), "");
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        let mut d = Utf8Chunks::default();
        assert_eq!(d.push(b"a\xffb"), "a\u{fffd}b");
        assert_eq!(d.push(b"\xe4"), "");
        assert_eq!(d.finish(), "\u{fffd}");
    }
}

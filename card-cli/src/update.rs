//! `feishu-card update`: replace the card of a sent message, by message id (message patch) or
//! with the token of a card callback (delayed update).
//!
//! With `--emulator`, a placeholder card is sent first to stand for the message (the fresh
//! emulator holds none), the update is applied to it, and the emulator's state is printed.

use std::path::PathBuf;
use std::process::ExitCode;

use card_client::{CallbackToken, DelayedUpdate, PatchMessage};
use serde_json::Value;

use crate::net::{api_error, card_from, with_session, Net, Session, EXIT_API};

/// Arguments of `feishu-card update`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["message", "token"])))]
pub struct Args {
    /// The message to update (`om_…`); the card must be shared (2.0 cards always are).
    #[arg(long, value_name = "MESSAGE_ID")]
    pub message: Option<String>,
    /// The `token` of a card callback (`c-…`): valid 30 minutes, for two updates.
    #[arg(long)]
    pub token: Option<String>,
    #[command(flatten)]
    pub net: Net,
    /// The new card (`-` for standard input).
    pub file: PathBuf,
}

/// Runs `feishu-card update`.
pub fn run(args: Args) -> ExitCode {
    let card = match card_from(&args.file) {
        Ok(card) => card,
        Err(code) => return code,
    };
    with_session(&args.net, |session| {
        update(session, args.message, args.token, card)
    })
}

async fn update(
    session: Session,
    message: Option<String>,
    token: Option<String>,
    card: Value,
) -> ExitCode {
    let result = match (&message, &token) {
        (Some(message), _) => {
            let message = match session.message_for(message).await {
                Ok(id) => id,
                Err(code) => return code,
            };
            let done = session
                .client
                .messages()
                .patch(PatchMessage::new(message.clone(), card))
                .await;
            done.map(|()| format!("updated message {message}"))
        }
        (None, Some(token)) => {
            let token = match &session.emulator {
                Some(emulator) => {
                    let message = match session.message_for(token).await {
                        Ok(id) => id,
                        Err(code) => return code,
                    };
                    match emulator.mint_callback_token(&message) {
                        Some(minted) => {
                            eprintln!("emulator: a callback on {message} gives the token {minted}");
                            minted
                        }
                        None => {
                            eprintln!("error: the emulator could not mint a callback token");
                            return ExitCode::from(EXIT_API);
                        }
                    }
                }
                None => token.clone(),
            };
            // `open_ids` only concern JSON 1.0 cards that are not shared; the cards sent here
            // are 2.0 (checked above), which are always shared, so none are sent.
            let req = DelayedUpdate::new(card);
            session
                .client
                .delayed()
                .update(&CallbackToken::new(token), req)
                .await
                .map(|()| "updated the card of the callback".to_owned())
        }
        (None, None) => {
            eprintln!("error: say which card to update: --message om_… or --token c-…");
            return ExitCode::from(crate::net::EXIT_USAGE);
        }
    };
    match result {
        Ok(done) => {
            eprintln!("{done}");
            session.print_state();
            ExitCode::SUCCESS
        }
        Err(err) => api_error(err),
    }
}

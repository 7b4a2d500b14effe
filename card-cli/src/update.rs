//! `feishu-card update`: replace the card of a sent message, by message id (message patch) or
//! with the token of a card callback (delayed update).
//!
//! With `--emulator`, a placeholder card is sent first to stand for the message (the fresh
//! emulator holds none), the update is applied to it, and the emulator's state is printed.

use std::path::PathBuf;
use std::process::ExitCode;

use card_client::{CallbackToken, DelayedUpdate, PatchMessage};
use serde_json::Value;

use crate::net::{api_error, finish, with_card, Done, Net, Session, EXIT_API, EXIT_USAGE};
use crate::validate::Check;

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
    pub check: Check,
    #[command(flatten)]
    pub net: Net,
    /// The new card (`-` for standard input).
    pub file: PathBuf,
}

/// Runs `feishu-card update`.
pub fn run(args: Args) -> ExitCode {
    let Args {
        message,
        token,
        check,
        net,
        file,
    } = args;
    with_card(&file, &net, check.policy(), |session, card| async move {
        let outcome = update(&session, message, token, card).await;
        finish(&session, outcome)
    })
}

async fn update(
    session: &Session,
    message: Option<String>,
    token: Option<String>,
    card: Value,
) -> Result<Done, ExitCode> {
    let said = match (message, token) {
        (Some(message), _) => {
            let message = session.message_for(&message).await?;
            session
                .client
                .messages()
                .patch(PatchMessage::new(message.clone(), card))
                .await
                .map_err(api_error)?;
            format!("updated message {message}")
        }
        (None, Some(token)) => {
            let token = match &session.emulator {
                Some(emulator) => {
                    let message = session.message_for(&token).await?;
                    let Some(minted) = emulator.mint_callback_token(&message) else {
                        eprintln!("error: the emulator could not mint a callback token");
                        return Err(ExitCode::from(EXIT_API));
                    };
                    eprintln!("emulator: a callback on {message} gives the token {minted}");
                    minted
                }
                None => token,
            };
            // `open_ids` only concern JSON 1.0 cards that are not shared; the cards sent here
            // are 2.0 (checked above), which are always shared, so none are sent.
            session
                .client
                .delayed()
                .update(&CallbackToken::new(token), DelayedUpdate::new(card))
                .await
                .map_err(api_error)?;
            "updated the card of the callback".to_owned()
        }
        (None, None) => {
            eprintln!("error: say which card to update: --message om_… or --token c-…");
            return Err(ExitCode::from(EXIT_USAGE));
        }
    };
    Ok(Done { said, output: None })
}

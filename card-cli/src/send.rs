//! `feishu-card send`: send a card to a chat or a user, or as a reply.
//!
//! The card is checked first: a card Feishu would refuse is reported (exit 1) and nothing is
//! sent. On success the message id goes to standard output (with `--emulator`, everything the
//! emulator then holds, as JSON) and `sent om_… to …` to standard error.

use std::path::PathBuf;
use std::process::ExitCode;

use card_client::{ReplyMessage, SendMessage};
use serde_json::Value;

use crate::net::{api_error, finish, with_card, Done, Net, Recipient, Session, Target};
use crate::validate::Check;

/// Arguments of `feishu-card send`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub to: Recipient,
    /// Idempotency key (at most 50 characters): sending again with the same key within an hour
    /// makes no second message.
    #[arg(long)]
    pub uuid: Option<String>,
    #[command(flatten)]
    pub check: Check,
    #[command(flatten)]
    pub net: Net,
    /// The card (`-` for standard input).
    pub file: PathBuf,
}

/// Runs `feishu-card send`.
pub fn run(args: Args) -> ExitCode {
    let Args {
        to,
        uuid,
        check,
        net,
        file,
    } = args;
    with_card(&file, &net, check.policy(), |session, card| {
        send(session, to, uuid, card)
    })
}

/// Sends a checked card and prints what it made: the message id, or with `--emulator` the
/// emulator's state.
pub async fn send(session: Session, to: Recipient, uuid: Option<String>, card: Value) -> ExitCode {
    let outcome = deliver(&session, &to, uuid, card).await;
    finish(&session, outcome)
}

/// Sends (or replies with) a checked card: what was sent, and the new message's id as output.
async fn deliver(
    session: &Session,
    to: &Recipient,
    uuid: Option<String>,
    card: Value,
) -> Result<Done, ExitCode> {
    let Some(target) = to.target() else {
        eprintln!("error: say where the card goes: --chat, --user, --email, --user-id, --union-id or --reply");
        return Err(ExitCode::from(crate::net::EXIT_USAGE));
    };
    let messages = session.client.messages();
    let (sent, whom) = match target {
        Target::Send(kind, id) => {
            let mut req = SendMessage::new(kind, id.clone(), card);
            if let Some(uuid) = uuid {
                req = req.uuid(uuid);
            }
            let whom = format!("to {} {id}", kind.as_str());
            (messages.send(req).await, whom)
        }
        Target::Reply(parent) => {
            let parent = session.message_for(&parent).await?;
            let mut req = ReplyMessage::new(parent.clone(), card);
            if let Some(uuid) = uuid {
                req = req.uuid(uuid);
            }
            (messages.reply(req).await, format!("as a reply to {parent}"))
        }
    };
    let sent = sent.map_err(api_error)?;
    Ok(Done {
        said: format!("sent {} {whom} (chat {})", sent.message_id, sent.chat_id),
        output: Some(sent.message_id),
    })
}

//! Feishu's long connection: events and card actions over a WebSocket the bot opens, with no
//! public callback URL.
//!
//! This is the default way to receive card actions and events: the bot connects out to
//! Feishu, so it needs no public URL, no TLS certificate, no encrypt key and no verification
//! token. In the developer console, choose "receive events/callbacks through a long
//! connection" (the console saves that choice only while a client is connected) and subscribe
//! to `card.action.trigger` and the events you want. Only self-built apps can use it, with at
//! most 50 connections per app; with several connections open, each event goes to one of them.
//!
//! A [`Listener`] runs in its own task:
//!
//! - it asks Feishu for a connection URL with the app id and secret of a [`Client`](crate::Client),
//!   connects, pings at the interval Feishu gives, and follows the configuration each pong
//!   carries;
//! - it replaces a connection that is lost or stops answering pings, on Feishu's reconnect
//!   schedule (a random wait first, then a fixed interval, as many times as allowed), and stops
//!   with an [`Error`] that says what to fix when Feishu refuses the app (wrong credentials,
//!   not a self-built app, too many connections);
//! - it puts payloads split over several frames back together ([`Reassembler`]);
//! - it gives card actions (`card.action.trigger`, in frames of type `event` and `card`) to
//!   the same machinery as the HTTP route ([`CallbackHandler`](crate::callback::CallbackHandler)):
//!   your function gets a typed [`CardAction`](crate::callback::CardAction), its [`Answer`](crate::callback::Answer)
//!   goes back in the acknowledgement by Feishu's 3-second deadline (else the fallback toast,
//!   and the late answer's card by delayed update), and an event delivered twice runs once;
//! - it gives every other event to your [`on_event`](ListenerBuilder::on_event) function as an
//!   [`Event`] (typed for `im.message.receive_v1`: [`Event::message`]).
//!
//! Its [`ListenerHandle`] reports the [`State`] (while reconnecting, with the
//! [`ConnectionFailure`] that made it reconnect: Feishu busy, connection refused, TLS, no pong,
//! socket closed…), stops it gracefully (events in flight are answered first) and waits for it.
//!
//! ```no_run
//! use card_client::callback::{Answer, CardAction, Deferred, Toast};
//! use card_client::ws::{Event, Listener};
//! use card_client::Client;
//! use card_core::model::{Card, Markdown};
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Vote { choice: String }
//!
//! async fn on_click(action: CardAction, _later: Deferred) -> Answer {
//!     match action.value::<Vote>() {
//!         Ok(vote) => Answer::toast(Toast::success("Thanks for voting"))
//!             .card(Card::new().element(Markdown::new(format!("You chose **{}**", vote.choice)))),
//!         Err(e) => Answer::toast(Toast::error(e.to_string())),
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = Client::builder("cli_a1b2c3", "app-secret").build()?;
//!     let listener = Listener::builder(client.clone())
//!         .on_card_action(on_click)
//!         .on_event(|event: Event| async move {
//!             if let Some(Ok(message)) = event.message() {
//!                 println!("{} wrote {:?}", message.sender.open_id, message.text());
//!             }
//!         })
//!         .start();
//!
//!     tokio::select! {
//!         result = listener.wait() => result?,  // Feishu refused the app: the error says why
//!         _ = tokio::signal::ctrl_c() => listener.shutdown().await?,
//!     }
//!     Ok(())
//! }
//! ```

mod connection;
mod dispatch;
mod error;
mod event;
pub mod frame;
mod listener;
mod reassembly;
mod schedule;

pub use error::{ConnectionFailure, Error};
pub use event::{Event, EventError, ReceivedMessage, SenderId, IM_MESSAGE_RECEIVE_V1};
pub use listener::{Listener, ListenerBuilder, ListenerHandle, State, StopReason};
pub use reassembly::{Complete, Limits, Reassembler, ReassemblyError};

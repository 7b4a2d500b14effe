//! Feishu/Lark interactive cards (Card JSON 2.0), written inline in Rust and checked by the
//! compiler.
//!
//! Write a card as markup whose tags and attributes are Feishu's own; [`card!`] turns it into a
//! typed [`Card`] at compile time and refuses, with an error on the offending token, every card
//! Feishu would refuse:
//!
//! ```
//! use feishu_card::card;
//! use serde_json::json;
//!
//! let card = card! {
//!     <card>
//!         <header template="orange">"确认操作"</header>
//!         <markdown>"确定要执行此操作吗?此操作**不可撤销**。"</markdown>
//!         <column_set horizontal_spacing="8px">
//!             <column width="auto">
//!                 <button type="primary_filled" callback={json!({"action": "confirm"})}>"确认"</button>
//!             </column>
//!             <column width="auto">
//!                 <button type="default" callback={json!({"action": "cancel"})}>"取消"</button>
//!             </column>
//!         </column_set>
//!     </card>
//! };
//! assert_eq!(card.to_value()["header"]["template"], "orange");
//! ```
//!
//! A `table` inside a `column`, a `multi_select_static` outside a `form`, a misspelt colour, a
//! `weight` of 7, an `element_id` used twice, a form without a submit button: each is a compile
//! error naming the rule (`nesting.table-not-at-root`, …) and what is allowed instead.
//!
//! # The markup
//!
//! | you write | it means |
//! |---|---|
//! | `<markdown …>"text"</markdown>` | a component; the tag is Feishu's `tag` |
//! | `type="primary"`, `page_size=5`, `disabled=false` | an attribute: Feishu's key and a literal, checked while compiling |
//! | `disabled` | a bare attribute: `true` |
//! | `text_size={size}` | any Rust expression, converted with `Into` to the field's type |
//! | a string child | the component's text: `content` of a `markdown`, `text` of a `button`, `div` or `checker`, `title` of a `header`, `text` of an `<option>` |
//! | `<plain_text text_size="notation">"…"</plain_text>`, `<lark_md>"**…**"</lark_md>` | the text object itself, for its own keys or its kind |
//! | `<column></column>` / `<column/>` | an empty `elements` list / no `elements` key |
//! | `<header>`, `<config …/>`, `<card_link …/>`, `<body …>` in `<card>` | the card's top-level objects; components directly in `<card>` go to `body.elements` |
//! | `<card fallback={…} i18n_header={…} raw:name={…}>` | the card's own properties that are not parts of it: the 1.0 leftovers 2.0 tolerates (with their warnings) and properties this version does not know |
//! | `<confirm title="…" text="…"/>`, `<border …/>`, `<header_style …/>` | a child tag named like an object-valued attribute fills it |
//! | `<standard_icon token="…"/>`, `<text_tag>"P1"</text_tag>`, `<column>` in a `column_set` | a tagged sub-element fills the attribute that takes it |
//! | `<option value="a">"A"</option>`, a table's `<column name="id" …/>` and `<row id="T1" …/>` | one entry of a list attribute, named after the list in the singular (`options`, `columns`, `rows`, `persons`, `img_list`) |
//! | `text:en_us="OK"`, `title:ja_jp="…"`, `i18n_content:en_us="…"` | a translation: of a text attribute (or the text child), or an entry of an `i18n_*` map |
//! | `callback={value}`, `open_url="https://…"` | a `behaviors` entry; `value` is any `Serialize` value |
//! | `<form name="f" for=Feedback>` | the form fills the struct `Feedback` (see [Forms](#forms)) |
//! | `<select_static name="p" for=Priority/>` | the options come from the enum `Priority` |
//! | `@for x in iter { … }`, `@if c { … } else { … }`, `@match v { p => { … } }` | children produced by Rust control flow, components or list entries (`@for r in &rows { <row …/> }`); the markup inside is checked like any other, and a literal `element_id` or form `name` inside `@for` is refused: compute it from the loop variable |
//! | `{children}` | computed children: one component, an `Option`, or any iterator of them; in a component with one list of entries (`<select_static>`'s options), entries of that list |
//! | `<raw json={value}/>`, `raw:glow={value}` | what this version does not know, as JSON: a whole component, or one property of a known tag (see [Components newer than this version](#components-newer-than-this-version)) |
//!
//! Every field of every component is reachable: attributes for scalars and text, child tags for
//! objects and lists, and `{expr}` for anything (`chart_spec`, i18n maps, a prepared `Vec`).
//! Each field is written once: a second `<header>` in a card, a second `<confirm>` in a button,
//! or `text="…"` beside a text child is a compile error rather than a silent replacement.
//!
//! # What is checked where
//!
//! | | checked |
//! |---|---|
//! | **compile time**, literal markup | every rule the registry marks as checkable from tokens: unknown tags and attributes (with "did you mean"), nesting in every context, required attributes, enum values, pixel and number ranges, formats, text lengths, `element_id` pattern and uniqueness, form names, field names and submit buttons, `required` outside a form, element/table/depth limits, header tags, audio rules, `update_multi`, `card_link`, table row keys; a form linked with `for=` has exactly its struct's fields, of fitting kinds |
//! | **compile time**, by type | a computed value must have the field's type; a computed child must be a component that may stand there: a `Table` or `Form` converts into a body element but not into a container's `Element`, so `{table}` inside a `column` does not compile |
//! | **before sending** ([`validate`]) | what depends on values known only at run time: computed strings and numbers, computed names and ids, computed children inside a form, the 30 KB size limit |
//!
//! A card with no computed parts is checked against every rule but the 30 KB size limit when it
//! compiles. The client validates every card before it makes a request.
//!
//! # Forms
//!
//! A struct deriving [`FormValue`](derive@FormValue) decodes what a form submits; an enum deriving
//! [`SelectOptions`](derive@SelectOptions) is both the options of a select and the decoded choice:
//!
//! ```
//! use feishu_card::{card, FormValue, SelectOptions};
//!
//! #[derive(Debug, PartialEq, SelectOptions)]
//! enum Priority {
//!     #[option(value = "high", text = "高")]
//!     High,
//!     #[option(value = "low", text = "低")]
//!     Low,
//! }
//!
//! #[derive(Debug, FormValue)]
//! struct Feedback {
//!     reason: String,
//!     priority: Priority,
//!     urgent: bool,
//! }
//!
//! let card = card! {
//!     <card>
//!         <form name="feedback" for=Feedback>
//!             <input name="reason" placeholder="说说原因"/>
//!             <select_static name="priority" for=Priority/>
//!             <checker name="urgent">"紧急"</checker>
//!             <button name="send" type="primary" form_action_type="submit">"提交"</button>
//!         </form>
//!     </card>
//! };
//!
//! // What the card.action.trigger callback carries as `event.action.form_value`:
//! let submitted = serde_json::json!({"reason": "slow", "priority": "high", "urgent": true});
//! let feedback = Feedback::from_json(&submitted).unwrap();
//! assert_eq!(feedback.priority, Priority::High);
//! ```
//!
//! With `for=Feedback`, a form that lacks a field of `Feedback`, has a field `Feedback` does not
//! know, or submits something the field's type cannot hold (a multi-select for a `bool`) does
//! not compile.
//!
//! # Without the macro
//!
//! The macro writes plain [`model`] values; build them by hand where that reads better:
//!
//! ```
//! use feishu_card::model::*;
//!
//! let card = Card::new()
//!     .header(Header::new("Incident").template(HeaderTemplate::Red))
//!     .element(Markdown::new("**api** is down"));
//! assert!(!feishu_card::validate(&card).has_errors());
//! ```
//!
//! # Cards that never change
//!
//! A confirmation, a menu, a help card: markup with no Rust expression, written once and sent
//! many times. A [`StaticCard`] builds it on first use and serializes it once; after that,
//! [`json`](StaticCard::json) borrows the text and [`to_json`](StaticCard::to_json) is a copy
//! of its bytes, where a [`Card`] is built and walked again for every send:
//!
//! ```
//! use feishu_card::{card, StaticCard};
//! use serde_json::json;
//!
//! static CONFIRM: StaticCard = StaticCard::new(|| card! {
//!     <card>
//!         <header template="orange">"确认操作"</header>
//!         <markdown>"确定要执行此操作吗?"</markdown>
//!         <button type="primary_filled" callback={json!({"action": "confirm"})}>"确认"</button>
//!     </card>
//! });
//!
//! let body: String = CONFIRM.to_json(); // built and serialized on this first use
//! assert_eq!(body, CONFIRM.card().to_json());
//! assert!(!feishu_card::validate(CONFIRM.card()).has_errors());
//! let mut changed = CONFIRM.card().clone(); // an ordinary `Card`, to change
//! changed.header = None;
//! ```
//!
//! The function runs once, so anything it computes is computed once: a card whose content
//! depends on values known at run time is an ordinary `Card`, built for each send.
//!
//! # Cards from JSON
//!
//! [`Card::from_json`] reads a card and reports every problem with Feishu's path notation;
//! [`validate_value`] gives Feishu's verdict on any JSON card. [`core::migrate`] turns a JSON
//! 1.0 card into 2.0 with a note per change, and [`preview::render`] draws any card as an HTML
//! page. The `feishu-card` command (crate `card-cli`) wraps them: `validate`, `fmt`, `convert`
//! (a JSON card as the `card!` source that builds it), `migrate` and `preview`.
//!
//! # Components newer than this version
//!
//! Feishu adds components and properties every few months. A tag or property this version
//! does not know is an error by default, in `card!` (where it is nearly always a typo), in
//! [`validate_value`], in the client and in the command; Feishu itself refuses what *it* does
//! not know. To send something Feishu added since, validate under
//! [`Policy::Lenient`](core::validate::Policy::Lenient): the unknown becomes a warning that says
//! Feishu may reject it, and everything known is still checked. The client takes the policy
//! per client (`ClientBuilder::validation`) or per request (`SendMessage::validation` and the
//! other request types), the command takes `--lenient`.
//!
//! ```
//! use feishu_card::core::validate::{validate_value_with, Options};
//! use serde_json::json;
//!
//! let card = json!({"schema": "2.0", "body": {"elements": [{"tag": "newest_widget"}]}});
//! assert!(feishu_card::validate_value(&card).has_errors());
//! let lenient = validate_value_with(&card, Options::lenient());
//! assert!(!lenient.has_errors());
//! assert_eq!(lenient.warnings().count(), 1);
//! ```
//!
//! In `card!`, what the registry does not know is written visibly, as JSON, and only there:
//!
//! - `<raw json={value}/>` is a whole component, given as a `serde_json::Value` (a `json!`
//!   call, or a variable, which is borrowed). It stands wherever a component may: the body, a
//!   `column`, a `form`, an `interactive_container`, a `collapsible_panel`, and inside `@for`,
//!   `@if` and `@match`. A component the registry knows is read as its type; anything else with
//!   a string `tag` is kept as written. `card!` cannot see inside the value: the validator
//!   judges it before the card is sent. A value that is not an object with a string `tag`
//!   (`json!(5)`, an object without `tag`) becomes a component with an empty `tag`, which the
//!   validator refuses under every policy (`structure.wrong-type`, pointing at it): building
//!   the card never fails or panics, sending it does.
//! - `raw:name={value}` on any tag sets a property that tag does not know, as written (a
//!   literal works too: `raw:level=3`, `raw:glow`). It is an attribute, beside the ones it
//!   extends, and one per property, so that each is seen where it applies and a duplicate is a
//!   compile error. A name the tag knows is refused at compile time (write `type="primary"`,
//!   not `raw:type={…}`): the escape hatch never bypasses a check the registry can make. The
//!   one exception is a lenient attribute, whose undocumented values Feishu falls back on
//!   rather than refusing (`text_align`, `template`, `mode`…): a literal outside the documented
//!   set is refused as a typo, and `raw:text_align={json!("middle")}` writes one on purpose.
//!   The validator warns about it under either policy, and a card read from JSON keeps it the
//!   same way, in the component's `unknown` properties.
//!
//! `card!` checks everything else as usual. The strict default policy still refuses the raw
//! parts when the card is validated or sent: send such a card under
//! [`Policy::Lenient`](core::validate::Policy::Lenient), per request
//! (`SendMessage::to_chat(…).validation(Policy::Lenient)`) or per client. The raw parts are
//! then warnings (kept on the error if Feishu refuses the card), and every known part is still
//! checked.
//!
//! ```
//! use feishu_card::card;
//! use feishu_card::core::validate::{validate_value_with, Options};
//! use serde_json::json;
//!
//! let card = card! {
//!     <card>
//!         <markdown>"New in Feishu:"</markdown>
//!         <raw json={json!({"tag": "newest_widget", "depth": 3})}/>
//!         <button type="primary" raw:glow={json!(true)}>"Try it"</button>
//!     </card>
//! };
//! let sent = card.to_value();
//! assert_eq!(sent["body"]["elements"][1], json!({"tag": "newest_widget", "depth": 3}));
//! assert_eq!(sent["body"]["elements"][2]["glow"], json!(true));
//! assert!(feishu_card::validate(&card).has_errors());
//! let lenient = validate_value_with(&sent, Options::lenient());
//! assert!(!lenient.has_errors());
//! assert_eq!(lenient.warnings().count(), 2);
//! ```
//!
//! # Sending, streaming, callbacks (feature `client`)
//!
//! [`client`] sends and updates cards through every Feishu API that handles them, validating
//! each card first; `client.stream()` ([`client::stream`]) shows a generated answer with the
//! typewriter effect within Feishu's rate and size limits; [`client::callback`] verifies,
//! decrypts and decodes card callbacks and answers within Feishu's 3 seconds. With the
//! `emulator` feature, `client::emulator` is a local Feishu whose emulated users click and
//! submit cards: `cargo run --example demo` plays a whole conversation against it.
//!
//! # Receiving over the long connection (feature `ws`, on by default)
//!
//! Card actions and events reach a bot as HTTP callbacks ([`client::callback`]) or over
//! Feishu's long connection: a WebSocket the bot opens to Feishu itself, so it needs no public
//! URL, no TLS certificate, no verification token and no encrypt key, and runs from a laptop.
//! [`client::ws::Listener`] holds the connection: it asks Feishu for its URL with the app's id
//! and secret, pings, reconnects on Feishu's schedule (its state,
//! [`ListenerHandle::state`](client::ws::ListenerHandle::state), says why it is reconnecting),
//! and stops with an error that says what to fix when Feishu refuses the app. Card actions go to your function exactly as on the HTTP
//! route: a typed [`CardAction`](client::callback::CardAction), form values decoded into your
//! [`FormValue`] struct, an [`Answer`](client::callback::Answer) sent back within Feishu's 3
//! seconds (else the fallback toast, and your card by delayed update), each event handled
//! once. Other events go to `on_event`.
//!
//! ```no_run
//! use feishu_card::client::callback::{Answer, CardAction, Deferred, Toast};
//! use feishu_card::client::ws::Listener;
//! use feishu_card::client::Client;
//! use feishu_card::FormValue;
//!
//! #[derive(Debug, FormValue)]
//! struct Leave {
//!     reason: String,
//!     days: u32,
//! }
//!
//! async fn on_card(action: CardAction, _later: Deferred) -> Answer {
//!     match action.form::<Leave>() {
//!         Ok(leave) => Answer::toast(Toast::success(format!(
//!             "{} days off requested ({})",
//!             leave.days, leave.reason
//!         ))),
//!         Err(e) => Answer::toast(Toast::error(e.to_string())),
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = Client::builder("cli_a1b2c3", "app-secret").build()?;
//!     let listener = Listener::builder(client)
//!         .on_card_action(on_card)
//!         .on_event(|event| async move { println!("{}", event.event_type()) })
//!         .start();
//!     tokio::select! {
//!         // Feishu refused the app (wrong secret, not a self-built app, too many connections).
//!         refused = listener.wait() => refused?,
//!         // Events being handled are answered and acknowledged before the connection closes.
//!         _ = tokio::signal::ctrl_c() => listener.shutdown().await?,
//!     }
//!     Ok(())
//! }
//! ```
//!
//! In the developer console, the app (a self-built one) must receive events and callbacks
//! through the long connection, with `card.action.trigger` subscribed; the console saves that
//! choice only while a client is connected. With several replicas connected, Feishu gives each
//! event to one of them. The emulator serves the long connection too: its emulated users'
//! clicks reach a listener built on `emulator.client()` (feature `emulator`), as in `examples/demo.rs`. From a shell, `feishu-card listen` prints each event and card
//! action as one JSON line (`--answer-toast TEXT` answers the clicks; `--emulator` tries it
//! offline).

pub use card_core as core;
pub use card_core::form::{
    decode_value, FormError, FormValue, FromFormField, PickedDate, PickedDateTime, PickedTime,
    SelectOptions, UserId, ValueError,
};
pub use card_core::model::{self, Card, StaticCard};
/// An HTML preview of a card that looks like the Feishu client: `preview::render(&card)` gives
/// one self-contained page (inline CSS, no script), every text of the card escaped.
pub use card_core::preview;
pub use card_core::validate::{validate_slice, validate_value};
pub use card_core::{Diagnostic, Diagnostics, Severity};
pub use card_macros::{card, FormValue, SelectOptions};

#[cfg(feature = "client")]
pub use card_client as client;

/// Feishu's verdict on a card: every problem, errors and warnings, with their paths.
///
/// ```
/// use feishu_card::card;
///
/// let name = String::from("x").repeat(30);
/// let card = card! { <card><markdown element_id={name}>"hi"</markdown></card> };
/// let problems = feishu_card::validate(&card);
/// assert!(problems.has_errors());
/// assert_eq!(problems.errors().next().unwrap().rule, "element_id.pattern");
/// ```
pub fn validate(card: &Card) -> Diagnostics {
    validate_value(&card.to_value())
}

#[doc(hidden)]
pub mod __private {
    pub use card_core::form::link;
    pub use card_core::form::link::{
        Slot, TakesBool, TakesDate, TakesDateTime, TakesList, TakesText,
    };
    pub use card_core::form::{
        field as form_field, select_option_from_field, FormError, FormValue, FromFormField,
        SelectOptions,
    };
    pub use card_core::macro_support::{
        callback_value, float, int, keyword, lit, percent, put, px, px_pair, raw, select_options,
        slot, translate, Children, MapEntry,
    };
    pub use card_core::model;
    pub use serde_json;
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

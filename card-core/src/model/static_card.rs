//! A card that never changes, built and serialized once.

use std::fmt;
use std::ops::Deref;
use std::sync::OnceLock;

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::Card;

/// A card that never changes: built on first use, serialized once, then sent as a copy of its
/// bytes.
///
/// Confirmation cards, menus, help cards: markup with no Rust expression in it, written once
/// and sent many times. A [`Card`] cannot keep its JSON, since anyone holding a `&mut Card` can
/// change its public fields without it noticing; a `StaticCard` only ever hands out shared
/// references to its card, so the JSON made the first time stays right.
///
/// ```
/// use card_core::model::*;
///
/// static HELP: StaticCard = StaticCard::new(|| {
///     Card::new()
///         .header(Header::new("Help").template(HeaderTemplate::Blue))
///         .element(Markdown::new("Send **/deploy <service>** to deploy."))
/// });
///
/// let json: &'static str = HELP.json(); // built and serialized here, once
/// assert_eq!(json, HELP.card().to_json());
/// assert!(std::ptr::eq(json, HELP.json())); // later calls borrow the same text
/// assert_eq!(HELP.to_json(), json); // a copy, the body of a send
/// assert_eq!(HELP.to_value()["header"]["template"], "blue");
/// ```
///
/// With the `card!` macro of the `feishu-card` crate the function is the markup itself:
/// `static CONFIRM: StaticCard = StaticCard::new(|| card! { <card>…</card> });`.
///
/// # The function runs once
///
/// The function given to [`StaticCard::new`] runs the first time the card is used, and never
/// again: whatever it computes (a date, a counter, a setting read from the environment) is
/// computed once and kept for the life of the program. A static card is for content that does
/// not change; build a [`Card`] for each send when it does. If the function panics, the panic
/// reaches the caller and the next use runs the function again.
///
/// # Cost
///
/// The first use builds the card and, when the JSON is asked for, serializes it with
/// [`Card::to_json`]; every later [`json`](StaticCard::json) is a borrow and every
/// [`to_json`](StaticCard::to_json) a copy of those bytes. Several threads may use the card at
/// once: one of them builds it and the others wait for it.
///
/// # Changing it, checking it
///
/// A static card cannot be changed. To send a variant of it, take an ordinary card:
/// `CONFIRM.card().clone()` is a [`Card`] to change at will.
///
/// Everything that reads a [`Card`] reads a static card through [`card`](StaticCard::card)
/// (or through `Deref`, as `&*CONFIRM`): the validator with `feishu_card::validate(CONFIRM.card())`
/// or [`validate_slice`](crate::validate::validate_slice)`(CONFIRM.json().as_bytes())`, the
/// preview, and every method of `Card`.
pub struct StaticCard {
    build: fn() -> Card,
    card: OnceLock<Card>,
    json: OnceLock<String>,
}

impl StaticCard {
    /// A static card built by `build` on first use.
    ///
    /// `const`, so that it can initialize a `static`; a closure that captures nothing is a
    /// `fn() -> Card`:
    ///
    /// ```
    /// use card_core::model::{Card, Markdown, StaticCard};
    ///
    /// static MENU: StaticCard = StaticCard::new(|| Card::new().element(Markdown::new("**Menu**")));
    /// # assert_eq!(MENU.card().to_json(), MENU.json());
    /// ```
    pub const fn new(build: fn() -> Card) -> Self {
        StaticCard {
            build,
            card: OnceLock::new(),
            json: OnceLock::new(),
        }
    }

    /// The card, built by the function the first time it is asked for.
    ///
    /// To change it, clone it: `card().clone()` is an ordinary [`Card`].
    pub fn card(&self) -> &Card {
        self.card.get_or_init(self.build)
    }

    /// The card as compact JSON, [`Card::to_json`]'s text, made the first time it is asked for
    /// and borrowed after that.
    pub fn json(&self) -> &str {
        self.json.get_or_init(|| self.card().to_json())
    }

    /// A copy of the card's compact JSON ([`json`](StaticCard::json)), the body to send.
    pub fn to_json(&self) -> String {
        self.json().to_owned()
    }

    /// The card's compact JSON as bytes, a copy of [`json`](StaticCard::json).
    pub fn to_vec(&self) -> Vec<u8> {
        self.json().as_bytes().to_vec()
    }

    /// Appends the card's compact JSON to `out`: a copy of [`json`](StaticCard::json).
    pub fn write_json(&self, out: &mut String) {
        out.push_str(self.json());
    }

    /// The card as a JSON value, like [`Card::to_value`].
    pub fn to_value(&self) -> Value {
        self.card().to_value()
    }
}

/// The built card, as with [`StaticCard::card`]: a static card reads like a `&Card`, as a
/// `LazyLock<Card>` would.
impl Deref for StaticCard {
    type Target = Card;

    fn deref(&self) -> &Card {
        self.card()
    }
}

impl AsRef<Card> for StaticCard {
    fn as_ref(&self) -> &Card {
        self.card()
    }
}

/// Serializes the built card, the same value as [`StaticCard::json`].
impl Serialize for StaticCard {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.card().serialize(serializer)
    }
}

/// Shows the card's JSON (building it if it was not yet), not the function that builds it.
impl fmt::Debug for StaticCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticCard")
            .field("json", &self.json())
            .finish()
    }
}

//! Decoding what users submit: a form's `form_value` into a user's struct, a select's chosen
//! value into a user's enum.
//!
//! The derives `FormValue` and `SelectOptions` (re-exported by the `feishu-card` crate) implement
//! the traits of this module; the `card!` macro uses the hidden parts to check at compile time that
//! a form has exactly the fields its struct expects.
//!
//! What each component submits (spec `card-json-2.md` §3.4, callback shape in §5.1 of
//! `feishu-openapi.md`):
//!
//! | component | submits | decodes into |
//! |---|---|---|
//! | `input` | a string | `String`, integers, floats |
//! | `select_static`, `select_img` | a string | `String`, an enum deriving `SelectOptions` |
//! | `select_person` | an open_id | [`UserId`], `String` |
//! | `multi_select_static`, `select_img` (multi) | a list of strings | `Vec<String>`, `Vec<E>` of a `SelectOptions` enum |
//! | `multi_select_person` | a list of open_ids | `Vec<UserId>`, `Vec<String>` |
//! | `checker` | a boolean | `bool` |
//! | `date_picker` | `"2024-04-01 +0800"` | [`PickedDate`], `String` |
//! | `picker_time` | `"05:05 +0800"` | [`PickedTime`], `String` |
//! | `picker_datetime` | `"2024-04-01 19:19 +0800"` | [`PickedDateTime`], `String` |
//!
//! Any of them may be `Option<T>`: an absent or empty value is `None`.

use std::borrow::Cow;
use std::fmt;

use serde_json::{Map, Value};

use crate::diagnostic::json_kind;

/// Why a submitted form could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// The form is not a JSON object.
    #[error("form value must be a JSON object of field names to values, found {found}")]
    NotAnObject {
        /// What was found instead.
        found: &'static str,
    },
    /// A field the struct needs was not submitted.
    #[error("form field `{field}` is missing: make it `Option<_>` if the user may leave it out")]
    Missing {
        /// The form field name.
        field: Cow<'static, str>,
    },
    /// A field holds something its type cannot take.
    #[error("form field `{field}`: expected {expected}, found {found}")]
    Invalid {
        /// The form field name.
        field: Cow<'static, str>,
        /// What the field's type takes.
        expected: Cow<'static, str>,
        /// What was submitted, shortened.
        found: String,
    },
    /// A field the struct does not know (only with `#[form(deny_unknown)]`).
    #[error("form field `{field}` is not expected by `{target}`")]
    Unknown {
        /// The form field name.
        field: String,
        /// The struct's name.
        target: &'static str,
    },
}

/// A struct that a submitted form decodes into. Derive it with `#[derive(FormValue)]`.
pub trait FormValue: Sized {
    /// Decodes the `form_value` object of a `card.action.trigger` callback.
    fn from_form_value(form: &Map<String, Value>) -> Result<Self, FormError>;

    /// Decodes a `form_value` given as any JSON value (it must be an object).
    fn from_json(form: &Value) -> Result<Self, FormError> {
        match form {
            Value::Object(map) => Self::from_form_value(map),
            other => Err(FormError::NotAnObject {
                found: json_kind(other),
            }),
        }
    }
}

/// A type one form field decodes into.
pub trait FromFormField: Sized {
    /// What the type takes, for error messages ("a string", "a list of strings").
    const EXPECTED: &'static str;

    /// Decodes a submitted value; `Err` carries a short reason.
    fn from_field(value: &Value) -> Result<Self, String>;

    /// The value when the field was not submitted; `None` means the field is required.
    fn absent() -> Option<Self> {
        None
    }
}

/// An enum whose variants are the options of a select. Derive it with `#[derive(SelectOptions)]`.
pub trait SelectOptions: Sized + 'static {
    /// Every variant with its submitted value and its label, in declaration order.
    const OPTIONS: &'static [(Self, &'static str, &'static str)];

    /// The value Feishu submits for this variant.
    fn value(&self) -> &'static str;

    /// The label shown to the user.
    fn text(&self) -> &'static str;

    /// The variant whose value is `value`.
    fn from_value(value: &str) -> Option<Self>;
}

/// Why a callback's `value` could not be decoded into the expected type.
#[derive(Debug, thiserror::Error)]
#[error("callback value {found} does not decode into `{target}`: {source}")]
pub struct ValueError {
    /// The target type's name.
    pub target: &'static str,
    /// The value, shortened.
    pub found: String,
    /// What serde said.
    #[source]
    pub source: serde_json::Error,
}

/// Decodes the `value` a callback carries (`event.action.value`) back into the type it was made
/// from with `callback={…}` in `card!`: one source of truth for both directions.
///
/// ```
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// enum Action { Approve, Reject { reason: String } }
///
/// let sent = serde_json::to_value(Action::Reject { reason: "dup".into() }).unwrap();
/// let back: Action = card_core::form::decode_value(&sent).unwrap();
/// assert_eq!(back, Action::Reject { reason: "dup".into() });
/// ```
pub fn decode_value<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, ValueError> {
    T::deserialize(value).map_err(|source| ValueError {
        target: std::any::type_name::<T>(),
        found: shown(value),
        source,
    })
}

/// Decodes one named field of a form; used by the derive.
#[doc(hidden)]
pub fn field<T: FromFormField>(
    form: &Map<String, Value>,
    name: &'static str,
) -> Result<T, FormError> {
    match form.get(name) {
        None | Some(Value::Null) => T::absent().ok_or(FormError::Missing {
            field: Cow::Borrowed(name),
        }),
        Some(value) => T::from_field(value).map_err(|found| FormError::Invalid {
            field: Cow::Borrowed(name),
            expected: Cow::Borrowed(T::EXPECTED),
            found,
        }),
    }
}

/// Decodes the chosen option of a select; used by the `SelectOptions` derive.
#[doc(hidden)]
pub fn select_option_from_field<T: SelectOptions>(value: &Value) -> Result<T, String> {
    let s = as_str(value)?;
    T::from_value(s).ok_or_else(|| shown(value))
}

fn shown(v: &Value) -> String {
    let mut s = v.to_string();
    if s.len() > 60 {
        let mut cut = 57;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

fn as_str(v: &Value) -> Result<&str, String> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(shown(other)),
    }
}

impl FromFormField for String {
    const EXPECTED: &'static str = "a string";
    fn from_field(value: &Value) -> Result<Self, String> {
        as_str(value).map(str::to_owned)
    }
}

impl FromFormField for bool {
    const EXPECTED: &'static str = "a boolean";
    fn from_field(value: &Value) -> Result<Self, String> {
        match value {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s == "true" => Ok(true),
            Value::String(s) if s == "false" => Ok(false),
            other => Err(shown(other)),
        }
    }
}

macro_rules! numbers {
    ($($t:ty => $what:literal),* $(,)?) => {$(
        impl FromFormField for $t {
            const EXPECTED: &'static str = $what;
            fn from_field(value: &Value) -> Result<Self, String> {
                match value {
                    Value::String(s) => s.trim().parse().map_err(|_| shown(value)),
                    Value::Number(n) => n.to_string().parse().map_err(|_| shown(value)),
                    other => Err(shown(other)),
                }
            }
        }
    )*};
}

numbers! {
    i8 => "an integer (i8)", i16 => "an integer (i16)", i32 => "an integer (i32)",
    i64 => "an integer (i64)", i128 => "an integer (i128)", isize => "an integer (isize)",
    u8 => "a non-negative integer (u8)", u16 => "a non-negative integer (u16)",
    u32 => "a non-negative integer (u32)", u64 => "a non-negative integer (u64)",
    u128 => "a non-negative integer (u128)", usize => "a non-negative integer (usize)",
    f32 => "a number", f64 => "a number",
}

impl<T: FromFormField> FromFormField for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn from_field(value: &Value) -> Result<Self, String> {
        match value {
            Value::String(s) if s.is_empty() => Ok(None),
            Value::Array(a) if a.is_empty() => Ok(None),
            other => T::from_field(other).map(Some),
        }
    }
    fn absent() -> Option<Self> {
        Some(None)
    }
}

impl<T: FromListItem> FromFormField for Vec<T> {
    const EXPECTED: &'static str = "a list of strings";
    fn from_field(value: &Value) -> Result<Self, String> {
        match value {
            Value::Array(items) => items.iter().map(T::from_item).collect(),
            other => Err(shown(other)),
        }
    }
}

/// An item of a list submitted by a multi-select.
pub trait FromListItem: Sized {
    /// Decodes one item.
    fn from_item(value: &Value) -> Result<Self, String>;
}

impl FromListItem for String {
    fn from_item(value: &Value) -> Result<Self, String> {
        as_str(value).map(str::to_owned)
    }
}

impl<T: SelectOptions> FromListItem for T {
    fn from_item(value: &Value) -> Result<Self, String> {
        let s = as_str(value)?;
        T::from_value(s).ok_or_else(|| shown(value))
    }
}

impl FromListItem for UserId {
    fn from_item(value: &Value) -> Result<Self, String> {
        as_str(value).map(|s| UserId(s.to_owned()))
    }
}

/// A user picked with `select_person` or `multi_select_person`: an open_id (`ou_…`).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct UserId(pub String);

impl UserId {
    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromFormField for UserId {
    const EXPECTED: &'static str = "a user id";
    fn from_field(value: &Value) -> Result<Self, String> {
        as_str(value).map(|s| UserId(s.to_owned()))
    }
}

/// A UTC offset as submitted by the pickers (`+0800`), in minutes east of UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Offset {
    /// Minutes east of UTC (`+0800` is 480).
    pub minutes: i16,
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minutes < 0 { '-' } else { '+' };
        let m = self.minutes.unsigned_abs();
        write!(f, "{sign}{:02}{:02}", m / 60, m % 60)
    }
}

/// A date from `date_picker`: `"2024-04-01 +0800"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PickedDate {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of month, 1–31.
    pub day: u8,
    /// The user's UTC offset.
    pub offset: Offset,
}

/// A time from `picker_time`: `"05:05 +0800"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PickedTime {
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// The user's UTC offset.
    pub offset: Offset,
}

/// A date and time from `picker_datetime`: `"2024-04-01 19:19 +0800"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PickedDateTime {
    /// The date part (its `offset` is the same as `time.offset`).
    pub date: PickedDate,
    /// The time part.
    pub time: PickedTime,
}

impl fmt::Display for PickedDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {}",
            self.year, self.month, self.day, self.offset
        )
    }
}

impl fmt::Display for PickedTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02} {}", self.hour, self.minute, self.offset)
    }
}

impl fmt::Display for PickedDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.date;
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02} {}",
            d.year, d.month, d.day, self.time.hour, self.time.minute, self.time.offset
        )
    }
}

fn digits<T: std::str::FromStr>(s: &str, len: usize) -> Option<T> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn parse_offset(s: &str) -> Option<Offset> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let rest = rest.replace(':', "");
    let h: i16 = digits(rest.get(..2)?, 2)?;
    let m: i16 = digits(rest.get(2..)?, 2)?;
    (h <= 23 && m <= 59).then_some(Offset {
        minutes: sign * (h * 60 + m),
    })
}

fn parse_date(s: &str, offset: Offset) -> Option<PickedDate> {
    let mut parts = s.split('-');
    let year = digits(parts.next()?, 4)?;
    let month: u8 = digits(parts.next()?, 2)?;
    let day: u8 = digits(parts.next()?, 2)?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(PickedDate {
        year,
        month,
        day,
        offset,
    })
}

fn parse_time(s: &str, offset: Offset) -> Option<PickedTime> {
    let (h, m) = s.split_once(':')?;
    let hour: u8 = digits(h, 2)?;
    let minute: u8 = digits(m, 2)?;
    (hour <= 23 && minute <= 59).then_some(PickedTime {
        hour,
        minute,
        offset,
    })
}

impl std::str::FromStr for PickedDate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (date, off) = s.split_once(' ').ok_or_else(|| s.to_owned())?;
        parse_offset(off)
            .and_then(|o| parse_date(date, o))
            .ok_or_else(|| s.to_owned())
    }
}

impl std::str::FromStr for PickedTime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (time, off) = s.split_once(' ').ok_or_else(|| s.to_owned())?;
        parse_offset(off)
            .and_then(|o| parse_time(time, o))
            .ok_or_else(|| s.to_owned())
    }
}

impl std::str::FromStr for PickedDateTime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut it = s.split(' ');
        let (Some(d), Some(t), Some(o), None) = (it.next(), it.next(), it.next(), it.next()) else {
            return Err(s.to_owned());
        };
        let offset = parse_offset(o).ok_or_else(|| s.to_owned())?;
        let date = parse_date(d, offset).ok_or_else(|| s.to_owned())?;
        let time = parse_time(t, offset).ok_or_else(|| s.to_owned())?;
        Ok(PickedDateTime { date, time })
    }
}

macro_rules! picked {
    ($($t:ty => $what:literal),*) => {$(
        impl FromFormField for $t {
            const EXPECTED: &'static str = $what;
            fn from_field(value: &Value) -> Result<Self, String> {
                as_str(value)?.parse().map_err(|_| shown(value))
            }
        }
    )*};
}

picked! {
    PickedDate => "a date like \"2024-04-01 +0800\"",
    PickedTime => "a time like \"05:05 +0800\"",
    PickedDateTime => "a date and time like \"2024-04-01 19:19 +0800\""
}

#[cfg(feature = "chrono")]
mod chrono_impls {
    use super::*;
    use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};

    impl Offset {
        /// As a chrono offset.
        pub fn to_chrono(self) -> FixedOffset {
            FixedOffset::east_opt(i32::from(self.minutes) * 60)
                .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero is a valid offset"))
        }
    }

    impl PickedDate {
        /// The calendar date (the offset is dropped; keep it from [`PickedDate::offset`]).
        pub fn to_naive(self) -> Option<NaiveDate> {
            NaiveDate::from_ymd_opt(self.year, self.month.into(), self.day.into())
        }
    }

    impl PickedTime {
        /// The wall-clock time (the offset is dropped; keep it from [`PickedTime::offset`]).
        pub fn to_naive(self) -> Option<NaiveTime> {
            NaiveTime::from_hms_opt(self.hour.into(), self.minute.into(), 0)
        }
    }

    impl PickedDateTime {
        /// The instant, in the user's offset.
        pub fn to_chrono(self) -> Option<DateTime<FixedOffset>> {
            let naive = self.date.to_naive()?.and_time(self.time.to_naive()?);
            self.time
                .offset
                .to_chrono()
                .from_local_datetime(&naive)
                .single()
        }
    }

    impl FromFormField for DateTime<FixedOffset> {
        const EXPECTED: &'static str = "a date and time like \"2024-04-01 19:19 +0800\"";
        fn from_field(value: &Value) -> Result<Self, String> {
            as_str(value)?
                .parse::<PickedDateTime>()
                .ok()
                .and_then(PickedDateTime::to_chrono)
                .ok_or_else(|| shown(value))
        }
    }
}

/// Compile-time link between `card!` forms and `FormValue` structs. Not public API.
#[doc(hidden)]
pub mod link {
    use std::marker::PhantomData;

    /// One field of a form struct, typed by the struct field's type.
    pub struct Slot<T>(PhantomData<fn() -> T>);

    impl<T> Slot<T> {
        /// A slot.
        pub const fn new() -> Self {
            Slot(PhantomData)
        }
    }

    impl<T> Default for Slot<T> {
        fn default() -> Self {
            Self::new()
        }
    }

    /// Types that can hold one submitted string (input, select_static, select_img, select_person).
    #[diagnostic::on_unimplemented(
        message = "a field of type `{Self}` cannot hold what this component submits (one string)",
        label = "submits one string",
        note = "use `String`, a number type, `UserId`, or an enum deriving `SelectOptions` (wrap it in `Option<_>` if it may be left empty)"
    )]
    pub trait TakesText {}
    /// Types that can hold a submitted list (multi_select_static, multi_select_person, select_img multi).
    #[diagnostic::on_unimplemented(
        message = "a field of type `{Self}` cannot hold what this component submits (a list of strings)",
        label = "submits a list of strings",
        note = "use `Vec<String>`, `Vec<UserId>`, or `Vec<E>` of an enum deriving `SelectOptions`"
    )]
    pub trait TakesList {}
    /// Types that can hold a checker's state.
    #[diagnostic::on_unimplemented(
        message = "a field of type `{Self}` cannot hold what this component submits (a boolean)",
        label = "submits a boolean",
        note = "use `bool`"
    )]
    pub trait TakesBool {}
    /// Types that can hold a picked date.
    #[diagnostic::on_unimplemented(
        message = "a field of type `{Self}` cannot hold what this component submits (a date like \"2024-04-01 +0800\")",
        label = "submits a date",
        note = "use `PickedDate` or `String`"
    )]
    pub trait TakesDate {}
    /// Types that can hold a picked time.
    #[diagnostic::on_unimplemented(
        message = "a field of type `{Self}` cannot hold what this component submits (a time like \"05:05 +0800\")",
        label = "submits a time",
        note = "use `PickedTime` or `String`"
    )]
    pub trait TakesTime {}
    /// Types that can hold a picked date and time.
    #[diagnostic::on_unimplemented(
        message = "a field of type `{Self}` cannot hold what this component submits (a date and time like \"2024-04-01 19:19 +0800\")",
        label = "submits a date and time",
        note = "use `PickedDateTime`, `String`, or (feature `chrono`) `chrono::DateTime<FixedOffset>`"
    )]
    pub trait TakesDateTime {}

    macro_rules! takes {
        ($tr:ident: $($t:ty),*) => {$( impl $tr for $t {} )*};
    }
    takes!(TakesText: String, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64, super::UserId);
    takes!(TakesList: Vec<String>, Vec<super::UserId>);
    takes!(TakesBool: bool);
    takes!(TakesDate: String, super::PickedDate);
    takes!(TakesTime: String, super::PickedTime);
    takes!(TakesDateTime: String, super::PickedDateTime);
    #[cfg(feature = "chrono")]
    takes!(TakesDateTime: chrono::DateTime<chrono::FixedOffset>);

    impl<T: super::SelectOptions> TakesList for Vec<T> {}

    impl<T: TakesText> TakesText for Option<T> {}
    impl<T: TakesList> TakesList for Option<T> {}
    impl<T: TakesBool> TakesBool for Option<T> {}
    impl<T: TakesDate> TakesDate for Option<T> {}
    impl<T: TakesTime> TakesTime for Option<T> {}
    impl<T: TakesDateTime> TakesDateTime for Option<T> {}

    /// A slot for a field that must take one string (checked by the trait bound).
    pub const fn text<T: TakesText>() -> Slot<T> {
        Slot::new()
    }
    /// A slot for a field that must take a list (checked by the trait bound).
    pub const fn list<T: TakesList>() -> Slot<T> {
        Slot::new()
    }
    /// A slot for a field that must take a boolean (checked by the trait bound).
    pub const fn boolean<T: TakesBool>() -> Slot<T> {
        Slot::new()
    }
    /// A slot for a field that must take a date (checked by the trait bound).
    pub const fn date<T: TakesDate>() -> Slot<T> {
        Slot::new()
    }
    /// A slot for a field that must take a time (checked by the trait bound).
    pub const fn time<T: TakesTime>() -> Slot<T> {
        Slot::new()
    }
    /// A slot for a field that must take a date and time (checked by the trait bound).
    pub const fn datetime<T: TakesDateTime>() -> Slot<T> {
        Slot::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pickers_keep_the_offset() {
        let d: PickedDate = "2024-04-01 +0800".parse().unwrap();
        assert_eq!(
            (d.year, d.month, d.day, d.offset.minutes),
            (2024, 4, 1, 480)
        );
        assert_eq!(d.to_string(), "2024-04-01 +0800");
        let t: PickedTime = "05:05 -0330".parse().unwrap();
        assert_eq!((t.hour, t.minute, t.offset.minutes), (5, 5, -210));
        assert_eq!(t.to_string(), "05:05 -0330");
        let dt: PickedDateTime = "2025-06-10 19:19 +0800".parse().unwrap();
        assert_eq!(dt.to_string(), "2025-06-10 19:19 +0800");
        assert!("2025-13-10 19:19 +0800".parse::<PickedDateTime>().is_err());
        assert!("2025-06-10 24:00 +0800".parse::<PickedDateTime>().is_err());
        assert!("2025-06-10".parse::<PickedDate>().is_err());
        assert!("".parse::<PickedTime>().is_err());
    }

    #[test]
    fn fields_decode_with_named_errors() {
        let form = json!({"n": "42", "b": true, "l": ["a", "b"], "s": "x", "e": ""});
        let form = form.as_object().unwrap();
        assert_eq!(field::<u32>(form, "n"), Ok(42));
        assert_eq!(field::<bool>(form, "b"), Ok(true));
        assert_eq!(
            field::<Vec<String>>(form, "l"),
            Ok(vec!["a".into(), "b".into()])
        );
        assert_eq!(field::<Option<String>>(form, "missing"), Ok(None));
        assert_eq!(field::<Option<String>>(form, "e"), Ok(None));
        let err = field::<u32>(form, "s").unwrap_err();
        assert_eq!(
            err.to_string(),
            "form field `s`: expected a non-negative integer (u32), found \"x\""
        );
        let err = field::<String>(form, "missing").unwrap_err();
        assert!(err.to_string().contains("`missing` is missing"));
        assert!(field::<String>(form, "l").is_err());
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_types_keep_the_offset() {
        let dt = "2024-04-01 19:19 +0800"
            .parse::<PickedDateTime>()
            .unwrap()
            .to_chrono()
            .unwrap();
        assert_eq!(dt.to_rfc3339(), "2024-04-01T19:19:00+08:00");
        let form = json!({"at": "2024-04-01 19:19 -0330"});
        let at: chrono::DateTime<chrono::FixedOffset> =
            field(form.as_object().unwrap(), "at").unwrap();
        assert_eq!(at.offset().local_minus_utc(), -(3 * 3600 + 30 * 60));
        let d: PickedDate = "2024-02-30 +0000".parse().unwrap();
        assert_eq!(
            d.to_naive(),
            None,
            "a day that does not exist has no chrono date"
        );
    }
}

//! A compact JSON writer for cards, byte for byte the output of `serde_json::to_string`.
//!
//! serde_json escapes a string by looking at each byte on its own; a card is mostly text (and
//! CJK text is three bytes a character), so that loop is the largest single cost of
//! serializing one. This writer first tests a string for the bytes JSON must escape (`"`, `\`
//! and control characters) eight bytes at a time, with word arithmetic, and copies a string
//! that has none (nearly all of them) in one piece.
//!
//! Model values write themselves through [`WriteJson`]: a struct writes each key it has as one
//! prepared piece (`,"content":`) and calls its fields' writers directly, instead of going
//! through serde's calls for every key and value. Types without a writer of their own, and
//! anything serialized through serde, use the `serde::Serializer` of this module.
//!
//! Everything else follows serde_json's compact format exactly: integers through `itoa`,
//! finite floats through serde_json's own formatter (non-finite ones as `null`), the same
//! escapes (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, `\u00XX` with lowercase hex for the
//! other control bytes; everything else, non-ASCII included, as it is), enum variants as
//! `{"variant":…}`, bytes as an array of numbers. Map keys must be strings (or integers,
//! booleans, chars and finite floats, which are quoted); any other key is an error, as with
//! serde_json.

use std::fmt;

use serde::ser::{self, Serialize};
use serde_json::ser::{CompactFormatter, Formatter};

/// Why a value could not be written as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Whether JSON needs a byte escaped inside a string: control characters, `"` and `\`.
static ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Whether any of the eight bytes of `word` needs escaping, tested on all eight at once.
///
/// `x - 0x01…01 * n & !x & 0x80…80` is non-zero exactly when some byte of `x` is below `n`
/// (for `n` ≤ 0x80); a byte equal to `c` is a zero byte of `x ^ 0x01…01 * c`.
#[inline(always)]
fn word_needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    let control = below(word, 0x20);
    let quote = below(word ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(word ^ (ONES * u64::from(b'\\')), 1);
    control | quote | backslash != 0
}

/// Appends the escape of `byte`, one of the bytes [`ESCAPE`] marks.
fn write_escape(out: &mut String, byte: u8) {
    let escaped = match byte {
        b'"' => "\\\"",
        b'\\' => "\\\\",
        b'\n' => "\\n",
        b'\r' => "\\r",
        b'\t' => "\\t",
        0x08 => "\\b",
        0x0c => "\\f",
        other => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(other >> 4)]));
            out.push(char::from(HEX[usize::from(other & 0xf)]));
            return;
        }
    };
    out.push_str(escaped);
}

/// Eight bytes as one word; a word of spaces (nothing to escape) if `bytes` is shorter.
#[inline(always)]
fn load8(bytes: &[u8]) -> u64 {
    bytes
        .get(..8)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map_or(u64::from_le_bytes([b' '; 8]), u64::from_le_bytes)
}

/// Four bytes as one word; a word of spaces if `bytes` is shorter.
#[inline(always)]
fn load4(bytes: &[u8]) -> u32 {
    bytes
        .get(..4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(u32::from_le_bytes([b' '; 4]), u32::from_le_bytes)
}

/// Whether any byte of `bytes` needs escaping, eight bytes at a time.
///
/// The last, partial word is read as the string's last eight bytes, overlapping the previous
/// word; a string of four to seven bytes is read as its first and last four; most keys and
/// values of a card are that short.
#[inline(always)]
fn needs_escape(bytes: &[u8]) -> bool {
    let len = bytes.len();
    if len >= 8 {
        let mut words = bytes.chunks_exact(8);
        // No early exit: escapes are rare, and a loop without one stays branch-free.
        let mut any = false;
        for word in &mut words {
            any |= word_needs_escape(load8(word));
        }
        if !words.remainder().is_empty() {
            any |= word_needs_escape(load8(bytes.get(len - 8..).unwrap_or_default()));
        }
        any
    } else if len >= 4 {
        let first = u64::from(load4(bytes));
        let last = u64::from(load4(bytes.get(len - 4..).unwrap_or_default()));
        word_needs_escape(first | last << 32)
    } else {
        bytes.iter().any(|&b| ESCAPE[usize::from(b)])
    }
}

/// Appends `s` as a quoted JSON string.
#[inline]
pub(crate) fn write_str(out: &mut String, s: &str) {
    if needs_escape(s.as_bytes()) {
        write_escaped(out, s);
    } else {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

/// Appends `s`, which has bytes to escape, as a quoted, escaped JSON string; the runs between
/// those bytes are copied whole.
#[cold]
fn write_escaped(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Every byte that needs escaping is ASCII, so the runs' ends are char boundaries.
    let mut start = 0;
    for (i, &byte) in s.as_bytes().iter().enumerate() {
        if ESCAPE[usize::from(byte)] {
            out.push_str(s.get(start..i).unwrap_or_default());
            write_escape(out, byte);
            start = i + 1;
        }
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

/// Formats a finite float with serde_json's own formatter, so that the digits are the same
/// whatever algorithm the serde_json in use chooses.
fn format_float(
    out: &mut String,
    quote: bool,
    write: impl FnOnce(&mut &mut [u8]) -> std::io::Result<()>,
) -> Result<(), Error> {
    // The longest float serde_json writes is 24 bytes (`-2.2250738585072014e-308`).
    let mut buffer = [0u8; 40];
    let capacity = buffer.len();
    let mut rest = &mut buffer[..];
    write(&mut rest).map_err(|e| Error(format!("cannot format a float: {e}")))?;
    let len = capacity - rest.len();
    let text = buffer
        .get(..len)
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .ok_or_else(|| Error("cannot format a float".to_owned()))?;
    if quote {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        out.push_str(text);
    }
    Ok(())
}

fn write_f64(out: &mut String, value: f64, quote: bool) -> Result<(), Error> {
    if value.is_finite() {
        format_float(out, quote, |w| CompactFormatter.write_f64(w, value))
    } else if quote {
        Err(float_key_must_be_finite())
    } else {
        out.push_str("null");
        Ok(())
    }
}

fn write_f32(out: &mut String, value: f32, quote: bool) -> Result<(), Error> {
    if value.is_finite() {
        format_float(out, quote, |w| CompactFormatter.write_f32(w, value))
    } else if quote {
        Err(float_key_must_be_finite())
    } else {
        out.push_str("null");
        Ok(())
    }
}

fn float_key_must_be_finite() -> Error {
    Error("float key must be finite (got NaN or +/-inf)".to_owned())
}

fn write_int<I: itoa::Integer>(out: &mut String, value: I) {
    out.push_str(itoa::Buffer::new().format(value));
}

/// Appends `text` in quotes, as it is.
fn quoted(out: &mut String, text: &str) -> Result<(), Error> {
    out.push('"');
    out.push_str(text);
    out.push('"');
    Ok(())
}

/// The ten `serialize_{integer}` methods of a serializer with an `out: &mut String` field:
/// `integers!(|out, v| …)` writes each one's body.
macro_rules! integers {
    (|$out:ident, $v:ident| $write:expr) => {
        integers!(@methods [$out $v $write]
            serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
            serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
            serialize_u64: u64, serialize_u128: u128);
    };
    (@methods [$out:ident $v:ident $write:expr] $($method:ident: $t:ty),*) => {$(
        fn $method(self, $v: $t) -> Result<(), Error> {
            let $out = &mut *self.out;
            $write
        }
    )*};
}

/// The serializer: a `serde::Serializer` appending to a `String`.
struct Writer<'a> {
    out: &'a mut String,
}

/// A sequence or map being written: whether the next item is the first.
struct Compound<'w, 'a> {
    writer: &'w mut Writer<'a>,
    first: bool,
    /// What closes the compound: `]`, `}`, `]}` or `}}` (variants are wrapped in an object).
    close: &'static str,
}

impl Compound<'_, '_> {
    fn comma(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.writer.out.push(',');
        }
    }

    fn end(self) {
        self.writer.out.push_str(self.close);
    }
}

impl<'w, 'a> ser::Serializer for &'w mut Writer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'w, 'a>;
    type SerializeTuple = Compound<'w, 'a>;
    type SerializeTupleStruct = Compound<'w, 'a>;
    type SerializeTupleVariant = Compound<'w, 'a>;
    type SerializeMap = Compound<'w, 'a>;
    type SerializeStruct = Compound<'w, 'a>;
    type SerializeStructVariant = Compound<'w, 'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    integers!(|out, v| {
        write_int(out, v);
        Ok(())
    });

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        write_f32(self.out, v, false)
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        write_f64(self.out, v, false)
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        write_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_str(self.out, v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.out.push('[');
        for (i, byte) in v.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write_int(self.out, *byte);
        }
        self.out.push(']');
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.out.push_str("null");
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.out.push_str("null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        write_str(self.out, variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.out.push('{');
        write_str(self.out, variant);
        self.out.push(':');
        value.serialize(&mut *self)?;
        self.out.push('}');
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'w, 'a>, Error> {
        self.out.push('[');
        Ok(Compound {
            writer: self,
            first: true,
            close: "]",
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'w, 'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'w, 'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a>, Error> {
        self.out.push('{');
        write_str(self.out, variant);
        self.out.push_str(":[");
        Ok(Compound {
            writer: self,
            first: true,
            close: "]}",
        })
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'w, 'a>, Error> {
        self.out.push('{');
        Ok(Compound {
            writer: self,
            first: true,
            close: "}",
        })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'w, 'a>, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a>, Error> {
        self.out.push('{');
        write_str(self.out, variant);
        self.out.push_str(":{");
        Ok(Compound {
            writer: self,
            first: true,
            close: "}}",
        })
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.comma();
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self);
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self);
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self);
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self);
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.comma();
        key.serialize(KeyWriter {
            out: self.writer.out,
        })
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.writer.out.push(':');
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self);
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.comma();
        write_str(self.writer.out, key);
        self.writer.out.push(':');
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self);
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }

    fn end(self) -> Result<(), Error> {
        Compound::end(self);
        Ok(())
    }
}

/// Writes a map key: a string as it is, integers, booleans and finite floats quoted.
struct KeyWriter<'a> {
    out: &'a mut String,
}

fn key_must_be_a_string() -> Error {
    Error("key must be a string".to_owned())
}

impl KeyWriter<'_> {
    fn quoted(self, text: &str) -> Result<(), Error> {
        quoted(self.out, text)
    }
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_str(self.out, v);
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        write_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.quoted(if v { "true" } else { "false" })
    }

    integers!(|out, v| quoted(out, itoa::Buffer::new().format(v)));

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        write_f32(self.out, v, true)
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        write_f64(self.out, v, true)
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_none(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn ours<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
        let mut out = String::new();
        write_serde(&mut out, value).map(|()| out)
    }

    #[test]
    fn strings_are_escaped_like_serde_json() {
        let mut every_ascii = String::new();
        for b in 0u8..0x80 {
            every_ascii.push(char::from(b));
        }
        for s in [
            "",
            "plain",
            "待处理工单 — no escapes at all, longer than sixteen bytes",
            "\"quoted\" and \\ back",
            "tab\there, newline\n, cr\r, \u{8}\u{c}\u{1}\u{1f}\u{7f}",
            &every_ascii,
            "0123456789abcde\"",
            "0123456789abcdef\"",
            "é\u{0}ü😀\n",
        ] {
            assert_eq!(ours(s).unwrap(), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn the_word_test_agrees_with_the_table() {
        let interesting = [
            0u8, 1, 0x1f, 0x20, b'!', b'"', b'#', b'[', b'\\', b']', 0x7f, 0x80, 0xa2, 0xdc, 0xff,
        ];
        for &a in &interesting {
            for &b in &interesting {
                for position in 0..8 {
                    for filler in [b'a', 0xe5, 0x21] {
                        let mut array = [filler; 8];
                        array[position] = a;
                        array[(position + 3) % 8] = b;
                        let expected = array.iter().any(|&x| ESCAPE[usize::from(x)]);
                        assert_eq!(
                            word_needs_escape(u64::from_le_bytes(array)),
                            expected,
                            "{array:?}"
                        );
                    }
                }
            }
        }
        for byte in 0..=255u8 {
            assert_eq!(
                word_needs_escape(u64::from_le_bytes([byte; 8])),
                ESCAPE[usize::from(byte)]
            );
            assert_eq!(
                ESCAPE[usize::from(byte)],
                byte < 0x20 || byte == b'"' || byte == b'\\'
            );
        }
    }

    #[test]
    fn numbers_and_shapes_are_written_like_serde_json() {
        #[derive(Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(i32, f32),
            Struct { a: f64 },
        }
        let value = (
            json!({"b": [1, -2, 3.5, 1e300, null, true, "x"], "a": {}}),
            [
                E::Unit,
                E::New(7),
                E::Tuple(-1, 0.1),
                E::Struct { a: f64::NAN },
            ],
            (
                u128::MAX,
                i128::MIN,
                f32::INFINITY,
                'c',
                (),
                1.5e-7f32,
                -0.0f64,
            ),
            serde_bytes_like(),
        );
        assert_eq!(
            ours(&value).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
    }

    fn serde_bytes_like() -> BTreeMap<i32, bool> {
        BTreeMap::from([(-3, true), (10, false)])
    }

    #[test]
    fn non_string_keys_are_an_error() {
        let map = BTreeMap::from([((1, 2), "v")]);
        assert!(serde_json::to_string(&map).is_err());
        assert_eq!(ours(&map).unwrap_err().to_string(), "key must be a string");
    }
}

/// A model value that writes itself as compact JSON, straight into the output.
///
/// The bytes are exactly those of the value's `Serialize` impl through serde_json; the
/// difference is the path: a struct writes each key it has with its quotes, colon and comma as
/// one prepared piece (`"content":`) and calls its fields' writers directly, where serde would
/// call the serializer once for the key, once for the value, and escape-check the key each
/// time. `Card::to_json` and its siblings use it; `Serialize` stays for everything else.
pub(crate) trait WriteJson {
    /// Appends the value to `out`.
    fn write_json(&self, out: &mut String) -> Result<(), Error>;
}

/// A model struct written as JSON object members, so that a tagged enum can put its tag first.
pub(crate) trait WriteFields {
    /// Appends the members, each `"key":value`, preceded by a comma unless `first`.
    fn write_fields(&self, out: &mut String, first: bool) -> Result<(), Error>;
}

/// Starts a member: the comma (unless it is the first) and `"key":`, prepared by the caller.
#[inline(always)]
pub(crate) fn member(out: &mut String, first: &mut bool, key: &'static str) {
    if *first {
        *first = false;
    } else {
        out.push(',');
    }
    out.push_str(key);
}

/// A struct as an object.
#[inline]
pub(crate) fn write_object<T: WriteFields + ?Sized>(
    out: &mut String,
    value: &T,
) -> Result<(), Error> {
    out.push('{');
    value.write_fields(out, true)?;
    out.push('}');
    Ok(())
}

/// A struct as an object led by its tag: `open` is the prepared `{"tag":"markdown"`.
#[inline]
pub(crate) fn write_tagged<T: WriteFields + ?Sized>(
    out: &mut String,
    open: &'static str,
    value: &T,
) -> Result<(), Error> {
    out.push_str(open);
    value.write_fields(out, false)?;
    out.push('}');
    Ok(())
}

/// Appends a value through its `Serialize` impl, for the few types without a writer of their own.
pub(crate) fn write_serde<T: Serialize + ?Sized>(out: &mut String, value: &T) -> Result<(), Error> {
    value.serialize(&mut Writer { out })
}

impl<T: WriteJson + ?Sized> WriteJson for &T {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        (**self).write_json(out)
    }
}

impl<T: WriteJson + ?Sized> WriteJson for Box<T> {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        (**self).write_json(out)
    }
}

impl<T: WriteJson> WriteJson for Option<T> {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        match self {
            Some(value) => value.write_json(out),
            None => {
                out.push_str("null");
                Ok(())
            }
        }
    }
}

impl<T: WriteJson> WriteJson for [T] {
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        out.push('[');
        let mut items = self.iter();
        if let Some(item) = items.next() {
            item.write_json(out)?;
            for item in items {
                out.push(',');
                item.write_json(out)?;
            }
        }
        out.push(']');
        Ok(())
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        self.as_slice().write_json(out)
    }
}

macro_rules! write_strings {
    ($($t:ty),*) => {$(
        impl WriteJson for $t {
            #[inline]
            fn write_json(&self, out: &mut String) -> Result<(), Error> {
                write_str(out, self);
                Ok(())
            }
        }
    )*};
}

write_strings!(str, String, std::borrow::Cow<'_, str>);

impl WriteJson for bool {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        out.push_str(if *self { "true" } else { "false" });
        Ok(())
    }
}

macro_rules! write_ints {
    ($($t:ty),*) => {$(
        impl WriteJson for $t {
            #[inline]
            fn write_json(&self, out: &mut String) -> Result<(), Error> {
                write_int(out, *self);
                Ok(())
            }
        }
    )*};
}

write_ints!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl WriteJson for f64 {
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        write_f64(out, *self, false)
    }
}

impl WriteJson for f32 {
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        write_f32(out, *self, false)
    }
}

/// A map key: written as a JSON string.
pub(crate) trait JsonKey {
    /// The key's text.
    fn key_str(&self) -> &str;
}

impl JsonKey for String {
    fn key_str(&self) -> &str {
        self
    }
}

impl JsonKey for std::borrow::Cow<'_, str> {
    fn key_str(&self) -> &str {
        self
    }
}

/// Appends a JSON object of these members, in this order.
pub(crate) fn write_members<'a, V: WriteJson + 'a>(
    out: &mut String,
    members: impl IntoIterator<Item = (&'a str, &'a V)>,
) -> Result<(), Error> {
    out.push('{');
    let mut first = true;
    for (key, value) in members {
        if first {
            first = false;
        } else {
            out.push(',');
        }
        write_str(out, key);
        out.push(':');
        value.write_json(out)?;
    }
    out.push('}');
    Ok(())
}

impl<K: JsonKey, V: WriteJson> WriteJson for std::collections::BTreeMap<K, V> {
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        write_members(out, self.iter().map(|(k, v)| (k.key_str(), v)))
    }
}

impl WriteJson for serde_json::Number {
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        if let Some(u) = self.as_u64() {
            write_int(out, u);
            Ok(())
        } else if let Some(i) = self.as_i64() {
            write_int(out, i);
            Ok(())
        } else {
            // Neither integer: serde_json keeps it as a finite float.
            write_serde(out, self)
        }
    }
}

impl WriteJson for serde_json::Value {
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        use serde_json::Value;
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => return b.write_json(out),
            Value::Number(n) => return n.write_json(out),
            Value::String(s) => write_str(out, s),
            Value::Array(items) => return items.write_json(out),
            Value::Object(map) => return map.write_json(out),
        }
        Ok(())
    }
}

impl WriteJson for serde_json::Map<String, serde_json::Value> {
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        write_members(out, self.iter().map(|(k, v)| (k.as_str(), v)))
    }
}

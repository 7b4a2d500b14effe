//! The two shapes every type of the model is written in.
//!
//! `model_struct!` turns a plain struct definition into a JSON object of the format: it adds the
//! derives, keeps the properties it does not know in a public `unknown` field (see
//! [`Unknown`](super::Unknown)), skips `None` on
//! output (so that no default is ever invented), lists the JSON keys in `FIELDS`, and writes one
//! chained setter per field. `string_enum!` turns a list of spellings into an enum with `as_str`,
//! `FromStr`, `Display` and serde impls that use exactly those spellings.

/// A value written as a string literal in `card!` markup and checked against the registry at
/// compile time: an enum spelling, a width, a spacing… The macro's code turns the literal into
/// the field's type through this trait, chosen by inference.
pub trait Literal: Sized {
    /// The value of a literal the macro has already checked.
    fn literal(s: &'static str) -> Self;
}

/// Defines a model struct. Fields are written as in Rust; `Option<_>` fields become optional
/// properties; a field named `tag` holds the object's tag marker and gets no setter; a field
/// may be preceded by `@serde(...)` for extra serde attributes.
macro_rules! model_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($body:tt)*
        }
    ) => {
        model_struct!(@munch
            meta [$(#[$meta])*] name [$name]
            ctx [self out first] fields [] setters [] names [] writes [] serde_only [] attrs [] holds [] fielded []
            rest [$($body)*]
        );
    };

    // The tag marker: serialized, checked on input, never set by hand.
    (@munch meta $meta:tt name $name:tt ctx [$s:tt $out:ident $first:ident]
        fields [$($fields:tt)*] setters $setters:tt names [$($names:tt)*]
        writes [$($writes:tt)*] serde_only $serde_only:tt
        attrs [$($attrs:tt)*] holds [$($holds:tt)*] fielded [$($fielded:tt)*]
        rest [ $(#[doc = $doc:literal])* tag : $t:ty, $($rest:tt)* ]
    ) => {
        model_struct!(@munch meta $meta name $name ctx [$s $out $first]
            fields [$($fields)*
                $(#[doc = $doc])*
                #[serde(
                    default = "crate::model::common::omitted_tag",
                    skip_serializing_if = "crate::model::common::tag_is_omitted"
                )]
                pub tag: $t,
            ]
            setters $setters
            names [$($names)* tag]
            writes [$($writes)*
                if !crate::model::common::tag_is_omitted(&$s.tag) {
                    crate::model::json::member($out, &mut $first, "\"tag\":");
                    crate::model::json::WriteJson::write_json(&$s.tag, $out)?;
                }
            ]
            serde_only $serde_only
            attrs [$($attrs)*] holds [$($holds)*] fielded [$($fielded)*]
            rest [$($rest)*]
        );
    };

    // An optional count: the setter takes `u32` itself, so that a bare literal (`.rows(3)`)
    // infers instead of defaulting to `i32`.
    (@munch meta $meta:tt name $name:tt ctx [$s:tt $out:ident $first:ident]
        fields [$($fields:tt)*] setters [$($setters:tt)*] names [$($names:tt)*]
        writes [$($writes:tt)*] serde_only $serde_only:tt
        attrs [$($attrs:tt)*] holds [$($holds:tt)*] fielded [$($fielded:tt)*]
        rest [ $(#[doc = $doc:literal])* $(#[attr($at:expr)])? $f:ident : Option<u32>, $($rest:tt)* ]
    ) => {
        model_struct!(@munch meta $meta name $name ctx [$s $out $first]
            fields [$($fields)*
                $(#[doc = $doc])*
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $f: Option<u32>,
            ]
            setters [$($setters)*
                $(#[doc = $doc])*
                #[must_use]
                pub fn $f(mut self, value: u32) -> Self {
                    self.$f = Some(value);
                    self.unknown.forget(crate::model::macros::strip_raw(stringify!($f)));
                    self
                }
            ]
            names [$($names)* $f]
            writes [$($writes)*
                if let Some(value) = &$s.$f {
                    crate::model::json::member($out, &mut $first, json_key!($f));
                    crate::model::json::WriteJson::write_json(value, $out)?;
                }
            ]
            serde_only $serde_only
            attrs [$($attrs)* $(
                $crate::registry::Attr::named($at, $crate::model::macros::strip_raw(stringify!($f))),
            )?]
            holds [$($holds)* $({
                let _ = stringify!($at);
                crate::model::unknown::holds::<u32> as crate::model::unknown::Holds
            },)?]
            fielded [$($fielded)* $f]
            rest [$($rest)*]
        );
    };

    // An optional property.
    (@munch meta $meta:tt name $name:tt ctx [$s:tt $out:ident $first:ident]
        fields [$($fields:tt)*] setters [$($setters:tt)*] names [$($names:tt)*]
        writes [$($writes:tt)*] serde_only [$($so:tt)*]
        attrs [$($attrs:tt)*] holds [$($holds:tt)*] fielded [$($fielded:tt)*]
        rest [ $(#[doc = $doc:literal])* $(#[attr($at:expr)])? $(@serde($($sa:tt)*))? $f:ident : Option<$t:ty>, $($rest:tt)* ]
    ) => {
        model_struct!(@munch meta $meta name $name ctx [$s $out $first]
            fields [$($fields)*
                $(#[doc = $doc])*
                #[serde(skip_serializing_if = "Option::is_none" $(, $($sa)*)?)]
                pub $f: Option<$t>,
            ]
            setters [$($setters)*
                $(#[doc = $doc])*
                #[must_use]
                pub fn $f(mut self, value: impl Into<$t>) -> Self {
                    self.$f = Some(value.into());
                    self.unknown.forget(crate::model::macros::strip_raw(stringify!($f)));
                    self
                }
            ]
            names [$($names)* $f]
            writes [$($writes)*
                if let Some(value) = &$s.$f {
                    crate::model::json::member($out, &mut $first, json_key!($f));
                    crate::model::json::WriteJson::write_json(value, $out)?;
                }
            ]
            serde_only [$($so)* $($($sa)*)?]
            attrs [$($attrs)* $(
                $crate::registry::Attr::named($at, $crate::model::macros::strip_raw(stringify!($f))),
            )?]
            holds [$($holds)* $({
                let _ = stringify!($at);
                crate::model::unknown::holds::<$t> as crate::model::unknown::Holds
            },)?]
            fielded [$($fielded)* $f]
            rest [$($rest)*]
        );
    };

    // A required property.
    (@munch meta $meta:tt name $name:tt ctx [$s:tt $out:ident $first:ident]
        fields [$($fields:tt)*] setters [$($setters:tt)*] names [$($names:tt)*]
        writes [$($writes:tt)*] serde_only [$($so:tt)*]
        attrs [$($attrs:tt)*] holds [$($holds:tt)*] fielded [$($fielded:tt)*]
        rest [ $(#[doc = $doc:literal])* $(#[attr($at:expr)])? $(@serde($($sa:tt)*))? $f:ident : $t:ty, $($rest:tt)* ]
    ) => {
        model_struct!(@munch meta $meta name $name ctx [$s $out $first]
            fields [$($fields)*
                $(#[doc = $doc])*
                $(#[serde($($sa)*)])?
                pub $f: $t,
            ]
            setters [$($setters)*
                $(#[doc = $doc])*
                #[must_use]
                pub fn $f(mut self, value: impl Into<$t>) -> Self {
                    self.$f = value.into();
                    self.unknown.forget(crate::model::macros::strip_raw(stringify!($f)));
                    self
                }
            ]
            names [$($names)* $f]
            writes [$($writes)*
                crate::model::json::member($out, &mut $first, json_key!($f));
                crate::model::json::WriteJson::write_json(&$s.$f, $out)?;
            ]
            serde_only [$($so)* $($($sa)*)?]
            attrs [$($attrs)* $(
                $crate::registry::Attr::named($at, $crate::model::macros::strip_raw(stringify!($f))),
            )?]
            holds [$($holds)* $({
                let _ = stringify!($at);
                crate::model::unknown::holds_anything as crate::model::unknown::Holds
            },)?]
            fielded [$($fielded)* $f]
            rest [$($rest)*]
        );
    };

    (@munch meta [$($meta:tt)*] name [$name:ident] ctx [$s:tt $out:ident $first:ident]
        fields [$($fields:tt)*] setters [$($setters:tt)*] names [$($names:ident)*]
        writes [$($writes:tt)*] serde_only [$($so:tt)*]
        attrs [$($attrs:tt)*] holds [$($holds:tt)*] fielded [$($fielded:tt)*]
        rest []
    ) => {
        model_struct!(@writer $name [$s $out $first] [$($so)*] [$($writes)*]);

        $($meta)*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
        pub struct $name {
            $($fields)*
            /// The properties this version of the model does not know, kept as they were read
            /// and written back after the known ones (see [`Unknown`](crate::model::Unknown)).
            #[serde(flatten, skip_serializing_if = "crate::model::unknown::is_empty")]
            pub unknown: crate::model::Unknown,
        }

        // Read by serde's derived code, except that the properties it does not know are kept
        // in `unknown` rather than skipped.
        const _: () = {
            type Model = $name;

            #[derive(serde::Deserialize)]
            #[serde(remote = "Model")]
            #[allow(dead_code)]
            struct Shadow {
                $($fields)*
                #[serde(skip)]
                unknown: crate::model::Unknown,
            }

            // For each described property, whether the field's type holds a value; a
            // lenient property whose value it does not hold is kept in `unknown`.
            const HOLDS: &[crate::model::unknown::Holds] = &[$($holds)*];
            // The same, by position in `FIELDS`, for the lenient properties only.
            const LENIENT: [crate::model::unknown::Lenient; $name::FIELDS.len()] =
                crate::model::unknown::lenient($name::FIELDS, $name::ATTRS, HOLDS);

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> Result<Self, D::Error> {
                    let mut unknown = crate::model::Unknown::new();
                    let mut value = Shadow::deserialize(crate::model::unknown::Capture::new(
                        deserializer,
                        $name::FIELDS,
                        &LENIENT,
                        &mut unknown,
                    ))?;
                    value.unknown = unknown;
                    Ok(value)
                }
            }
        };

        impl $name {
            /// The JSON keys this object accepts, in declaration order.
            pub const FIELDS: &'static [&'static str] =
                &[$($crate::model::macros::strip_raw(stringify!($names))),*];

            /// What the registry knows of each property (value kind, whether it is required,
            /// its status and notes), in declaration order: the records of the registry's table
            /// for this object come from here.
            pub const ATTRS: &'static [$crate::registry::Attr] = &[$($attrs)*];

            $($setters)*

            /// Adds a property this version of the model does not know; it is written after
            /// the known ones. Validation reports it (an error when strict, a warning when
            /// lenient).
            #[must_use]
            pub fn unknown_property(
                mut self,
                key: impl Into<String>,
                value: impl Into<serde_json::Value>,
            ) -> Self {
                self.unknown.insert(key, value.into());
                self
            }
        }

        // A struct described for the registry describes every property.
        const _: () = assert!(
            $name::ATTRS.is_empty()
                || $name::ATTRS.len() == [$(stringify!($fielded)),*].len(),
            concat!("every field of `", stringify!($name), "` needs an `#[attr(…)]`, or none"),
        );
    };

    // Written by its own members.
    (@writer $name:ident [$s:tt $out:ident $first:ident] [] [$($writes:tt)*]) => {
        impl crate::model::json::WriteFields for $name {
            #[allow(unused_mut, unused_variables)]
            fn write_fields(
                &$s,
                $out: &mut String,
                mut $first: bool,
            ) -> Result<(), crate::model::json::Error> {
                $($writes)*
                crate::model::unknown::write_members(&$s.unknown, $out, &mut $first)?;
                Ok(())
            }
        }

        impl crate::model::json::WriteJson for $name {
            #[inline]
            fn write_json(&self, out: &mut String) -> Result<(), crate::model::json::Error> {
                crate::model::json::write_object(out, self)
            }
        }
    };

    // A field with serde attributes of its own (`with = …`): the struct is written by serde.
    (@writer $name:ident $ctx:tt [$($so:tt)+] [$($writes:tt)*]) => {
        impl crate::model::json::WriteJson for $name {
            fn write_json(&self, out: &mut String) -> Result<(), crate::model::json::Error> {
                crate::model::json::write_serde(out, self)
            }
        }
    };
}

/// The prepared `"key":` of a field.
macro_rules! json_key {
    (r#type) => {
        "\"type\":"
    };
    ($f:ident) => {
        concat!("\"", stringify!($f), "\":")
    };
}

/// `r#type` → `type`, at compile time.
pub(crate) const fn strip_raw(ident: &'static str) -> &'static str {
    match ident.as_bytes() {
        [b'r', b'#', rest @ ..] => match std::str::from_utf8(rest) {
            Ok(s) => s,
            Err(_) => ident,
        },
        _ => ident,
    }
}

/// Defines an enum of fixed spellings. With a trailing `@custom Custom,` line the enum also keeps
/// any other string (custom colour or text-size names from `config.style`).
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[doc = $doc:literal])* $variant:ident = $json:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[doc = $doc])* #[doc = concat!("\n\nJSON: `\"", $json, "\"`.")] $variant, )*
        }

        impl $name {
            /// Every value, in documentation order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// Every JSON spelling, in documentation order.
            pub const NAMES: &'static [&'static str] = &[$($json),*];

            /// The enum as the registry describes it: its name, spellings and variants.
            pub const ENUM: $crate::registry::EnumType = $crate::registry::EnumType {
                rust: stringify!($name),
                names: Self::NAMES,
                variants: &[$(stringify!($variant)),*],
            };

            /// The JSON spelling.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $(Self::$variant => $json,)*
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::model::ParseEnumError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($json => Ok(Self::$variant),)*
                    _ => Err($crate::model::ParseEnumError::new($what, s, Self::NAMES)),
                }
            }
        }

        impl $crate::model::json::WriteJson for $name {
            #[inline]
            fn write_json(&self, out: &mut String) -> Result<(), $crate::model::json::Error> {
                // The spellings are plain ASCII words: written with their quotes, unescaped.
                out.push_str(match self {
                    $(Self::$variant => concat!("\"", $json, "\""),)*
                });
                Ok(())
            }
        }

        string_enum!(@common $name $what);
    };

    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[doc = $doc:literal])* $variant:ident = $json:literal, )*
            @custom $(#[doc = $cdoc:literal])* Custom,
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[doc = $doc])* #[doc = concat!("\n\nJSON: `\"", $json, "\"`.")] $variant, )*
            $(#[doc = $cdoc])*
            Custom(std::borrow::Cow<'static, str>),
        }

        impl $name {
            /// Every named value, in documentation order (custom names aside).
            pub const NAMED: &'static [Self] = &[$(Self::$variant),*];

            /// Every documented JSON spelling, in documentation order.
            pub const NAMES: &'static [&'static str] = &[$($json),*];

            /// The JSON spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $json,)*
                    Self::Custom(name) => name,
                }
            }

            /// A custom name; a documented spelling gives its named value instead.
            pub fn custom(name: impl Into<std::borrow::Cow<'static, str>>) -> Self {
                let name = name.into();
                match &*name {
                    $($json => Self::$variant,)*
                    _ => Self::Custom(name),
                }
            }

            /// Whether this is a documented value rather than a custom name.
            pub fn is_named(&self) -> bool {
                !matches!(self, Self::Custom(_))
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::custom(s.to_owned()))
            }
        }

        impl From<&'static str> for $name {
            fn from(s: &'static str) -> Self {
                Self::custom(s)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::custom(s)
            }
        }

        impl $crate::model::json::WriteJson for $name {
            #[inline]
            fn write_json(&self, out: &mut String) -> Result<(), $crate::model::json::Error> {
                $crate::model::json::write_str(out, self.as_str());
                Ok(())
            }
        }

        impl $crate::model::Literal for $name {
            fn literal(s: &'static str) -> Self {
                Self::custom(s)
            }
        }

        string_enum!(@common $name $what);
    };

    (@common $name:ident $what:literal) => {
        impl $crate::model::json::JsonKey for $name {
            fn key_str(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::model::values::FromStrVisitor::<Self>::new(
                    concat!("a ", $what),
                ))
            }
        }
    };
}

/// Serde and conversion impls for value types that are written as a string and parsed without
/// failure (`FromStr<Err = Infallible>` + `Display`), such as widths and spacings.
macro_rules! text_value {
    ($name:ident, $what:literal) => {
        impl $crate::model::Literal for $name {
            fn literal(s: &'static str) -> Self {
                Self::parse(std::borrow::Cow::Borrowed(s))
            }
        }

        // Through `Serialize`, which formats the value once into a stack buffer.
        impl $crate::model::json::WriteJson for $name {
            fn write_json(&self, out: &mut String) -> Result<(), $crate::model::json::Error> {
                $crate::model::json::write_serde(out, self)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                // Written once into a stack buffer and handed over whole: `collect_str` would
                // send each formatted piece through the serializer's escaping on its own.
                let mut text = $crate::model::values::ShortText::new();
                match std::fmt::Write::write_fmt(&mut text, format_args!("{self}")) {
                    Ok(()) => serializer.serialize_str(text.as_str()),
                    Err(_) => serializer.collect_str(self),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::model::values::FromStrVisitor::<Self>::new(
                    concat!("a ", $what),
                ))
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::parse(std::borrow::Cow::Owned(s.to_owned())))
            }
        }

        impl From<&'static str> for $name {
            fn from(s: &'static str) -> Self {
                Self::parse(std::borrow::Cow::Borrowed(s))
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::parse(std::borrow::Cow::Owned(s))
            }
        }
    };
}

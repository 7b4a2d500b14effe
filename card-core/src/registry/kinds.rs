//! Value kinds and attributes shared by many components: the vocabulary the model types
//! describe their properties with (`#[attr(…)]` on a field of a `model_struct!`), and the
//! registry's tables use for what has no model struct of its own.

use super::rule::*;
use super::table::{CUSTOM_ICON, LARK_MD, PLAIN_TEXT, STANDARD_ICON};
use super::{Attr, EnumType, Kind, Shape, Status};
use crate::model;

/// The description of a property whose JSON key is filled in from the field it annotates.
pub(crate) const fn kind(kind: Kind) -> Attr {
    Attr::new("", kind)
}

/// The description of a property whose values are the spellings of the model enum `t`; its JSON
/// key is filled in from the field it annotates.
pub(crate) const fn enum_of(t: &'static EnumType) -> Attr {
    Attr::model_enum("", t)
}

pub(crate) const fn a(name: &'static str, kind: Kind) -> Attr {
    Attr::new(name, kind)
}

pub(crate) const UNBOUNDED: i64 = i64::MAX;

// ---------------------------------------------------------------------------------------------
// Shared value kinds

/// §2.3: spacing tokens or `[0,99]px`; the 1.0 tokens `default` and `""` still appear in
/// official 2.0 examples on `column_set` and are tolerated with a warning.
pub(crate) const SPACING: Kind = Kind::AnyOf(&[
    Kind::Enum(&["small", "medium", "large", "extra_large"]),
    Kind::Pixels { min: 0, max: 99 },
    Kind::Tolerated(&["default", ""]),
]);
pub(crate) const MARGIN: Kind = Kind::Lengths { min: -99, max: 99 };
/// §2.2: [0,99]px per the release notes, [-99,99]px per several component tables (conflict):
/// lenient, so a negative padding is only a warning.
pub(crate) const PADDING: Kind = Kind::Lengths { min: 0, max: 99 };
pub(crate) const CORNER_RADIUS: Kind = Kind::AnyOf(&[
    Kind::Pixels {
        min: 0,
        max: UNBOUNDED,
    },
    Kind::Percent { min: 0, max: 100 },
]);
/// §2.12: widths of interactive widgets.
pub(crate) const WIDGET_WIDTH: Kind = Kind::AnyOf(&[
    Kind::Enum(&["default", "fill"]),
    Kind::Pixels {
        min: 100,
        max: UNBOUNDED,
    },
]);
pub(crate) const LOCALE_STR: Kind = Kind::Locales(&Kind::Str);
pub(crate) const TEXT: Kind = Kind::Text {
    forms: &[&PLAIN_TEXT],
    max_chars: None,
};
pub(crate) const TEXT_100: Kind = Kind::Text {
    forms: &[&PLAIN_TEXT],
    max_chars: Some(100),
};
pub(crate) const RICH_TEXT: Kind = Kind::Text {
    forms: &[&PLAIN_TEXT, &LARK_MD],
    max_chars: None,
};
pub(crate) const ICON: Kind = Kind::Tagged(&[&STANDARD_ICON, &CUSTOM_ICON]);

pub(crate) const MULTI_URL: Kind = Kind::Object(model::MultiUrl::ATTRS);

/// §2.8. `form_action` appears only in the 1.0 button page and third-party models: tolerated
/// with a warning (unconfirmed for 2.0), and its `submit` counts as a submit button.
pub(crate) const BEHAVIOR: Kind = Kind::Union {
    key: "type",
    shapes: &[
        Shape {
            value: model::OpenUrl::TYPE,
            attrs: model::OpenUrl::ATTRS,
            status: Status::Current,
        },
        Shape {
            value: model::Callback::TYPE,
            attrs: model::Callback::ATTRS,
            status: Status::Current,
        },
        Shape {
            value: model::FormAction::TYPE,
            attrs: model::FormAction::ATTRS,
            status: Status::Legacy(LEGACY_PROPERTY),
        },
    ],
};
pub(crate) const BEHAVIORS: Kind = Kind::List(&BEHAVIOR);

/// §2.9.
/// `title` and `text` are marked required, but official examples send `"confirm": {}`: optional.
pub(crate) const CONFIRM: Kind = Kind::Object(model::Confirm::ATTRS);

pub(crate) const BORDER: Kind = Kind::Object(model::Border::ATTRS);

/// What a client too old for a component shows: `"drop"` (nothing), or a `fallback_text`
/// object with a text of its own; without it the client shows its own upgrade notice.
/// Documented on `audio` (2.0 audio page, field table) and on the 1.0 `input` page; Feishu's
/// 2.0 form-container sample card (Chinese page and its English transcription) sends it on an
/// `input` and on the `form` itself. No other component page shows it.
pub(crate) const FALLBACK: Kind = Kind::AnyOf(&[
    Kind::Enum(&["drop"]),
    Kind::Object(&[
        a("tag", Kind::Enum(&["fallback_text"])).required(),
        a("text", TEXT),
    ]),
]);

// ---------------------------------------------------------------------------------------------
// Shared attributes: each takes its JSON key from the field it describes

pub(crate) const ELEMENT_ID: Attr = kind(Kind::ElementId);
pub(crate) const MARGIN_ATTR: Attr = kind(MARGIN)
    .lenient()
    .note("[-99,99]px; out-of-range margins are warnings (behaviour undocumented)");
pub(crate) const PADDING_ATTR: Attr = kind(PADDING).lenient();
pub(crate) const BEHAVIORS_ATTR: Attr = kind(BEHAVIORS)
    .note("marked required on several pages whose own examples omit it: optional here");
pub(crate) const CONFIRM_ATTR: Attr = kind(CONFIRM);
pub(crate) const DISABLED: Attr = kind(Kind::Bool);
pub(crate) const DISABLED_TIPS: Attr = kind(TEXT);
pub(crate) const HOVER_TIPS: Attr = kind(TEXT);
pub(crate) const NAME: Attr = kind(Kind::Str).required_in_form();
pub(crate) const REQUIRED: Attr = kind(Kind::Bool);
pub(crate) const WIDTH_WIDGET: Attr = kind(WIDGET_WIDTH).lenient();
pub(crate) const HISTORY_VALUE: Attr =
    kind(Kind::Json).history("history callback value (string or object)");
pub(crate) const PLACEHOLDER: Attr = kind(TEXT_100);

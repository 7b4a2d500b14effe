//! [`WriteJson`] for the model types whose JSON is not a plain struct: texts and icons (one of
//! several tagged objects) and behaviours (tagged by `type`); values written as a number or a
//! string go through their `Serialize` impls. The bytes are the `Serialize` impls' bytes;
//! `tests/writer.rs` and `tests/prop_roundtrip.rs` check that both agree.

use super::common::{Behavior, Fallback, Icon, PanelTitle, Text};
use super::json::{write_serde, write_tagged, Error, WriteJson};
use super::values::{CustomWidth, Number};

impl WriteJson for Text {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        match self {
            Text::PlainText(t) => t.write_json(out),
            Text::LarkMd(t) => t.write_json(out),
        }
    }
}

impl WriteJson for PanelTitle {
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        match self {
            PanelTitle::PlainText(t) => t.write_json(out),
            PanelTitle::Markdown(t) => t.write_json(out),
        }
    }
}

impl WriteJson for Icon {
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        match self {
            Icon::StandardIcon(i) => i.write_json(out),
            Icon::CustomIcon(i) => i.write_json(out),
        }
    }
}

impl WriteJson for Behavior {
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        let start = self.json_start();
        match self {
            Behavior::OpenUrl(b) => write_tagged(out, start, b),
            Behavior::Callback(b) => write_tagged(out, start, b),
            Behavior::FormAction(b) => write_tagged(out, start, b),
        }
    }
}

// Values written as a number or a string, and the rare `fallback`: through `Serialize`.
macro_rules! through_serde {
    ($($t:ty),*) => {$(
        impl WriteJson for $t {
            fn write_json(&self, out: &mut String) -> Result<(), Error> {
                write_serde(out, self)
            }
        }
    )*};
}

through_serde!(Fallback, CustomWidth, Number);

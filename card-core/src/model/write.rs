//! [`WriteJson`] for the model types whose JSON is not a plain struct: texts and icons (one of
//! several tagged objects), behaviours (tagged by `type`), and values written as a number or a
//! string. Their bytes are their `Serialize` impls' bytes; `tests/writer.rs` checks both agree.

use super::common::{Behavior, Fallback, Icon, PanelTitle, Text};
use super::json::{write_string, write_tagged, Error, WriteJson};
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
        match self {
            Behavior::OpenUrl(b) => write_tagged(out, "{\"type\":\"open_url\"", b),
            Behavior::Callback(b) => write_tagged(out, "{\"type\":\"callback\"", b),
            Behavior::FormAction(b) => write_tagged(out, "{\"type\":\"form_action\"", b),
        }
    }
}

impl WriteJson for Fallback {
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        match self {
            Fallback::Drop => {
                out.push_str("\"drop\"");
                Ok(())
            }
            Fallback::Text(t) => t.write_json(out),
        }
    }
}

impl WriteJson for CustomWidth {
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        match self {
            CustomWidth::Pixels(n) => n.write_json(out),
            CustomWidth::Text(s) => {
                write_string(out, s);
                Ok(())
            }
        }
    }
}

impl WriteJson for Number {
    fn write_json(&self, out: &mut String) -> Result<(), Error> {
        match self {
            Number::Int(n) => n.write_json(out),
            Number::Float(n) => n.write_json(out),
        }
    }
}

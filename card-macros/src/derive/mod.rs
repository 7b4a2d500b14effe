//! The form derives: `FormValue` for structs, `SelectOptions` for enums.

pub mod form_value;
pub mod select_options;

/// A form field name as an identifier of the hidden fields struct that `card!` matches against:
/// characters that cannot stand in an identifier are written as `_xHH_`.
pub fn field_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_alphanumeric() || c == '_' {
            if i == 0 && c.is_ascii_digit() {
                out.push('_');
            }
            out.push(c);
        } else {
            out.push_str(&format!("_x{:x}_", c as u32));
        }
    }
    if out.is_empty() {
        out.push_str("_x_");
    }
    if syn::parse_str::<syn::Ident>(&out).is_err() {
        out.insert_str(0, "r#");
    }
    out
}

/// The name of the hidden struct listing a form struct's fields.
pub fn fields_struct_name(struct_name: &str) -> String {
    format!("{struct_name}FormFields")
}

/// Errors collected while reading a derive's input, reported together.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    /// Adds an error.
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    /// Whether nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// `Err` with every error, if any.
    pub fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

//! One handle per API area, and the checks they share.

pub(crate) mod cards;
pub(crate) mod delayed;
pub(crate) mod elements;
pub(crate) mod messages;

use card_core::validate::{validate_value_with, Policy};
use card_core::Diagnostics;

use crate::card::CardContent;
use crate::{Client, Error};

/// IM `uuid`: at most 50 characters.
pub(crate) const IM_UUID_MAX: usize = 50;
/// CardKit `uuid`: 1 to 64 characters.
pub(crate) const CARDKIT_UUID_MAX: usize = 64;

/// Validates card JSON strictly; templates and entity references are checked by Feishu.
pub(crate) fn check_card(card: &CardContent) -> Result<(), Error> {
    check_card_with(card, Policy::Strict).map(drop)
}

/// Validates card JSON under `policy`, logs the warnings and gives them back (for
/// [`Error::with_card_warnings`]); templates and entity references are checked by Feishu.
pub(crate) fn check_card_with(card: &CardContent, policy: Policy) -> Result<Diagnostics, Error> {
    let CardContent::Json(value) = card else {
        return Ok(Diagnostics::new());
    };
    let diagnostics = validate_value_with(value, policy.into());
    if diagnostics.has_errors() {
        return Err(Error::InvalidCard(diagnostics));
    }
    for warning in diagnostics.warnings() {
        tracing::warn!(rule = warning.rule, path = %warning.path, "{}", warning.message);
    }
    Ok(diagnostics)
}

impl Client {
    /// Validates card JSON under the request's policy, or else the client's.
    pub(crate) fn check_card(
        &self,
        card: &CardContent,
        request: Option<Policy>,
    ) -> Result<Diagnostics, Error> {
        check_card_with(card, request.unwrap_or(self.validation()))
    }
}

/// Ids that go into a URL path: non-empty, short, and made of characters that need no escaping
/// (Feishu's ids are letters, digits and `_`).
pub(crate) fn check_path_id<'a>(what: &str, id: &'a str) -> Result<&'a str, Error> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(id)
    } else {
        Err(Error::InvalidArgument(format!(
            "`{what}` must be 1 to 128 letters, digits, `_` or `-`, got {id:?}"
        )))
    }
}

/// A caller's `uuid`, within Feishu's length limit.
pub(crate) fn check_uuid(uuid: String, max: usize) -> Result<String, Error> {
    let len = uuid.chars().count();
    if len == 0 || len > max {
        return Err(Error::InvalidArgument(format!(
            "`uuid` must be 1 to {max} characters, got {len}"
        )));
    }
    Ok(uuid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_ids_cannot_escape_the_path() {
        assert!(check_path_id("card_id", "7355372766134157313").is_ok());
        assert!(check_path_id("element_id", "md_1").is_ok());
        assert!(check_path_id("card_id", "").is_err());
        assert!(check_path_id("card_id", "../tenant").is_err());
        assert!(check_path_id("card_id", "a/b").is_err());
        assert!(check_path_id("card_id", "a?b=c").is_err());
    }

    #[test]
    fn uuids_respect_each_api_limit() {
        assert!(check_uuid("x".repeat(50), IM_UUID_MAX).is_ok());
        assert!(check_uuid("x".repeat(51), IM_UUID_MAX).is_err());
        assert!(check_uuid("x".repeat(64), CARDKIT_UUID_MAX).is_ok());
        assert!(check_uuid(String::new(), CARDKIT_UUID_MAX).is_err());
    }
}

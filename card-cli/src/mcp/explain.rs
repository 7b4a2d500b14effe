//! Feishu's failure codes, explained: what each means and what to change. One table; a tool
//! error quotes the row of the code Feishu gave (and of the card sub-code inside a 230099).

use card_client::{CardError, Error};
use serde_json::{json, Value};

/// One explained code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    /// Feishu's `code`, or the `ErrCode` inside a card error.
    pub code: i64,
    /// What it means.
    pub meaning: &'static str,
    /// What to change before trying again.
    pub fix: &'static str,
}

const fn e(code: i64, meaning: &'static str, fix: &'static str) -> Explanation {
    Explanation { code, meaning, fix }
}

/// Every code this server explains.
pub static EXPLANATIONS: &[Explanation] = &[
    e(200621, "Feishu could not parse the card: a property it does not know (2.0 refuses unknown properties at every level), a JSON 1.0 card sent as 2.0, or a card wrapped in another object",
      "check the card with feishu_validate_card and apply each `fix`; send the card object itself, with `\"schema\": \"2.0\"` and `body.elements`"),
    e(230099, "Feishu refused the card's content; the card sub-code (ErrCode) says why",
      "read the sub-code's explanation; validate the card and fix what it reports"),
    e(11310, "the card is over a limit (too many components or tables: markdown tables count as tables too), or the card entity id is not valid",
      "use fewer components and tables (split the content over several cards), or send a card id that exists and was not sent before"),
    e(300309, "the card entity is not in streaming mode any more (closed after 10 minutes, or turned off), so text cannot be streamed into it",
      "finish the stream with feishu_stream_finish, or start a new stream"),
    e(300317, "the `sequence` of a card entity update was not greater than the last one: another writer updated the same card",
      "update each card from one place only; start a new stream or update the card again"),
    e(99991663, "the tenant access token was refused (invalid or expired)",
      "check FEISHU_APP_ID and FEISHU_APP_SECRET; the server fetches a new token on its own, so a repeat means wrong credentials"),
    e(99991664, "the tenant access token was refused (invalid or expired)",
      "check FEISHU_APP_ID and FEISHU_APP_SECRET"),
    e(10003, "the app credentials are not valid", "check FEISHU_APP_ID and FEISHU_APP_SECRET"),
    e(10013, "the app credentials are not valid", "check FEISHU_APP_ID and FEISHU_APP_SECRET"),
    e(10014, "the app secret is not valid", "check FEISHU_APP_SECRET"),
    e(10015, "the app id and secret do not match", "check FEISHU_APP_ID and FEISHU_APP_SECRET"),
    e(230001, "the recipient id is not valid for its kind", "check the id, and that `receive_id_type` says what kind of id it is"),
    e(230034, "the recipient id is malformed", "check the id (`oc_…` for a chat, `ou_…` for an open id)"),
    e(230002, "the bot is not in this chat", "add the bot to the chat first"),
    e(230025, "the card is larger than Feishu accepts (30 KB)", "shorten the texts or split the content over several cards"),
    e(200860, "the card is larger than Feishu accepts (30 KB)", "shorten the texts or split the content over several cards"),
    e(230020, "too many updates of one message (at most 5 per second)", "wait a moment and update again"),
    e(99991400, "too many requests", "wait a moment and try again"),
    e(300302, "the card is not shared (`config.update_multi` is false)", "leave `config.update_multi` out or set it to true"),
    e(300301, "two components of the card entity share one `element_id`", "give each component its own `element_id`"),
    e(300313, "no element with that `element_id` in the card entity", "use an `element_id` the card has"),
    e(200850, "the card entity's streaming window (10 minutes) is over", "finish the stream and start a new one"),
    e(200740, "the card entity does not exist", "use a card id returned by this server, or send a new card"),
    e(200750, "the card entity is older than 14 days and cannot be changed", "send a new card"),
    e(300030, "the callback token is older than 30 minutes", "update the card by `message_id` instead"),
    e(300040, "the callback token was already used twice", "update the card by `message_id` instead"),
    e(300020, "the callback token is not one Feishu issued", "pass the `token` of a card callback exactly, or update by `message_id`"),
    e(230031, "the message is older than 14 days and cannot be updated", "send a new card"),
];

/// The explanation of a code, if it has one.
pub fn explain(code: i64) -> Option<&'static Explanation> {
    EXPLANATIONS.iter().find(|e| e.code == code)
}

/// A client error as the JSON of a tool error: the message, Feishu's code and log id, and the
/// explanation of the code (and of the card sub-code inside it).
pub fn error_json(err: &Error) -> Value {
    let mut out = json!({ "error": err.to_string() });
    let Some(api) = err.api() else {
        if let Error::InvalidCard(diagnostics) = err {
            out["diagnostics"] = serde_json::to_value(diagnostics).unwrap_or(Value::Null);
        }
        return out;
    };
    explain_api(
        &mut out,
        api.code,
        api.card_error.as_ref(),
        api.log_id.as_deref(),
    );
    out
}

/// Adds Feishu's code, the card error inside it, the log id and their explanation to `out`.
fn explain_api(out: &mut Value, code: i64, card: Option<&CardError>, log_id: Option<&str>) {
    out["code"] = json!(code);
    if let Some(log_id) = log_id {
        out["log_id"] = json!(log_id);
    }
    let sub = card.and_then(|c| c.code);
    if let Some(card) = card {
        out["card_error"] = json!({"code": card.code, "path": card.path, "message": card.message});
    }
    // The sub-code says more than the envelope's 230099: it leads.
    let rows: Vec<&Explanation> = sub
        .into_iter()
        .chain(std::iter::once(code))
        .filter_map(explain)
        .collect();
    if let Some(first) = rows.first() {
        out["meaning"] = json!(rows
            .iter()
            .map(|r| r.meaning)
            .collect::<Vec<_>>()
            .join("; "));
        out["fix"] = json!(first.fix);
    } else {
        out["meaning"] = json!(format!(
            "Feishu refused the request with code {code}; see its message"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_the_agents_meet_is_explained_once() {
        for code in [200621, 230099, 11310, 300309, 300317, 99991663] {
            let row = explain(code).unwrap_or_else(|| panic!("{code} unexplained"));
            assert!(!row.meaning.is_empty() && !row.fix.is_empty());
        }
        for (i, a) in EXPLANATIONS.iter().enumerate() {
            assert!(
                EXPLANATIONS[i + 1..].iter().all(|b| b.code != a.code),
                "{} twice",
                a.code
            );
        }
        assert!(explain(1).is_none());
    }

    #[test]
    fn a_card_sub_code_leads_the_explanation() {
        let card = CardError::parse("ext=ErrCode: 11310; ErrMsg: card table number over limit; ");
        let mut v = json!({});
        explain_api(&mut v, 230099, card.as_ref(), Some("log-1"));
        assert_eq!(v["code"], 230099);
        assert_eq!(v["card_error"]["code"], 11310);
        assert_eq!(v["log_id"], "log-1");
        assert!(v["meaning"]
            .as_str()
            .unwrap_or("")
            .starts_with("the card is over a limit"));
        assert_eq!(v["fix"], explain(11310).map(|e| e.fix).unwrap_or(""));
    }
}

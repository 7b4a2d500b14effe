//! The validation policy: what the client does with a card holding a tag or a property this
//! version does not know, per client and per request, against the emulator.

mod common;

use card_client::emulator::Emulator;
use card_client::{Client, CreateCard, Error, PatchMessage, SendMessage, UpdateCard};
use card_core::registry::rule;
use card_core::validate::Policy;
use common::{card, setup};
use serde_json::{json, Value};

/// A valid card but for one property `markdown` does not have.
fn unknown_property() -> Value {
    json!({"schema": "2.0", "body": {"elements": [
        {"tag": "markdown", "content": "hi", "sparkle": true}
    ]}})
}

/// A valid card but for one component that does not exist (yet).
fn unknown_component() -> Value {
    json!({"schema": "2.0", "body": {"elements": [
        {"tag": "markdown", "content": "hi"},
        {"tag": "hologram", "depth": 3}
    ]}})
}

/// A card, and the rule it breaks under the strict policy.
type Case = (fn() -> Value, &'static str);

const CASES: [Case; 2] = [
    (unknown_property, rule::UNKNOWN_PROPERTY),
    (unknown_component, rule::UNKNOWN_TAG),
];

/// How many requests reached the messages endpoint.
fn sends(feishu: &Emulator) -> usize {
    feishu
        .requests()
        .iter()
        .filter(|r| r.path == "/open-apis/im/v1/messages")
        .count()
}

fn lenient_client(feishu: &Emulator) -> Client {
    feishu
        .client()
        .validation(Policy::Lenient)
        .build()
        .expect("the client builds")
}

/// The emulator knows exactly what this version knows, like a Feishu without the newer
/// feature: it refuses the card, and the refusal keeps the warning that let the card through.
fn assert_sent_and_refused_with_warning(err: &Error, id: &str, code: i64) {
    let api = err
        .api()
        .unwrap_or_else(|| panic!("Feishu's refusal, got {err}"));
    assert_eq!(api.code, code, "{err}");
    let warning = api
        .card_warnings
        .iter()
        .find(|d| d.rule == id)
        .unwrap_or_else(|| panic!("the warning is kept: {err}"));
    assert!(
        warning.message.contains("Feishu may reject it"),
        "{warning}"
    );
    let shown = err.to_string();
    assert!(shown.contains(&warning.message), "{shown}");
}

#[tokio::test]
async fn strict_by_default_refuses_unknowns_before_any_request() {
    let (feishu, client) = setup().await;
    assert_eq!(client.validation(), Policy::Strict);
    for (make, id) in CASES {
        let err = client
            .messages()
            .send(SendMessage::to_chat("oc_team", make()))
            .await
            .expect_err("refused locally");
        let Error::InvalidCard(diagnostics) = &err else {
            panic!("an invalid card, got {err}");
        };
        assert!(diagnostics.errors().any(|d| d.rule == id), "{diagnostics}");
    }
    assert_eq!(sends(&feishu), 0);
    assert!(feishu.messages().is_empty());
}

#[tokio::test]
async fn a_lenient_client_sends_unknowns_with_the_warning() {
    let (feishu, _) = setup().await;
    let client = lenient_client(&feishu);
    for (i, (make, id)) in CASES.into_iter().enumerate() {
        let err = client
            .messages()
            .send(SendMessage::to_chat("oc_team", make()))
            .await
            .expect_err("the emulator refuses what it does not know");
        assert_eq!(sends(&feishu), i + 1, "the card was sent");
        assert_sent_and_refused_with_warning(&err, id, 230099);
    }
    // What the registry knows is still checked: a known problem is refused locally.
    let broken = json!({"schema": "2.0", "body": {"elements": [
        {"tag": "img", "sparkle": true}
    ]}});
    let err = client
        .messages()
        .send(SendMessage::to_chat("oc_team", broken))
        .await
        .expect_err("refused locally");
    let Error::InvalidCard(diagnostics) = &err else {
        panic!("an invalid card, got {err}");
    };
    assert!(
        diagnostics.contains_rule(rule::MISSING_PROPERTY),
        "{diagnostics}"
    );
    assert!(
        diagnostics
            .warnings()
            .any(|d| d.rule == rule::UNKNOWN_PROPERTY),
        "{diagnostics}"
    );
    assert_eq!(sends(&feishu), 2);
    // A valid card goes out as before.
    client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("fine")))
        .await
        .expect("sent");
    assert_eq!(feishu.messages().len(), 1);
}

#[tokio::test]
async fn a_request_chooses_its_own_policy() {
    let (feishu, strict) = setup().await;
    let err = strict
        .messages()
        .send(SendMessage::to_chat("oc_team", unknown_component()).validation(Policy::Lenient))
        .await
        .expect_err("the emulator refuses it");
    assert_eq!(sends(&feishu), 1);
    assert_sent_and_refused_with_warning(&err, rule::UNKNOWN_TAG, 230099);

    let lenient = lenient_client(&feishu);
    let err = lenient
        .messages()
        .send(SendMessage::to_chat("oc_team", unknown_property()).validation(Policy::Strict))
        .await
        .expect_err("refused locally");
    assert!(matches!(err, Error::InvalidCard(_)), "{err}");
    assert_eq!(sends(&feishu), 1);

    // Patching a message follows the same rule.
    let sent = lenient
        .messages()
        .send(SendMessage::to_chat("oc_team", card("before")))
        .await
        .expect("sent");
    let patches = |feishu: &Emulator| {
        feishu
            .requests()
            .iter()
            .filter(|r| r.method == "PATCH")
            .count()
    };
    let err = strict
        .messages()
        .patch(PatchMessage::new(
            sent.message_id.clone(),
            unknown_property(),
        ))
        .await
        .expect_err("refused locally");
    assert!(matches!(err, Error::InvalidCard(_)), "{err}");
    assert_eq!(patches(&feishu), 0);
    let err = strict
        .messages()
        .patch(PatchMessage::new(sent.message_id, unknown_property()).validation(Policy::Lenient))
        .await
        .expect_err("the emulator refuses it");
    assert_eq!(patches(&feishu), 1);
    assert_sent_and_refused_with_warning(&err, rule::UNKNOWN_PROPERTY, 230099);
}

#[tokio::test]
async fn card_entities_follow_the_policy() {
    let (feishu, strict) = setup().await;
    let creates = |feishu: &Emulator| {
        feishu
            .requests()
            .iter()
            .filter(|r| r.path == "/open-apis/cardkit/v1/cards")
            .count()
    };
    let err = strict
        .cards()
        .create(CreateCard::new(unknown_component()))
        .await
        .expect_err("refused locally");
    assert!(matches!(err, Error::InvalidCard(_)), "{err}");
    assert_eq!(creates(&feishu), 0);
    let err = strict
        .cards()
        .create(CreateCard::new(unknown_component()).validation(Policy::Lenient))
        .await
        .expect_err("the emulator refuses it");
    assert_eq!(creates(&feishu), 1);
    assert_sent_and_refused_with_warning(&err, rule::UNKNOWN_TAG, 200220);

    let lenient = lenient_client(&feishu);
    let card_id = lenient
        .cards()
        .create(CreateCard::new(card("entity")))
        .await
        .expect("created");
    let err = lenient
        .cards()
        .update(UpdateCard::new(card_id.clone(), unknown_property()).validation(Policy::Strict))
        .await
        .expect_err("refused locally");
    assert!(matches!(err, Error::InvalidCard(_)), "{err}");
    let err = lenient
        .cards()
        .update(UpdateCard::new(card_id.clone(), unknown_property()))
        .await
        .expect_err("the emulator refuses it");
    assert_sent_and_refused_with_warning(&err, rule::UNKNOWN_PROPERTY, 200220);
    assert_eq!(feishu.card(&card_id).expect("kept").json, card("entity"));
}

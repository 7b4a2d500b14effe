//! Decoding submitted forms with `#[derive(FormValue)]` and `#[derive(SelectOptions)]`, using
//! the value formats of each component (spec `card-json-2.md` §3.4, callback §5.1).

use feishu_card::{
    FormError, FormValue, PickedDate, PickedDateTime, PickedTime, SelectOptions, UserId,
};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, SelectOptions)]
enum Priority {
    #[option(value = "high", text = "高")]
    High,
    #[option(value = "normal", text = "普通")]
    Normal,
    #[option(text = "低")]
    Low,
}

#[derive(Debug, PartialEq, FormValue)]
struct Everything {
    reason: String,
    count: u32,
    ratio: f64,
    urgent: bool,
    priority: Priority,
    tags: Vec<String>,
    levels: Vec<Priority>,
    owner: UserId,
    reviewers: Vec<UserId>,
    due: PickedDate,
    at: PickedTime,
    when: PickedDateTime,
    #[form(rename = "note-text")]
    note: Option<String>,
    image: String,
    images: Vec<String>,
}

fn full() -> serde_json::Value {
    json!({
        "reason": "disk full",                 // input
        "count": "3",                          // input, number typed
        "ratio": "0.5",
        "urgent": true,                        // checker
        "priority": "high",                    // select_static
        "tags": ["a", "b"],                    // multi_select_static
        "levels": ["low", "normal"],
        "owner": "ou_1",                       // select_person
        "reviewers": ["ou_2", "ou_3"],         // multi_select_person
        "due": "2024-04-01 +0800",             // date_picker
        "at": "05:05 +0800",                   // picker_time
        "when": "2024-04-01 19:19 +0800",      // picker_datetime
        "image": "img_1",                      // select_img
        "images": ["img_1", "img_2"],          // select_img, multi_select
        "extra": "ignored"
    })
}

#[test]
fn every_component_kind_decodes() {
    let v = Everything::from_json(&full()).unwrap();
    assert_eq!(v.reason, "disk full");
    assert_eq!(v.count, 3);
    assert_eq!(v.ratio, 0.5);
    assert!(v.urgent);
    assert_eq!(v.priority, Priority::High);
    assert_eq!(v.tags, ["a", "b"]);
    assert_eq!(v.levels, [Priority::Low, Priority::Normal]);
    assert_eq!(v.owner, UserId("ou_1".into()));
    assert_eq!(v.reviewers.len(), 2);
    assert_eq!(v.due.to_string(), "2024-04-01 +0800");
    assert_eq!(v.due.offset.minutes, 480);
    assert_eq!(v.at.to_string(), "05:05 +0800");
    assert_eq!(v.when.to_string(), "2024-04-01 19:19 +0800");
    assert_eq!(v.note, None);
    assert_eq!(v.images, ["img_1", "img_2"]);
}

#[test]
fn renamed_and_optional_fields() {
    let mut form = full();
    form["note-text"] = json!("see log");
    let v = Everything::from_json(&form).unwrap();
    assert_eq!(v.note.as_deref(), Some("see log"));
}

#[test]
fn errors_name_the_field_and_what_was_expected() {
    let mut form = full();
    form["priority"] = json!("urgent");
    let err = Everything::from_json(&form).unwrap_err();
    assert_eq!(
        err.to_string(),
        "form field `priority`: expected one of `high`, `normal`, `low`, found \"urgent\""
    );

    let mut form = full();
    form.as_object_mut().unwrap().remove("reason");
    assert_eq!(
        Everything::from_json(&form).unwrap_err(),
        FormError::Missing {
            field: "reason".into()
        }
    );

    let mut form = full();
    form["count"] = json!("three");
    let err = Everything::from_json(&form).unwrap_err().to_string();
    assert!(err.contains("`count`") && err.contains("integer"), "{err}");

    assert!(matches!(
        Everything::from_json(&json!([1])),
        Err(FormError::NotAnObject { .. })
    ));
}

#[derive(Debug, PartialEq, FormValue)]
#[form(deny_unknown)]
struct Strict {
    reason: String,
}

#[test]
fn deny_unknown_rejects_extra_fields() {
    assert!(Strict::from_json(&json!({"reason": "x"})).is_ok());
    let err = Strict::from_json(&json!({"reason": "x", "other": "y"})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "form field `other` is not expected by `Strict`"
    );
}

#[test]
fn options_are_one_source_for_both_directions() {
    let listed: Vec<_> = Priority::OPTIONS
        .iter()
        .map(|(v, value, text)| (*v, *value, *text))
        .collect();
    assert_eq!(
        listed,
        [
            (Priority::High, "high", "高"),
            (Priority::Normal, "normal", "普通"),
            (Priority::Low, "low", "低"),
        ]
    );
    for (variant, value, text) in Priority::OPTIONS {
        assert_eq!(Priority::from_value(value), Some(*variant));
        assert_eq!(variant.value(), *value);
        assert_eq!(variant.text(), *text);
    }
    assert_eq!(Priority::from_value("nope"), None);
}

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
enum Action {
    Approve { ticket: u32 },
    Reject,
}

#[test]
fn callback_values_are_typed_both_ways() {
    let card = feishu_card::card! {
        <card>
            <button callback={Action::Approve { ticket: 7 }}>"Approve"</button>
            <button callback={Action::Reject}>"Reject"</button>
        </card>
    };
    let json = card.to_value();
    let sent = &json["body"]["elements"][0]["behaviors"][0]["value"];
    assert_eq!(sent, &json!({"action": "approve", "ticket": 7}));
    let back: Action = feishu_card::decode_value(sent).unwrap();
    assert_eq!(back, Action::Approve { ticket: 7 });
    let other: Action =
        feishu_card::decode_value(&json["body"]["elements"][1]["behaviors"][0]["value"]).unwrap();
    assert_eq!(other, Action::Reject);
    let err = feishu_card::decode_value::<Action>(&json!({"action": "cancel"})).unwrap_err();
    assert!(err.to_string().contains("does not decode into"), "{err}");
}

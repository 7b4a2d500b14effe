//! A form in `card!` names the struct it fills with `for=Struct`; the build checks that the
//! form has exactly the struct's fields, of fitting kinds (the failing cases are in
//! `tests/ui/form_link/`). Here: a matching form compiles, and what it submits decodes.

use feishu_card::{card, FormValue, PickedDate, SelectOptions};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, SelectOptions)]
enum Priority {
    #[option(value = "high", text = "高")]
    High,
    #[option(value = "low", text = "低")]
    Low,
}

#[derive(Debug, PartialEq, FormValue)]
struct Feedback {
    reason: String,
    priority: Priority,
    tags: Vec<String>,
    urgent: bool,
    due: Option<PickedDate>,
    #[form(rename = "contact-email")]
    email: Option<String>,
}

#[test]
fn a_matching_form_compiles_and_its_submission_decodes() {
    let card = card! {
        <card>
            <header template="turquoise">"反馈"</header>
            <form name="feedback" for=Feedback>
                <input name="reason" placeholder="说说原因" required/>
                <select_static name="priority" for=Priority/>
                <multi_select_static name="tags">
                    <option value="ui">"界面"</option>
                    <option value="perf">"性能"</option>
                </multi_select_static>
                <checker name="urgent">"紧急"</checker>
                <date_picker name="due"/>
                <input name="contact-email"/>
                <button name="send" type="primary" form_action_type="submit">"提交"</button>
            </form>
        </card>
    };
    let value = serde_json::to_value(&card).unwrap();
    let select = &value["body"]["elements"][0]["elements"][1];
    assert_eq!(
        select["options"],
        json!([
            {"text": {"tag": "plain_text", "content": "高"}, "value": "high"},
            {"text": {"tag": "plain_text", "content": "低"}, "value": "low"}
        ])
    );
    assert!(!feishu_card::core::validate::validate_value(&value).has_errors());

    let submitted = json!({
        "reason": "slow", "priority": "high", "tags": ["perf"], "urgent": true,
        "due": "2024-04-01 +0800", "contact-email": "a@example.com"
    });
    let fb = Feedback::from_json(&submitted).unwrap();
    assert_eq!(fb.priority, Priority::High);
    assert_eq!(fb.email.as_deref(), Some("a@example.com"));
}

#[derive(Debug, PartialEq, FormValue)]
struct Labels {
    labels: Vec<Priority>,
}

#[test]
fn enum_options_fill_multi_selects_and_overflows() {
    let card = card! {
        <card>
            <form name="labels" for=Labels>
                <multi_select_static name="labels" for=Priority/>
                <button name="save" form_action_type="submit">"Save"</button>
            </form>
            <overflow for=Priority/>
        </card>
    };
    let v = card.to_value();
    assert_eq!(
        v["body"]["elements"][0]["elements"][0]["options"][1]["value"],
        "low"
    );
    assert_eq!(
        v["body"]["elements"][1]["options"],
        json!([
            {"text": {"tag": "plain_text", "content": "高"}, "value": "high"},
            {"text": {"tag": "plain_text", "content": "低"}, "value": "low"}
        ])
    );
    let labels = Labels::from_json(&json!({"labels": ["low", "high"]})).unwrap();
    assert_eq!(labels.labels, [Priority::Low, Priority::High]);
}

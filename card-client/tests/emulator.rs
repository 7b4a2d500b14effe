//! The emulator's own rules, driven with raw HTTP where the client would refuse to send.

use std::time::Duration;

use card_client::emulator::{Emulator, Fault, APP_ID, APP_SECRET};
use serde_json::{json, Value};

struct Raw {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Raw {
    async fn new(feishu: &Emulator) -> Raw {
        let http = reqwest::Client::new();
        let base = feishu.base_url();
        let answer: Value = http
            .post(format!(
                "{base}/open-apis/auth/v3/tenant_access_token/internal"
            ))
            .body(json!({"app_id": APP_ID, "app_secret": APP_SECRET}).to_string())
            .send()
            .await
            .expect("token endpoint")
            .json_value()
            .await;
        let token = answer["tenant_access_token"]
            .as_str()
            .expect("token")
            .to_owned();
        assert_eq!(answer["expire"], 7200);
        Raw { http, base, token }
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let response = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .body(body.to_string())
            .send()
            .await
            .expect("answer");
        let status = response.status().as_u16();
        (status, response.json_value().await)
    }

    async fn create(&self, card: Value) -> (u16, Value) {
        self.call(
            "POST",
            "/open-apis/cardkit/v1/cards",
            json!({"type": "card_json", "data": card.to_string()}),
        )
        .await
    }
}

trait JsonValue {
    async fn json_value(self) -> Value;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> Value {
        let bytes = self.bytes().await.expect("body");
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }
}

fn md(id: &str) -> Value {
    json!({"tag": "markdown", "element_id": id, "content": id})
}

#[tokio::test]
async fn the_token_endpoint_checks_credentials_and_reuses_fresh_tokens() {
    let feishu = Emulator::start().await.expect("emulator");
    let raw = Raw::new(&feishu).await;
    let again: Value = raw
        .http
        .post(format!(
            "{}/open-apis/auth/v3/tenant_access_token/internal",
            raw.base
        ))
        .body(json!({"app_id": APP_ID, "app_secret": APP_SECRET}).to_string())
        .send()
        .await
        .expect("answer")
        .json_value()
        .await;
    assert_eq!(
        again["tenant_access_token"],
        raw.token.as_str(),
        "fresh tokens are reused"
    );
    feishu.advance(Duration::from_secs(7200 - 29 * 60));
    let renewed: Value = raw
        .http
        .post(format!(
            "{}/open-apis/auth/v3/tenant_access_token/internal",
            raw.base
        ))
        .body(json!({"app_id": APP_ID, "app_secret": APP_SECRET}).to_string())
        .send()
        .await
        .expect("answer")
        .json_value()
        .await;
    assert_ne!(
        renewed["tenant_access_token"],
        raw.token.as_str(),
        "< 30 min left: a new token"
    );
    let (_, old_still_valid) = raw.create(json!({"schema": "2.0"})).await;
    assert_ne!(old_still_valid["code"], 99991663);

    let wrong: Value = raw
        .http
        .post(format!(
            "{}/open-apis/auth/v3/tenant_access_token/internal",
            raw.base
        ))
        .body(json!({"app_id": "cli_other", "app_secret": APP_SECRET}).to_string())
        .send()
        .await
        .expect("answer")
        .json_value()
        .await;
    assert_eq!(wrong["code"], 10013);

    let (status, missing) = {
        let response = raw
            .http
            .post(format!("{}/open-apis/cardkit/v1/cards", raw.base))
            .body("{}")
            .send()
            .await
            .expect("answer");
        (response.status().as_u16(), response.json_value().await)
    };
    assert_eq!((status, missing["code"].as_i64()), (400, Some(99991661)));
}

#[tokio::test]
async fn cardkit_create_enforces_schema_sharing_ids_and_emptiness() {
    let feishu = Emulator::start().await.expect("emulator");
    let raw = Raw::new(&feishu).await;
    let cases = [
        (json!({"body": {"elements": []}}), 300303),
        (
            json!({"schema": "2.0", "config": {"update_multi": false}}),
            300302,
        ),
        (
            json!({"schema": "2.0", "body": {"elements": [md("a"), md("a")]}}),
            300301,
        ),
        (json!({}), 300307),
    ];
    for (card, code) in cases {
        let (status, answer) = raw.create(card.clone()).await;
        assert_eq!(
            (status, answer["code"].as_i64()),
            (400, Some(code)),
            "{card}"
        );
        assert!(answer["error"]["log_id"].is_string());
    }
    let (_, bad_json) = raw
        .call(
            "POST",
            "/open-apis/cardkit/v1/cards",
            json!({"type": "card_json", "data": "{not json"}),
        )
        .await;
    assert_eq!(bad_json["code"], 200220);
    assert!(bad_json["msg"]
        .as_str()
        .unwrap_or("")
        .contains("ErrCode: 200621"));
    let (_, empty) = raw
        .call(
            "POST",
            "/open-apis/cardkit/v1/cards",
            json!({"type": "card_json", "data": ""}),
        )
        .await;
    assert_eq!(empty["code"], 300307);
}

#[tokio::test]
async fn sequences_and_uuids_follow_feishu() {
    let feishu = Emulator::start().await.expect("emulator");
    let raw = Raw::new(&feishu).await;
    let (_, created) = raw
        .create(json!({"schema": "2.0", "body": {"elements": [md("a")]}}))
        .await;
    let card_id = created["data"]["card_id"]
        .as_str()
        .expect("card id")
        .to_owned();
    let path = format!("/open-apis/cardkit/v1/cards/{card_id}/elements/a");
    let patch = |seq: i64, uuid: &str, content: &str| json!({"partial_element": json!({"content": content}).to_string(), "sequence": seq, "uuid": uuid});
    let (_, zero) = raw.call("PATCH", &path, patch(0, "u0", "x")).await;
    assert_eq!(zero["code"], 300317, "0 is not a valid sequence");
    let (_, first) = raw.call("PATCH", &path, patch(5, "u1", "five")).await;
    assert_eq!(first["code"], 0);
    let (_, same) = raw.call("PATCH", &path, patch(5, "u2", "again")).await;
    assert_eq!(same["code"], 300317);
    let (_, replay) = raw.call("PATCH", &path, patch(9, "u1", "five")).await;
    assert_eq!(
        replay["code"], 0,
        "a replayed uuid succeeds without applying twice"
    );
    let (_, conflict) = raw.call("PATCH", &path, patch(10, "u1", "different")).await;
    assert_eq!(conflict["code"], 200770);
    let (_, missing) = raw
        .call("PATCH", &path, json!({"partial_element": "{}"}))
        .await;
    assert_eq!(missing["code"], 10002);
    let entity = feishu.card(&card_id).expect("entity");
    assert_eq!(
        entity.last_sequence, 9,
        "a uuid conflict is refused before its sequence counts"
    );
    assert_eq!(entity.json["body"]["elements"][0]["content"], "five");
    let delete_without_body = raw
        .http
        .delete(format!("{}{path}", raw.base))
        .header("Authorization", format!("Bearer {}", raw.token))
        .send()
        .await
        .expect("answer")
        .json_value()
        .await;
    assert_eq!(delete_without_body["code"], 10002);
}

#[tokio::test]
async fn the_per_card_rate_limit_answers_429_with_a_reset() {
    let feishu = Emulator::builder()
        .frozen_clock()
        .start()
        .await
        .expect("emulator");
    let raw = Raw::new(&feishu).await;
    let (_, created) = raw
        .create(json!({"schema": "2.0", "body": {"elements": [md("a")]}}))
        .await;
    let card_id = created["data"]["card_id"]
        .as_str()
        .expect("card id")
        .to_owned();
    let path = format!("/open-apis/cardkit/v1/cards/{card_id}/elements/a");
    let write = |seq: i64| {
        raw.http
            .patch(format!("{}{path}", raw.base))
            .header("Authorization", format!("Bearer {}", raw.token))
            .body(json!({"partial_element": "{\"content\":\"x\"}", "sequence": seq}).to_string())
            .send()
    };
    for seq in 1..=10 {
        let response = write(seq).await.expect("answer");
        assert_eq!(response.status().as_u16(), 200, "write {seq}");
    }
    let refused = write(11).await.expect("answer");
    assert_eq!(refused.status().as_u16(), 429);
    let reset = refused
        .headers()
        .get("x-ogw-ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    assert_eq!(reset.as_deref(), Some("1"));
    assert_eq!(refused.json_value().await["code"], 99991400);
    assert_eq!(feishu.rate_violations(), 1);
    feishu.advance(Duration::from_secs(1));
    assert_eq!(write(12).await.expect("answer").status().as_u16(), 200);
}

#[tokio::test]
async fn faults_can_target_the_token_endpoint_and_unknown_paths_are_404() {
    let feishu = Emulator::start().await.expect("emulator");
    feishu.inject(Fault::api_error(400, 10014, "app disabled").on_path("tenant_access_token"));
    let client = feishu.client().build().expect("client");
    let err = client
        .cards()
        .id_convert("om_1")
        .await
        .expect_err("token refused");
    assert_eq!(err.code(), Some(10014));
    let response = reqwest::get(format!("{}/open-apis/nope", feishu.base_url()))
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 404);
    let last = feishu.requests().pop().expect("logged");
    assert_eq!(last.status, Some(404));
}

#[tokio::test]
async fn callback_cards_and_delayed_updates_keep_schema_and_sharing_rules() {
    let feishu = Emulator::start().await.expect("emulator");
    let raw = Raw::new(&feishu).await;
    let card = json!({"schema": "2.0", "body": {"elements": [md("a")]}});
    let (_, sent) = raw
        .call(
            "POST",
            "/open-apis/im/v1/messages?receive_id_type=chat_id",
            json!({"receive_id": "oc_1", "msg_type": "interactive", "content": card.to_string()}),
        )
        .await;
    let message_id = sent["data"]["message_id"].as_str().expect("id").to_owned();
    let downgrade =
        feishu.apply_callback_card(&message_id, json!({"config": {"update_multi": true}}));
    assert_eq!(downgrade.map_err(|r| r.code), Err(200830));
    let new_card = json!({"schema": "2.0", "body": {"elements": [md("b")]}});
    feishu
        .apply_callback_card(&message_id, new_card.clone())
        .expect("applied");
    assert_eq!(feishu.message(&message_id).expect("message").card, new_card);

    let token = feishu.mint_callback_token(&message_id).expect("token");
    for expected in [0, 0, 300040] {
        let (_, answer) = raw
            .call(
                "POST",
                "/open-apis/interactive/v1/card/update",
                json!({"token": token, "card": card}),
            )
            .await;
        assert_eq!(answer["code"], expected);
    }
    let (_, bad) = raw
        .call(
            "POST",
            "/open-apis/interactive/v1/card/update",
            json!({"token": "t-not-a-callback-token", "card": card}),
        )
        .await;
    assert_eq!(bad["code"], 300020);
    assert!(feishu.mint_callback_token("om_missing").is_none());
}

#[tokio::test]
async fn cards_are_checked_with_the_shared_validator() {
    let feishu = Emulator::start().await.expect("emulator");
    let raw = Raw::new(&feishu).await;
    let invalid = json!({
        "schema": "2.0",
        "body": {"elements": [{"tag": "no_such_component"}]}
    });
    let (status, answer) = raw
        .call(
            "POST",
            "/open-apis/im/v1/messages?receive_id_type=chat_id",
            json!({"receive_id": "oc_1", "msg_type": "interactive", "content": invalid.to_string()}),
        )
        .await;
    assert_eq!((status, answer["code"].as_i64()), (400, Some(230099)));
    let msg = answer["msg"].as_str().unwrap_or_default();
    assert!(msg.contains("ErrCode: 200621"), "{msg}");
    assert!(
        msg.contains("ErrPath: ROOT -> body -> elements -> [0]"),
        "{msg}"
    );
    let (_, created) = raw.create(invalid).await;
    assert_eq!(created["code"], 200220);
    assert!(feishu.messages().is_empty());
}

#[tokio::test]
async fn message_uuids_are_remembered_for_one_hour() {
    let feishu = Emulator::start().await.expect("emulator");
    let raw = Raw::new(&feishu).await;
    let send = || {
        raw.call(
            "POST",
            "/open-apis/im/v1/messages?receive_id_type=chat_id",
            json!({
                "receive_id": "oc_1",
                "msg_type": "interactive",
                "content": json!({"schema": "2.0"}).to_string(),
                "uuid": "same-key",
            }),
        )
    };
    let (_, first) = send().await;
    let (_, again) = send().await;
    assert_eq!(first["data"]["message_id"], again["data"]["message_id"]);
    feishu.advance(Duration::from_secs(3600));
    let (_, later) = send().await;
    assert_ne!(first["data"]["message_id"], later["data"]["message_id"]);
    assert_eq!(feishu.messages_in_chat("oc_1").len(), 2);
}

#[tokio::test]
async fn the_request_log_keeps_the_newest_records() {
    let feishu = Emulator::builder()
        .history_limit(3)
        .start()
        .await
        .expect("emulator");
    let raw = Raw::new(&feishu).await;
    let card =
        json!({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "hi"}]}});
    for n in 0..5 {
        let (status, answer) = raw
            .call(
                "POST",
                "/open-apis/im/v1/messages?receive_id_type=chat_id",
                json!({"receive_id": "oc_team", "msg_type": "interactive",
                       "uuid": format!("u-{n}"), "content": card.to_string()}),
            )
            .await;
        assert_eq!(status, 200, "{answer}");
    }

    // A token request and five sends: the log keeps the last three.
    let uuids: Vec<Option<String>> = feishu.requests().into_iter().map(|r| r.uuid).collect();
    assert_eq!(
        uuids,
        [Some("u-2".into()), Some("u-3".into()), Some("u-4".into())]
    );
    assert_eq!(
        feishu.messages().len(),
        5,
        "the log is bounded, not the state"
    );
    // A uuid whose request left the log still finds its message.
    let (_, again) = raw
        .call(
            "POST",
            "/open-apis/im/v1/messages?receive_id_type=chat_id",
            json!({"receive_id": "oc_team", "msg_type": "interactive",
                   "uuid": "u-0", "content": card.to_string()}),
        )
        .await;
    assert_eq!(
        again["data"]["message_id"],
        json!(feishu.messages()[0].message_id)
    );
    assert_eq!(feishu.messages().len(), 5);
    feishu.clear_requests();
    assert!(feishu.requests().is_empty());
}

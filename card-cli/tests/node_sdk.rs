//! Feishu's official Node SDK (`@larksuiteoapi/node-sdk`) against `feishu-card emulator`: its
//! OpenAPI client sends, patches and streams cards; its `CardActionHandler`, served with
//! `adaptDefault` as the callback URL, answers a click made through the control API; and its
//! long-connection client (`WSClient` with an `EventDispatcher`) answers a click over the
//! emulator's long connection.
//!
//! Needs `node` and the SDK installed from npm: the folder `node_modules` that holds it is
//! `$FEISHU_CARD_NODE_MODULES`, or else `target/node-sdk/node_modules` (where `.ci/run` puts
//! it). Without them the tests print why and pass, except under `CI=true`, where they fail.
//! The script is `tests/node/sdk.cjs`, one function per scenario.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long one step of the Node script may take before the test gives up on it (not a
/// measurement: only a bound so that a stuck script fails the test instead of hanging it).
const STEP_LIMIT: Duration = Duration::from_secs(120);

/// How long the SDK's long-connection client may take to connect and ping twice (a bound, as
/// above; it is half the 120 s a client that ignored the emulator's `PingInterval` of 1 s
/// would wait between pings, so such a client fails the test).
const CONNECT_LIMIT: Duration = Duration::from_secs(60);

/// The emulator's options for the long-connection tests: the SDK pings every second and
/// reconnects at once.
const PROMPT_LONG_CONNECTION: [&str; 6] = [
    "--ping-interval",
    "1",
    "--reconnect-interval",
    "1",
    "--reconnect-nonce",
    "0",
];

/// `node` and the SDK's `node_modules`, or why they cannot be used.
fn node_setup() -> Result<(PathBuf, PathBuf), String> {
    let node =
        std::env::var_os("FEISHU_CARD_NODE").map_or_else(|| PathBuf::from("node"), PathBuf::from);
    match Command::new(&node).arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            return Err(format!(
                "`{} --version` failed: {}",
                node.display(),
                out.status
            ))
        }
        Err(err) => return Err(format!("cannot run `{}`: {err}", node.display())),
    }
    let modules = match std::env::var_os("FEISHU_CARD_NODE_MODULES") {
        Some(dir) => PathBuf::from(dir),
        None => {
            // target/debug/feishu-card → target/node-sdk/node_modules
            let bin = Path::new(env!("CARGO_BIN_EXE_feishu-card"));
            let target = bin.ancestors().nth(2).unwrap_or(Path::new("target"));
            target.join("node-sdk").join("node_modules")
        }
    };
    let sdk = modules
        .join("@larksuiteoapi")
        .join("node-sdk")
        .join("package.json");
    if !sdk.is_file() {
        return Err(format!(
            "the Node SDK is not installed: no {} (install it with `npm install --prefix <dir> \
             @larksuiteoapi/node-sdk` and set FEISHU_CARD_NODE_MODULES=<dir>/node_modules, or run \
             the install lines of .ci/run)",
            sdk.display()
        ));
    }
    Ok((node, modules))
}

/// `node` and the SDK, or `None` after printing why the test is skipped; under `CI=true` a
/// missing one fails the test, so that CI cannot skip it silently.
fn node_or_skip(test: &str) -> Option<(PathBuf, PathBuf)> {
    match node_setup() {
        Ok(found) => Some(found),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true and {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED {test}: {why}");
            None
        }
    }
}

/// The Node script, running; killed when dropped.
struct Script {
    child: Child,
    stdin: Option<ChildStdin>,
    steps: Receiver<Value>,
}

impl Drop for Script {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Script {
    fn start(
        (node, modules): &(PathBuf, PathBuf),
        scenario: &str,
        emulator_url: &str,
        keys: (&str, &str),
    ) -> Script {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node/sdk.cjs");
        let mut child = Command::new(node)
            .arg(script)
            .arg(scenario)
            .env("NODE_PATH", modules)
            .env("FEISHU_EMULATOR_URL", emulator_url)
            .env("FEISHU_APP_ID", card_client::emulator::APP_ID)
            .env("FEISHU_APP_SECRET", card_client::emulator::APP_SECRET)
            .env("FEISHU_ENCRYPT_KEY", keys.0)
            .env("FEISHU_VERIFICATION_TOKEN", keys.1)
            .env("FEISHU_CHAT_ID", "oc_node")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run node");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, steps) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let step = serde_json::from_str(&line)
                    .unwrap_or_else(|_| json!({"step": "output", "line": line}));
                if tx.send(step).is_err() {
                    break;
                }
            }
        });
        Script {
            child,
            stdin,
            steps,
        }
    }

    /// Waits for the report of `step`; fails on the script's failure or its end.
    fn expect(&self, step: &str) -> Value {
        self.until(step).0
    }

    /// The report of `step`, and the reports before it.
    fn until(&self, step: &str) -> (Value, Vec<Value>) {
        let mut before = Vec::new();
        loop {
            let report = self
                .steps
                .recv_timeout(STEP_LIMIT)
                .unwrap_or_else(|e| panic!("no `{step}` from the Node script: {e}"));
            match report["step"].as_str() {
                Some(s) if s == step => return (report, before),
                Some("failed") => panic!("the Node script failed: {}", report["error"]),
                _ => {
                    eprintln!("node: {report}");
                    before.push(report);
                }
            }
        }
    }

    /// Closes its standard input, which ends a serving scenario, and checks it exits 0; the
    /// reports not yet read.
    fn finish(mut self) -> Vec<Value> {
        if let Some(mut stdin) = self.stdin.take() {
            let _ = stdin.flush();
        }
        let (_, rest) = self.until("done");
        let status = self.child.wait().expect("node exits");
        assert!(status.success(), "node exited with {status}");
        rest
    }
}

fn get(url: &str) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let response = reqwest::get(url).await.expect("GET");
        assert_eq!(response.status().as_u16(), 200, "GET {url}");
        let text = response.text().await.expect("a body");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON ({e}): {text}"))
    })
}

fn post(url: &str, body: Value) -> (u16, Value) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let response = reqwest::Client::new()
            .post(url)
            .body(body.to_string())
            .send()
            .await
            .expect("POST");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON ({e}): {text}"));
        (status, value)
    })
}

#[test]
fn the_node_sdk_sends_patches_replies_and_streams_cards() {
    let Some(node) = node_or_skip("the_node_sdk_sends_patches_replies_and_streams_cards") else {
        return;
    };
    let emulator = common::start(&[]);
    let script = Script::start(&node, "openapi", &emulator.url, ("", ""));
    let sent = script.expect("sent");
    script.expect("patched");
    let replied = script.expect("replied");
    let edited = script.expect("edited");
    assert_eq!(
        edited["card_id"], replied["card_id"],
        "id_convert finds the entity"
    );
    script.finish();

    let messages = get(&format!(
        "{}/_emulator/messages?chat_id=oc_node",
        emulator.url
    ));
    let messages = messages.as_array().expect("a list");
    assert_eq!(messages.len(), 2, "{messages:?}");
    let first = &messages[0];
    assert_eq!(first["message_id"], sent["message_id"]);
    assert_eq!(first["updated"], true);
    assert_eq!(
        first["card"]["body"]["elements"][0]["content"],
        "Deploy v2 to production? Approve below."
    );
    assert_eq!(first["card"]["body"]["elements"][1]["tag"], "button");
    let reply = &messages[1];
    assert_eq!(reply["message_id"], replied["message_id"]);
    assert_eq!(reply["parent_id"], sent["message_id"]);
    assert_eq!(reply["card_id"], replied["card_id"]);
    assert_eq!(
        reply["card"]["body"]["elements"][0]["content"],
        "Deploying v2: done"
    );
    assert_eq!(reply["card"]["config"]["streaming_mode"], false);
    assert_eq!(
        reply["card"]["body"]["elements"][1],
        json!({"tag": "markdown", "element_id": "note", "content": "Rolled out to 100%"})
    );
}

#[test]
fn the_node_sdk_card_action_handler_answers_a_click_with_a_toast_and_a_card() {
    let Some(node) =
        node_or_skip("the_node_sdk_card_action_handler_answers_a_click_with_a_toast_and_a_card")
    else {
        return;
    };
    let emulator = common::start(&["--encrypt-key", "e-node", "--verification-token", "v-node"]);
    let script = Script::start(
        &node,
        "card-action-http",
        &emulator.url,
        ("e-node", "v-node"),
    );
    script.expect("listening");
    let sent = script.expect("patched");
    let message_id = sent["message_id"].as_str().expect("a message id");

    let (status, click) = post(
        &format!("{}/_emulator/click", emulator.url),
        json!({"user": "ou_node", "message_id": message_id, "button": "Approve"}),
    );
    assert_eq!(status, 200, "{click}");
    assert_eq!(click["delivered"], true, "{click}");
    assert_eq!(click["error"], Value::Null, "{click}");
    assert_eq!(
        click["toast"],
        json!({"type": "success", "content": "Approved by ou_node"})
    );
    let after = "Approved by ou_node (answered by the Node SDK)";
    assert_eq!(click["card"]["body"]["elements"][0]["content"], after);

    // What the SDK decrypted and handed to the bot.
    let action = script.expect("card_action");
    assert_eq!(action["open_id"], "ou_node");
    assert_eq!(action["message_id"], message_id);
    assert_eq!(action["value"], json!({"action": "approve"}));
    assert!(action["token"]
        .as_str()
        .is_some_and(|t| t.starts_with("c-")));

    let messages = get(&format!(
        "{}/_emulator/messages?chat_id=oc_node",
        emulator.url
    ));
    assert_eq!(messages[0]["card"]["body"]["elements"][0]["content"], after);
    script.finish();
}

#[test]
fn the_node_sdk_refuses_a_callback_signed_with_another_key() {
    let Some(node) = node_or_skip("the_node_sdk_refuses_a_callback_signed_with_another_key") else {
        return;
    };
    let emulator = common::start(&["--encrypt-key", "e-node", "--verification-token", "v-node"]);
    let script = Script::start(
        &node,
        "card-action-http",
        &emulator.url,
        ("another-key", "v-node"),
    );
    script.expect("listening");
    let sent = script.expect("patched");
    let message_id = sent["message_id"].as_str().expect("a message id");
    let before = get(&format!("{}/_emulator/messages", emulator.url))[0]["card"].clone();

    let (status, click) = post(
        &format!("{}/_emulator/click", emulator.url),
        json!({"user": "ou_node", "message_id": message_id, "button": "Approve"}),
    );
    assert_eq!(status, 200, "{click}");
    // The SDK's handler finds the signature wrong and answers nothing the user could see.
    assert!(click["error"]["code"].is_i64(), "{click}");
    assert_eq!(click["toast"], Value::Null, "{click}");
    assert_eq!(click["card"], before);
    let rest = script.finish();
    assert!(
        rest.iter().all(|r| r["step"] != "card_action"),
        "the bot's function must not run: {rest:?}"
    );
}

/// Polls `GET /_emulator/connections` until `ready` holds for the list, and returns it; fails
/// after [`CONNECT_LIMIT`].
fn connections_until(base: &str, what: &str, ready: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let listed = get(&format!("{base}/_emulator/connections"));
        let listed = listed.as_array().cloned().expect("a list");
        if ready(&listed) {
            return listed;
        }
        assert!(
            started.elapsed() < CONNECT_LIMIT,
            "waited {CONNECT_LIMIT:?} for {what}; the connections are {listed:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_node_sdk_ws_client_answers_a_click_over_the_long_connection() {
    let Some(node) =
        node_or_skip("the_node_sdk_ws_client_answers_a_click_over_the_long_connection")
    else {
        return;
    };
    let emulator = common::start(&PROMPT_LONG_CONNECTION);
    let script = Script::start(&node, "card-action-ws", &emulator.url, ("", ""));
    let sent = script.expect("sent");
    let message_id = sent["message_id"].as_str().expect("a message id");
    let ready = script.expect("ready");

    // The SDK pings as soon as it is connected, then every `PingInterval` of the endpoint's
    // answer: a second ping shows it read the emulator's ClientConfig.
    let connections = connections_until(&emulator.url, "the SDK's second ping", |c| {
        c.len() == 1 && c[0]["pings"].as_u64().is_some_and(|n| n >= 2)
    });
    let connection = &connections[0];
    assert_eq!(
        connection["wrong_service_pings"], 0,
        "the SDK's pings carry the service_id of its URL: {connection}"
    );
    assert_eq!(
        ready["device_id"], connection["device_id"],
        "the SDK read the device_id of its URL"
    );
    assert!(ready["service_id"]
        .as_str()
        .is_some_and(|s| s.parse::<i32>().is_ok()));

    let (status, click) = post(
        &format!("{}/_emulator/click", emulator.url),
        json!({"user": "ou_node", "message_id": message_id, "button": "Approve"}),
    );
    assert_eq!(status, 200, "{click}");
    assert_eq!(click["delivered"], true, "{click}");
    assert_eq!(click["error"], Value::Null, "{click}");
    assert_eq!(click["status"], 200, "{click}");
    assert_eq!(
        click["toast"],
        json!({"type": "success", "content": "Approved by ou_node over the long connection"})
    );
    let after = "Approved by ou_node (answered by the Node SDK's WSClient)";
    assert_eq!(
        click["card"]["body"]["elements"],
        json!([{"tag": "markdown", "content": after}]),
        "{click}"
    );
    assert_eq!(click["card_changed"], true);

    // What the SDK's EventDispatcher handed to the bot: the v2 event, header and event merged.
    let action = script.expect("card_action");
    assert_eq!(action["event_type"], "card.action.trigger");
    assert_eq!(action["event_id"], click["event_id"]);
    assert_eq!(action["app_id"], card_client::emulator::APP_ID);
    assert_eq!(
        action["operator"],
        json!({
            "tenant_key": card_client::emulator::TENANT_KEY,
            "open_id": "ou_node",
            "union_id": "on_node",
        })
    );
    assert_eq!(action["action"]["tag"], "button");
    assert_eq!(action["action"]["value"], json!({"action": "approve"}));
    assert_eq!(action["host"], "im_message");
    assert_eq!(
        action["context"],
        json!({"open_message_id": message_id, "open_chat_id": "oc_node"})
    );
    assert!(
        action["token"]
            .as_str()
            .is_some_and(|t| t.starts_with("c-")),
        "the event's update token, not the header's verification token: {action}"
    );

    let messages = get(&format!(
        "{}/_emulator/messages?chat_id=oc_node",
        emulator.url
    ));
    let messages = messages.as_array().expect("a list");
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["message_id"], message_id);
    assert_eq!(messages[0]["card"]["body"]["elements"][0]["content"], after);

    // Still the one connection: the SDK neither dropped nor replaced it.
    let now = get(&format!("{}/_emulator/connections", emulator.url));
    assert_eq!(now.as_array().map(Vec::len), Some(1), "{now}");
    assert_eq!(now[0]["id"], connection["id"]);

    let rest = script.finish();
    let seen = rest
        .iter()
        .find(|r| r["step"] == "sdk_seen")
        .unwrap_or_else(|| panic!("no `sdk_seen` from the Node script: {rest:?}"));
    assert_eq!(seen["errors"], json!([]), "the SDK logged errors");
    assert!(
        seen["pongs"].as_u64().is_some_and(|n| n >= 1),
        "the SDK applied no pong: {seen}"
    );
}

#[test]
fn the_node_sdk_ws_client_gives_up_when_the_endpoint_refuses_its_secret() {
    let Some(node) =
        node_or_skip("the_node_sdk_ws_client_gives_up_when_the_endpoint_refuses_its_secret")
    else {
        return;
    };
    let emulator = common::start(&PROMPT_LONG_CONNECTION);
    let script = Script::start(&node, "ws-refused", &emulator.url, ("", ""));
    // 514 is final: the SDK stops at once instead of retrying for ever.
    let refused = script.expect("refused");
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.contains("code=514")),
        "{refused}"
    );
    assert_eq!(refused["state"], "failed", "{refused}");
    let rest = script.finish();
    let seen = rest
        .iter()
        .find(|r| r["step"] == "sdk_seen")
        .unwrap_or_else(|| panic!("no `sdk_seen` from the Node script: {rest:?}"));
    assert_eq!(seen["pongs"], 0, "{seen}");
    let connections = get(&format!("{}/_emulator/connections", emulator.url));
    assert_eq!(connections, json!([]));
}

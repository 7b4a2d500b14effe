//! Several replicas of one bot sharing a real Redis: de-duplication, the tenant token, card
//! sequences and budgets, callback-token uses, and Redis going away mid-run.
//!
//! The tests read `REDIS_URL`. Without it they print why and pass when run by hand, and fail
//! under CI (`CI=true`), where `.ci/run` starts a Redis and sets it.

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use card_client::callback::{Answer, CallbackConfig, CallbackHandler};
use card_client::emulator::Emulator;
use card_client::store::{RedisStore, Store};
use card_client::{
    CallbackToken, CallbackTokenError, Client, CreateCard, DelayedUpdate, Error, SendMessage,
    StreamText, UpdateCard,
};
use common::{card, sequences_on};
use serde_json::json;

/// The Redis the tests share, or `None` (after saying why) when it is not configured here.
fn redis_url() -> Option<String> {
    match std::env::var("REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "REDIS_URL is not set under CI: .ci/run must start redis-server and export it"
                );
            }
            eprintln!(
                "SKIPPED: set REDIS_URL (e.g. redis://127.0.0.1:6379) to run the Redis tests"
            );
            None
        }
    }
}

/// An app id of its own for each test, so that runs and tests never share keys.
fn fresh_app() -> String {
    format!("cli_test_{}", uuid_like())
}

fn uuid_like() -> String {
    format!("{:016x}{:08x}", fastrand_u64(), std::process::id())
}

fn fastrand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

async fn emulator(app: &str) -> Emulator {
    Emulator::builder()
        .app(app, "secret")
        .speed(common::SPEED)
        .verification_token("v-token")
        .start()
        .await
        .expect("the emulator binds a loopback port")
}

async fn store(url: &str, app: &str) -> RedisStore {
    RedisStore::connect(url, app)
        .await
        .expect("REDIS_URL points at a running Redis")
}

/// `n` replicas: each its own connection to Redis and its own client, as separate processes.
async fn replicas(feishu: &Emulator, url: &str, n: usize) -> Vec<(RedisStore, Client)> {
    let mut out = Vec::new();
    for _ in 0..n {
        let store = store(url, feishu.app_id()).await;
        let client = feishu
            .client()
            .store(store.clone())
            .build()
            .expect("the client builds");
        out.push((store, client));
    }
    out
}

fn callback_body(event_id: &str) -> Vec<u8> {
    json!({"schema": "2.0",
        "header": {"event_id": event_id, "token": "v-token", "event_type": "card.action.trigger"},
        "event": {"token": "c-1", "operator": {"open_id": "ou_1"},
                  "action": {"tag": "button", "value": {"n": 1}}}})
    .to_string()
    .into_bytes()
}

const HEADERS: [(&str, &str); 1] = [("Content-Type", "application/json")];

/// Delivers `event_id` to `handler`, counting a run of the bot's function in `handled`.
async fn deliver(handler: &CallbackHandler, event_id: &str, handled: &Arc<AtomicUsize>) -> u16 {
    let handled = handled.clone();
    handler
        .handle(&HEADERS, &callback_body(event_id), move |_, _| async move {
            handled.fetch_add(1, Ordering::SeqCst);
            Answer::empty()
        })
        .await
        .status()
}

fn token_requests(feishu: &Emulator) -> usize {
    feishu
        .requests()
        .iter()
        .filter(|r| r.path.contains("tenant_access_token"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_event_delivered_to_every_replica_is_handled_once() {
    let Some(url) = redis_url() else { return };
    let app = fresh_app();
    let mut handlers = Vec::new();
    for _ in 0..3 {
        handlers.push(
            CallbackConfig::new("v-token")
                .event_store(store(&url, &app).await)
                .build(),
        );
    }
    let handled = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for event in 0..50 {
        for handler in &handlers {
            let handler = handler.clone();
            let handled = handled.clone();
            tasks.push(tokio::spawn(async move {
                deliver(&handler, &format!("ev-{event}"), &handled).await
            }));
        }
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("the delivery task joins"));
    }
    assert_eq!(
        handled.load(Ordering::SeqCst),
        50,
        "each event handled once"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 50);
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        100,
        "the other deliveries are replays"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_share_one_tenant_token() {
    let Some(url) = redis_url() else { return };
    let feishu = emulator(&fresh_app()).await;
    let replicas = replicas(&feishu, &url, 3).await;
    let mut tasks = Vec::new();
    for (_, client) in &replicas {
        for i in 0..5 {
            let client = client.clone();
            tasks.push(tokio::spawn(async move {
                client
                    .messages()
                    .send(SendMessage::to_chat("oc_team", card(&format!("hello {i}"))))
                    .await
            }));
        }
    }
    for task in tasks {
        task.await.expect("joins").expect("the message is sent");
    }
    assert_eq!(
        token_requests(&feishu),
        1,
        "one replica fetched the token for all"
    );
    assert_eq!(feishu.messages_in_chat("oc_team").len(), 15);

    // Feishu refuses the token: one replica fetches a new one, and the others read it.
    feishu.expire_tokens();
    for (_, client) in &replicas {
        client
            .messages()
            .send(SendMessage::to_chat("oc_team", card("after expiry")))
            .await
            .expect("sent with a new token");
    }
    assert_eq!(token_requests(&feishu), 2, "the new token was fetched once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn interleaved_updates_from_three_replicas_keep_sequence_and_budget() {
    let Some(url) = redis_url() else { return };
    let feishu = emulator(&fresh_app()).await;
    let replicas = replicas(&feishu, &url, 3).await;
    let streaming = json!({"schema": "2.0", "config": {"streaming_mode": true},
        "body": {"elements": [{"tag": "markdown", "element_id": "md", "content": "…"}]}});
    let card_id = replicas[0]
        .1
        .cards()
        .create(CreateCard::new(streaming))
        .await
        .expect("created");
    let mut tasks = Vec::new();
    for (r, (_, client)) in replicas.iter().enumerate() {
        let client = client.clone();
        let card_id = card_id.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..20 {
                let text = format!("replica {r} update {i}");
                if i % 5 == 4 {
                    let full = json!({"schema": "2.0", "config": {"streaming_mode": true},
                        "body": {"elements": [{"tag": "markdown", "element_id": "md", "content": text}]}});
                    client
                        .cards()
                        .update(UpdateCard::new(&card_id, full))
                        .await?;
                } else {
                    client
                        .elements(&card_id)
                        .stream_text(StreamText::new("md", text))
                        .await?;
                }
            }
            Ok::<(), Error>(())
        }));
    }
    for task in tasks {
        task.await.expect("joins").expect("every update succeeds");
    }
    let sequences = sequences_on(&feishu, &card_id);
    assert_eq!(
        sequences.len(),
        60,
        "no update needed a retry: {sequences:?}"
    );
    assert!(
        sequences.windows(2).all(|w| w[0] < w[1]),
        "sequences reach Feishu strictly increasing: {sequences:?}"
    );
    let codes: Vec<i64> = feishu.requests().iter().filter_map(|r| r.code).collect();
    assert!(!codes.contains(&300317), "no sequence conflict: {codes:?}");
    assert_eq!(feishu.rate_violations(), 0, "the per-card budget held");
    let last = replicas[2].1.card_sequence(&card_id).await;
    assert_eq!(last.map(i64::from), sequences.last().copied());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_third_use_of_a_callback_token_is_refused_before_any_request() {
    let Some(url) = redis_url() else { return };
    let feishu = emulator(&fresh_app()).await;
    let replicas = replicas(&feishu, &url, 3).await;
    let shared = json!({"schema": "2.0", "config": {"update_multi": true},
        "body": {"elements": [{"tag": "markdown", "content": "v0"}]}});
    let sent = replicas[0]
        .1
        .messages()
        .send(SendMessage::to_chat("oc_team", shared))
        .await
        .expect("sent");
    let token = feishu
        .mint_callback_token(&sent.message_id)
        .expect("a token for the message");
    let update = |n: usize| {
        DelayedUpdate::new(json!({"schema": "2.0", "config": {"update_multi": true},
            "body": {"elements": [{"tag": "markdown", "content": format!("v{n}")}]}}))
    };
    for (n, (_, client)) in replicas.iter().take(2).enumerate() {
        // Each replica got the token its own way (a copy, not a clone sharing the count).
        let token = CallbackToken::new(token.clone());
        client
            .delayed()
            .update(&token, update(n + 1))
            .await
            .expect("two uses are allowed");
    }
    let third = CallbackToken::new(token.clone());
    let err = replicas[2]
        .1
        .delayed()
        .update(&third, update(3))
        .await
        .expect_err("the third use is refused");
    assert!(
        matches!(
            err,
            Error::CallbackToken(CallbackTokenError::UsedUp { uses: 2 })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("messages().patch"), "{err}");
    assert_eq!(third.uses(), 2);
    let delayed = feishu
        .requests()
        .iter()
        .filter(|r| r.path.contains("/interactive/v1/card/update"))
        .count();
    assert_eq!(delayed, 2, "the third use never reached Feishu");
}

/// A redis-server of the test's own, on a free loopback port, persisting every write so that a
/// restart keeps its data (as a production Redis does).
struct OwnRedis {
    port: u16,
    dir: std::path::PathBuf,
    child: Option<Child>,
}

impl OwnRedis {
    fn start() -> Option<OwnRedis> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let dir = std::env::temp_dir().join(format!("feishu-card-redis-{port}-{}", uuid_like()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let mut redis = OwnRedis {
            port,
            dir,
            child: None,
        };
        redis.spawn()?;
        Some(redis)
    }

    fn spawn(&mut self) -> Option<()> {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
            ])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match child {
            Ok(child) => {
                self.child = Some(child);
                Some(())
            }
            Err(e) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("redis-server cannot start under CI: {e}");
                }
                eprintln!("SKIPPED: redis-server cannot start here: {e}");
                None
            }
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    async fn ready(&self) {
        for _ in 0..500 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("redis-server did not open port {}", self.port);
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Waits until the store answers again (its connection reconnects by itself).
async fn until_store_answers(store: &RedisStore) {
    for _ in 0..200 {
        if Store::claim_event(store, "probe", "probe", Duration::from_secs(1))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the store never reconnected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_going_away_gives_clear_errors_and_nothing_is_handled_twice() {
    if redis_url().is_none() {
        return;
    }
    let Some(mut redis) = OwnRedis::start() else {
        return;
    };
    redis.ready().await;
    let feishu = emulator(&fresh_app()).await;
    let replicas = replicas(&feishu, &redis.url(), 2).await;
    let handlers: Vec<CallbackHandler> = replicas
        .iter()
        .map(|(store, client)| {
            CallbackConfig::new("v-token")
                .event_store(store.clone())
                .client(client.clone())
                .build()
        })
        .collect();
    let handled = Arc::new(AtomicUsize::new(0));
    assert_eq!(deliver(&handlers[0], "before", &handled).await, 200);
    let card_id = replicas[0]
        .1
        .cards()
        .create(CreateCard::new(card("v0")))
        .await
        .expect("created");
    let sent = replicas[0]
        .1
        .messages()
        .send(SendMessage::to_chat("oc_team", card("shared")))
        .await
        .expect("sent");
    let token = feishu.mint_callback_token(&sent.message_id).expect("token");

    redis.stop();

    // De-duplication cannot be checked: the callback is refused with 503 (Feishu delivers it
    // again later), never handled on one replica's word.
    for handler in &handlers {
        assert_eq!(deliver(handler, "during", &handled).await, 503);
    }
    assert_eq!(handled.load(Ordering::SeqCst), 1);
    let to_feishu = || {
        feishu
            .requests()
            .iter()
            .filter(|r| !r.path.contains("tenant_access_token"))
            .count()
    };
    let before = to_feishu();
    let err = replicas[1]
        .1
        .cards()
        .update(UpdateCard::new(&card_id, card("v1")))
        .await
        .expect_err("no sequence without the store");
    assert!(err.is_store_unreachable(), "{err}");
    let text = err.to_string();
    assert!(text.contains(&redis.url()), "names the URL: {text}");
    assert!(
        text.contains("redis-server is running"),
        "says what to check: {text}"
    );
    let err = replicas[1]
        .1
        .delayed()
        .update(
            &CallbackToken::new(token.clone()),
            DelayedUpdate::new(card("late")),
        )
        .await
        .expect_err("no use count without the store");
    assert!(err.is_store_unreachable(), "{err}");
    assert_eq!(
        to_feishu(),
        before,
        "nothing but a token request reached Feishu while the store was away"
    );
    // A message needs only the token, which each replica keeps too.
    replicas[1]
        .1
        .messages()
        .send(SendMessage::to_chat("oc_team", card("still sending")))
        .await
        .expect("messages still go out");

    redis.spawn().expect("redis-server starts again");
    redis.ready().await;
    for (store, _) in &replicas {
        until_store_answers(store).await;
    }

    // Feishu delivers both events again, to both replicas at once: each is handled once.
    let mut tasks = Vec::new();
    for event in ["before", "during"] {
        for handler in &handlers {
            let handler = handler.clone();
            let handled = handled.clone();
            tasks.push(tokio::spawn(async move {
                deliver(&handler, event, &handled).await
            }));
        }
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("joins"));
    }
    assert_eq!(
        handled.load(Ordering::SeqCst),
        2,
        "`before` was not handled again, `during` once: {statuses:?}"
    );
    replicas[1]
        .1
        .cards()
        .update(UpdateCard::new(&card_id, card("v1")))
        .await
        .expect("CardKit writes work again");
    let sequences = sequences_on(&feishu, &card_id);
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
}

/// The text of the markdown element `answer` in the emulator's copy of `card_id`.
fn answer_text(feishu: &Emulator, card_id: &str) -> Option<String> {
    let card = feishu.card(card_id)?;
    card.json["body"]["elements"]
        .as_array()?
        .iter()
        .find(|e| e["element_id"] == "answer")
        .and_then(|e| e["content"].as_str())
        .map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stream_whose_owner_dies_is_taken_over_with_no_text_lost() {
    let Some(url) = redis_url() else { return };
    let feishu = emulator(&fresh_app()).await;
    const KEY: &str = "om_question_42";

    // The first replica runs on a runtime of its own, so that it can die: its tasks stop
    // without finishing anything.
    let owner_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime for the first replica");
    let (started, card) = tokio::sync::oneshot::channel();
    let owner_builder = feishu.client().timeout(Duration::from_secs(2));
    let owner_url = url.clone();
    let app = feishu.app_id().to_owned();
    owner_runtime.spawn(async move {
        let store = RedisStore::connect(&owner_url, &app).await.expect("Redis");
        let client = owner_builder.store(store).build().expect("client");
        let stream = client
            .stream()
            .to_chat("oc_team")
            .shared(KEY)
            .start()
            .await
            .expect("the stream starts");
        stream.push_delta("The first half, ");
        stream.push_delta("streamed by replica A. ");
        let _ = started.send(stream.cards()[0].card_id.clone());
        // Alive until its runtime dies.
        std::future::pending::<()>().await;
        drop(stream);
    });
    let card_id = card.await.expect("the first replica started its stream");
    let shown = "The first half, streamed by replica A. ";
    let (b_store, b) = replicas(&feishu, &url, 1).await.remove(0);
    // Shown by Feishu, and saved by replica A for whoever takes over.
    for _ in 0..2000 {
        let saved = b_store
            .checkpoint(KEY)
            .await
            .expect("Redis")
            .unwrap_or_default();
        if answer_text(&feishu, &card_id).as_deref() == Some(shown) && saved.contains(shown) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(answer_text(&feishu, &card_id).as_deref(), Some(shown));

    let err = b
        .stream()
        .to_chat("oc_team")
        .take_over(KEY)
        .await
        .expect_err("the owner is alive and renews its lease");
    assert!(err.to_string().contains("alive"), "{err}");

    owner_runtime.shutdown_background();

    let stream = b
        .stream()
        .to_chat("oc_team")
        .take_over(KEY)
        .await
        .expect("the lease lapsed: replica B takes the stream over");
    assert_eq!(
        stream.text(),
        shown,
        "it goes on from the text Feishu shows"
    );
    stream.push_delta("The second half, by replica B.");
    let summary = stream
        .finish(card_client::stream::FinalCard::Text)
        .await
        .expect("replica B finishes the stream");
    let whole = "The first half, streamed by replica A. The second half, by replica B.";
    assert_eq!(summary.text, whole);
    assert_eq!(summary.cards.len(), 1, "the same card, no new message");
    assert_eq!(summary.cards[0].card_id, card_id);
    assert_eq!(answer_text(&feishu, &card_id).as_deref(), Some(whole));
    assert_eq!(feishu.messages_in_chat("oc_team").len(), 1);
    let sequences = sequences_on(&feishu, &card_id);
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
    assert_eq!(feishu.rate_violations(), 0);

    let again = b.stream().to_chat("oc_team").take_over(KEY).await;
    assert!(
        again.is_err_and(|e| e.to_string().contains("it finished")),
        "a finished stream is not taken over again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_claim_whose_holder_vanishes_is_handled_by_another_replica_once() {
    let Some(url) = redis_url() else { return };
    let app = fresh_app();
    let handled_by = Arc::new(std::sync::Mutex::new(Vec::<&'static str>::new()));

    // Replica A runs on a runtime of its own, so that it can die while its function runs,
    // after claiming the event and before answering.
    let a_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime for replica A");
    let (started_tx, started) = tokio::sync::oneshot::channel();
    let a_url = url.clone();
    let a_app = app.clone();
    let a_handled = handled_by.clone();
    a_runtime.spawn(async move {
        let handler = CallbackConfig::new("v-token")
            .event_store(store(&a_url, &a_app).await)
            .build();
        let _ = handler
            .handle(
                &HEADERS,
                &callback_body("ev-vanished"),
                move |_, _| async move {
                    a_handled.lock().expect("records").push("a");
                    let _ = started_tx.send(());
                    // Dies before answering.
                    std::future::pending::<Answer>().await
                },
            )
            .await;
    });
    started
        .await
        .expect("replica A claimed the event and runs its function");
    a_runtime.shutdown_background();

    let handlers: Vec<(&'static str, CallbackHandler)> = vec![
        (
            "b",
            CallbackConfig::new("v-token")
                .event_store(store(&url, &app).await)
                .build(),
        ),
        (
            "c",
            CallbackConfig::new("v-token")
                .event_store(store(&url, &app).await)
                .build(),
        ),
    ];
    let deliver_to = |who: &'static str, handler: CallbackHandler| {
        let handled_by = handled_by.clone();
        async move {
            let answer = handler
                .handle(
                    &HEADERS,
                    &callback_body("ev-vanished"),
                    move |_, _| async move {
                        handled_by.lock().expect("records").push(who);
                        Answer::empty()
                    },
                )
                .await;
            (answer.status(), answer.error().cloned())
        }
    };

    // Delivered again at once: A's claim still holds, so the delivery is not answered as done
    // (503: Feishu delivers it again), and nothing runs.
    let (status, error) = deliver_to("b", handlers[0].1.clone()).await;
    assert_eq!(status, 503, "{error:?}");
    assert!(
        matches!(&error, Some(card_client::callback::CallbackError::InProgress { event_id }) if event_id == "ev-vanished"),
        "{error:?}"
    );
    assert_eq!(*handled_by.lock().expect("records"), vec!["a"]);

    // Feishu delivers it again to both replicas at once, after A's claim lapsed (it covers the
    // deadline and a second more): one of them handles it, the other finds it handled.
    tokio::time::sleep(card_client::callback::EVENT_CLAIM_LEASE).await;
    let (b, c) = tokio::join!(
        deliver_to("b", handlers[0].1.clone()),
        deliver_to("c", handlers[1].1.clone())
    );
    let mut statuses = [b.0, c.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{b:?} {c:?}");
    let handled = handled_by.lock().expect("records").clone();
    assert_eq!(handled.len(), 2, "A's run and one more: {handled:?}");
    assert_ne!(handled[1], "a");

    // Later deliveries are duplicates, to any replica.
    for (_, handler) in &handlers {
        let (status, _) = deliver_to("late", handler.clone()).await;
        assert_eq!(status, 409);
    }
    assert_eq!(handled_by.lock().expect("records").len(), 2);
}

//! What sharing the client's state costs per operation: the same store operations in this
//! process's memory (`MemoryStore`, and the callback handler's default `MemoryEventStore`) and
//! in Redis (`RedisStore`, over loopback). Reads `REDIS_URL`; without it only the in-memory
//! side runs.
//!
//! Then one CardKit write (an element patch) through a `Client` against the emulator, with the
//! default in-process state and with the Redis store: what a replica pays per write.
//!
//! `cargo bench -p card-client --features emulator,redis --bench store`

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

use card_client::callback::{EventStore, MemoryEventStore};
use card_client::emulator::Emulator;
use card_client::store::{Budget, CardTurn, MemoryStore, RedisStore, Store, TokenUse};
use card_client::Secret;
use card_client::{CreateCard, PatchElement};

fn stores(runtime: &tokio::runtime::Runtime, app: &str) -> Vec<(&'static str, Box<dyn Store>)> {
    let mut stores: Vec<(&'static str, Box<dyn Store>)> =
        vec![("memory", Box::new(MemoryStore::new(app)))];
    match std::env::var("REDIS_URL") {
        Ok(url) if !url.is_empty() => {
            let redis = runtime
                .block_on(RedisStore::connect(&url, app))
                .expect("REDIS_URL points at a running Redis");
            stores.push(("redis", Box::new(redis)));
        }
        _ => eprintln!("REDIS_URL is not set: only the in-memory store is measured"),
    }
    stores
}

fn store(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let app = format!("cli_bench_{}", std::process::id());
    let stores = stores(&runtime, &app);
    let n = AtomicU64::new(0);
    let next = || n.fetch_add(1, Ordering::Relaxed);

    let mut group = c.benchmark_group("store");
    let events = MemoryEventStore::default();
    group.bench_function("event de-duplication/default MemoryEventStore", |b| {
        b.to_async(&runtime).iter(|| async {
            let id = format!("ev-{}", next());
            events
                .claim(&id, "bench", Duration::from_secs(4))
                .await
                .expect("ok");
            events.finish(&id, "bench").await.expect("ok")
        })
    });
    // Budgets wide enough never to wait: the operation's cost alone.
    let budget = Budget::new(64, Duration::from_millis(1), Duration::from_secs(30));
    for (name, store) in &stores {
        let store = store.as_ref();
        group.bench_function(format!("event de-duplication/{name}"), |b| {
            b.to_async(&runtime).iter(|| async {
                let id = format!("ev-{}", next());
                store
                    .claim_event(&id, "bench", Duration::from_secs(4))
                    .await
                    .expect("ok");
                store
                    .finish_event(&id, "bench", Duration::from_secs(60))
                    .await
                    .expect("ok")
            })
        });
        runtime
            .block_on(store.put_token(&Secret::new("t-bench"), Duration::from_secs(600)))
            .expect("token");
        group.bench_function(format!("read the tenant token/{name}"), |b| {
            b.to_async(&runtime)
                .iter(|| async { store.token().await.expect("ok") })
        });
        // One CardKit write's share: its turn (lock, budget, sequence) and its end. Cards
        // rotate so that the 64-per-millisecond budget never makes a turn wait.
        group.bench_function(format!("card turn + done/{name}"), |b| {
            b.to_async(&runtime).iter(|| async {
                let card = format!("card-{}", next() % 4096);
                match store.card_turn(&card, "bench", budget).await.expect("ok") {
                    CardTurn::Go { sequence } => store
                        .card_done(&card, "bench", sequence, true)
                        .await
                        .expect("ok"),
                    other => panic!("the budget never waits here: {other:?}"),
                }
            })
        });
        group.bench_function(format!("callback token use/{name}"), |b| {
            b.to_async(&runtime).iter(|| async {
                let digest = format!("d-{}", next());
                let used = store
                    .use_callback_token(&digest, 2, Duration::from_secs(60))
                    .await
                    .expect("ok");
                assert_eq!(used, TokenUse::Granted(1));
            })
        });
        group.bench_function(format!("stream lease renewal/{name}"), |b| {
            b.to_async(&runtime).iter(|| async {
                store
                    .lock("stream:bench", "bench", Duration::from_secs(10))
                    .await
                    .expect("ok")
            })
        });
    }
    group.finish();

    // A fast clock (10,000 emulated seconds per real second), as in the overhead bench, so
    // that the per-card budget does not dominate: the cost of the state alone.
    let feishu = runtime.block_on(async {
        Emulator::builder()
            .app(app.clone(), "secret")
            .speed(10_000.0)
            .start()
            .await
            .expect("emulator")
    });
    let mut group = c.benchmark_group("element patch through Client");
    let mut clients = vec![("in-process state", feishu.client().build().expect("client"))];
    if let Ok(url) = std::env::var("REDIS_URL") {
        if !url.is_empty() {
            let redis = runtime
                .block_on(RedisStore::connect(&url, &app))
                .expect("Redis");
            clients.push((
                "redis store",
                feishu.client().store(redis).build().expect("client"),
            ));
        }
    }
    for (name, client) in &clients {
        let card_id = runtime.block_on(async {
            client
                .cards()
                .create(CreateCard::new(
                    serde_json::json!({"schema": "2.0", "body": {"elements": [
                        {"tag": "markdown", "element_id": "answer", "content": "…"}
                    ]}}),
                ))
                .await
                .expect("card")
        });
        group.bench_function(*name, |b| {
            b.to_async(&runtime).iter(|| async {
                client
                    .elements(&card_id)
                    .patch(PatchElement::new(
                        "answer",
                        serde_json::json!({"content": format!("n {}", next())}),
                    ))
                    .await
                    .expect("patched")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, store);
criterion_main!(benches);

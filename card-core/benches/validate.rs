//! Validation cost against the plain JSON parse it starts with: the whole v2 corpus, from
//! bytes. The goal is at most 1.5× `serde_json::from_slice::<Value>`. Also the typed read
//! (`Card::from_slice`) of every corpus card the model reads.
//!
//! `cargo bench -p card-core --bench validate -- --quick`

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn corpus() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/v2");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e} (is `shared/` next to the checkout?)",
                dir.display()
            )
        })
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect()
}

fn bench(c: &mut Criterion) {
    let cards = corpus();
    let bytes: usize = cards.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("validate");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            for card in &cards {
                let value: serde_json::Value =
                    serde_json::from_slice(black_box(card)).expect("corpus cards are JSON");
                black_box(value);
            }
        })
    });
    group.bench_function("validate", |b| {
        b.iter(|| {
            for card in &cards {
                let diagnostics = card_core::validate::validate_slice(black_box(card))
                    .expect("corpus cards are JSON");
                black_box(diagnostics);
            }
        })
    });
    group.finish();

    // The typed read of every corpus card the model reads, from bytes.
    let typed: Vec<&Vec<u8>> = cards
        .iter()
        .filter(|card| card_core::model::Card::from_slice(card).is_ok())
        .collect();
    let bytes: usize = typed.iter().map(|card| card.len()).sum();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("card_from_slice", |b| {
        b.iter(|| {
            for card in &typed {
                let card = card_core::model::Card::from_slice(black_box(card))
                    .expect("the card was read before");
                black_box(card);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

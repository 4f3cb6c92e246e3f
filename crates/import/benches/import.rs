//! Import throughput of the text layout (target: ≥100 MB/s per core): `read_text` over the seed
//! document (15 forms, 56 KB) and over the seed repeated to ~5 MB, with the two stages apart
//! (`text::grid`: text → cells; `form_reader::read_forms`: cells → forms).
//!
//! `cargo bench -p jixiao-import --bench import`; profile with
//! `perf record -g target/release/deps/import-* --bench --profile-time 5 read_text/seed-5MB`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jixiao_import::{form_reader, read_bytes, read_text, text};

/// The allocator of the jixiao binary, so that the figures are what the CLI and the server get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SEED: &str = include_str!("../../../examples/2024-shanghai-cgj-selfeval.txt");

/// The seed repeated (a blank line between copies) until it is at least `bytes` long.
fn repeated(bytes: usize) -> String {
    let mut doc = String::with_capacity(bytes + SEED.len() + 1);
    while doc.len() < bytes {
        doc.push_str(SEED);
        doc.push('\n');
    }
    doc
}

fn import(c: &mut Criterion) {
    let big = repeated(5_000_000);
    let copies = big.len() / (SEED.len() + 1);
    assert_eq!(read_text(SEED).forms.len(), 15);
    assert_eq!(read_text(&big).forms.len(), 15 * copies);

    let mut group = c.benchmark_group("read_text");
    group.throughput(Throughput::Bytes(SEED.len() as u64));
    group.bench_function("seed", |b| b.iter(|| read_text(black_box(SEED))));
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.sample_size(10);
    group.bench_function("seed-5MB", |b| b.iter(|| read_text(black_box(&big))));
    group.finish();

    // The stages of `read_text`, and `read_bytes` (decoding first), over the seed.
    let mut group = c.benchmark_group("stages");
    group.throughput(Throughput::Bytes(SEED.len() as u64));
    group.bench_function("grid", |b| b.iter(|| text::grid(black_box(SEED))));
    let rows = text::grid(SEED);
    group.bench_function("read_forms", |b| {
        b.iter(|| form_reader::read_forms(black_box(&rows)))
    });
    group.bench_function("read_bytes", |b| {
        b.iter(|| read_bytes(black_box(SEED.as_bytes())))
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);

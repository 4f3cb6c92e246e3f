//! Score and audit throughput over the 15 seed forms (target: ≥100,000 forms/s per core).
//!
//! `cargo bench --profile release-lto -p jixiao-core --bench audit` (the build to ship; without
//! `--profile`, the plain release build); figures go to bench/RESULTS.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jixiao_core::{Profile, audit, json};

/// The allocator of the jixiao binary, so that the figures are what the CLI and the server get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn seed_forms(c: &mut Criterion) {
    let text = include_str!("../../../examples/2024-shanghai-cgj-selfeval.json");
    let forms = json::forms_from_str(text).expect("seed JSON");
    let mut group = c.benchmark_group("seed");
    group.throughput(Throughput::Elements(forms.len() as u64));
    for name in ["shanghai", "national"] {
        let profile = Profile::builtin(name).expect("profile");
        group.bench_function(format!("audit/{name}"), |b| {
            b.iter(|| {
                forms
                    .iter()
                    .map(|form| {
                        audit::audit(std::hint::black_box(form), &profile)
                            .findings
                            .len()
                    })
                    .sum::<usize>()
            })
        });
    }
    group.bench_function("parse-json", |b| {
        b.iter(|| json::forms_from_str(std::hint::black_box(text)).map(|forms| forms.len()))
    });
    group.finish();
}

criterion_group!(benches, seed_forms);
criterion_main!(benches);

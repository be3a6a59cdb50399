//! Decomposition time of Clements and Reck meshes on seeded Haar unitaries,
//! N = 16 … 1024. Run: cargo bench -p optc --bench factorization
//! (filter e.g. `-- clements/128`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use optc::factor::random::haar_unitary;
use optc::factor::{clements, reck};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::time::Duration;

fn decomposition(c: &mut Criterion) {
    for n in [16usize, 64, 128, 256, 512, 1024] {
        let u = haar_unitary(n, &mut ChaCha8Rng::seed_from_u64(n as u64));
        let mut group = c.benchmark_group(format!("decompose/{n}"));
        if n >= 256 {
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(if n >= 1024 { 25 } else { 8 }));
        }
        group.bench_with_input(BenchmarkId::new("clements", n), &u, |b, u| {
            b.iter(|| clements(black_box(u)))
        });
        group.bench_with_input(BenchmarkId::new("reck", n), &u, |b, u| {
            b.iter(|| reck(black_box(u)))
        });
        group.finish();
    }
}

criterion_group!(benches, decomposition);
criterion_main!(benches);

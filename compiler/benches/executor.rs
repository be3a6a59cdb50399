//! Elements/s of the reducer executor, 8 servers × 4 bits, ideal path and
//! the realistic device (with per-sample detector noise).
//! Run: cargo bench -p optc --bench executor

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use optc::reducer::design::{self, OnnOptions};
use optc_model::contract::Contract;
use optc_sim::reducer::device::{realistic, DeviceInstance};
use optc_sim::reducer::executor::ReducerExecutor;
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn bench(c: &mut Criterion) {
    let Ok(contract) = Contract::mean(8, 4) else {
        return;
    };
    let Ok(circuit) = design::onn(&contract, &OnnOptions::default()) else {
        return;
    };
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let elements = 1 << 22;
    let codes: Vec<i32> = (0..elements * 8).map(|_| rng.gen_range(-7..=7)).collect();
    let mut out = vec![0i32; elements];
    let ideal = ReducerExecutor::new(&circuit, &contract, &DeviceInstance::ideal(&circuit), 1);
    let dev = DeviceInstance::sample(&circuit, &realistic(), &mut rng);
    let noisy = ReducerExecutor::new(&circuit, &contract, &dev, 1);
    let mut g = c.benchmark_group("reduce_8x4b");
    g.throughput(Throughput::Elements(elements as u64));
    g.sample_size(10);
    g.bench_function("ideal", |b| b.iter(|| ideal.reduce(&codes, &mut out)));
    g.bench_function("realistic_device", |b| {
        b.iter(|| noisy.reduce(&codes, &mut out))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Elements/s of the digit-serial executor `optc reduce` builds for the
//! optinc_4x8b design (4 servers × 8 bits over PAM4, 4 stages; ideal path:
//! one per-level table per stage from one netlist batch each, then the
//! chain per element), and of a realistic chip through every stage's plan.
//! Run: cargo bench -p optc --bench reduce_digit_serial

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use optc::passes::emitted::resolve;
use optc::reducer::design::OnnOptions;
use optc::reducer::digit_serial::build;
use optc::reducer::train::TrainOptions;
use optc_model::device::DeviceParams;
use optc_model::digit_serial::DigitSerial;
use optc_sim::reducer::digit_serial::DigitSerialChip;
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn bench(c: &mut Criterion) {
    let Ok(chain) = DigitSerial::new(4, 8) else {
        return;
    };
    let device = DeviceParams::REALISTIC;
    let training = TrainOptions {
        steps: 300,
        lr: 0.001,
        seed: 42,
        noise_aware: false,
        device,
        ..TrainOptions::default()
    };
    let Ok((net, phases, _)) = build("bench", chain, &device, &OnnOptions::default(), &training)
    else {
        return;
    };
    let Ok((circuit, settings)) = resolve(&net, &phases) else {
        return;
    };
    let Ok(ideal) = DigitSerialChip::new(&net, &circuit, &settings, &device.nominal(), 0) else {
        return;
    };
    let Ok(exec) = ideal.executor(1) else {
        return;
    };
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let elements = 1 << 22;
    let codes: Vec<i32> = (0..elements * 4)
        .map(|_| rng.gen_range(-127..=127))
        .collect();
    let mut out = vec![0i32; elements];
    let mut g = c.benchmark_group("digit_serial_reduce_4x8b");
    g.throughput(Throughput::Elements(elements as u64));
    g.sample_size(10);
    g.bench_function("ideal", |b| b.iter(|| exec.reduce(&codes, &mut out)));
    g.finish();
    let Ok(chip) = DigitSerialChip::new(&net, &circuit, &settings, &device, 3) else {
        return;
    };
    let Ok(direct) = chip.executor(1) else {
        return;
    };
    let few = 1 << 14;
    let mut g = c.benchmark_group("digit_serial_reduce_4x8b_realistic");
    g.throughput(Throughput::Elements(few as u64));
    g.sample_size(10);
    g.bench_function("direct", |b| {
        b.iter(|| direct.reduce(&codes[..few * 4], &mut out[..few]))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

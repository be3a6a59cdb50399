//! Elements/s of the executor `optc reduce` builds from an emitted netlist
//! (8 servers × 4 bits, photonic-ADC design, ideal path: the per-sum table
//! from one netlist batch, then lookups; and a realistic chip, whose
//! response depends on each code, through the plan element by element).
//! Run: cargo bench -p optc --bench reduce

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use optc::emit::emit_reducer;
use optc::reducer::design::{self, OnnOptions};
use optc_formats::netlist::Circuit;
use optc_model::contract::Contract;
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::reducer::netlist_run::NetlistReducer;
use optc_sim::simulate::Plan;
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
    let Ok((netlist, phases)) = emit_reducer(&circuit, "bench", None) else {
        return;
    };
    let text = netlist.to_yaml();
    let Ok(net) = Circuit::new(&netlist, "bench.netlist.yaml", &text) else {
        return;
    };
    let Ok(settings) = phases.resolve(&net, "bench.phases.yaml", &phases.to_yaml()) else {
        return;
    };
    let plan = Plan::new(
        &net,
        &settings,
        &DeviceInstance::sample(&DeviceParams::IDEAL, &net, 0),
    );
    let Some(iface) = netlist.reducer.as_ref() else {
        return;
    };
    let Ok(runner) = NetlistReducer::new(iface, &plan) else {
        return;
    };
    let Ok(exec) = runner.executor(&plan, 0.0, 1) else {
        return;
    };
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let elements = 1 << 22;
    let codes: Vec<i32> = (0..elements * 8).map(|_| rng.gen_range(-7..=7)).collect();
    let mut out = vec![0i32; elements];
    let mut g = c.benchmark_group("netlist_reduce_8x4b");
    g.throughput(Throughput::Elements(elements as u64));
    g.sample_size(10);
    g.bench_function("ideal", |b| b.iter(|| exec.reduce(&codes, &mut out)));
    g.bench_function("build_table", |b| {
        b.iter(|| runner.executor(&plan, 0.0, 1).map(|e| e.has_noise()))
    });
    g.finish();
    // A realistic chip: its imbalanced input combiner weighs servers
    // differently, so every element goes through the plan (with noise).
    let chip = DeviceInstance::sample(&DeviceParams::REALISTIC.without_detector_noise(), &net, 3);
    let chip_plan = Plan::new(&net, &settings, &chip);
    let Ok(direct) = runner.executor(&chip_plan, DeviceParams::REALISTIC.detector_noise, 1) else {
        return;
    };
    let few = 1 << 16;
    let mut g = c.benchmark_group("netlist_reduce_8x4b_realistic");
    g.throughput(Throughput::Elements(few as u64));
    g.sample_size(10);
    g.bench_function("direct", |b| {
        b.iter(|| direct.reduce(&codes[..few * 8], &mut out[..few]))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

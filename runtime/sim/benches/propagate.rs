//! Batched propagation of 100,000 field vectors through a 64-mode Clements
//! mesh (random settings): the plan executor (ideal, and noisy with a
//! detector per output) against a dense complex matrix product with the
//! composed transfer matrix (nalgebra), in the same run.

use criterion::{criterion_group, criterion_main, Criterion};
use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_formats::builder::NetlistBuilder;
use optc_formats::netlist::Circuit;
use optc_model::mesh::Mesh;
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::simulate::Plan;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::time::Duration;

const MODES: usize = 64;
const BATCH: usize = 100_000;

fn plan(mesh: &Mesh, detect: bool, params: &DeviceParams) -> Plan {
    let mut b = NetlistBuilder::new("bench", mesh.modes);
    b.add_mesh(mesh, 0, "");
    if detect {
        for m in 0..mesh.modes {
            b.add_detector(m, None, &format!("det{m}"));
        }
    }
    let (netlist, phases) = b.build().expect("builder");
    let text = netlist.to_yaml();
    let circuit = Circuit::new(&netlist, "bench", &text).expect("valid");
    let settings = phases
        .resolve(&circuit, "bench", &phases.to_yaml())
        .expect("phases");
    Plan::new(
        &circuit,
        &settings,
        &DeviceInstance::sample(params, &circuit, 1),
    )
}

fn bench(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mesh = optc_model::mesh::random_clements(MODES, &mut rng);
    assert_eq!(mesh.mzis.len(), MODES * (MODES - 1) / 2);
    let x = DMatrix::from_fn(BATCH, MODES, |_, _| {
        Complex64::new(rng.gen_range(-1.0..1.0), rng.gen_range(-1.0..1.0))
    });
    let ideal = plan(&mesh, false, &DeviceParams::IDEAL);
    let noisy = plan(&mesh, true, &DeviceParams::REALISTIC);
    // The composed matrix, applied to row vectors: Y = X·Uᵀ.
    let ut = mesh.matrix().transpose();
    let check = ideal.run(&x.rows(0, 1000).into_owned(), 0).expect("run");
    let dense = x.rows(0, 1000) * &ut;
    let err = check
        .iter()
        .zip(dense.iter())
        .map(|(a, b)| (a - b).norm())
        .fold(0.0, f64::max);
    assert!(err < 1e-12, "plan and dense product disagree: {err}");

    let mut g = c.benchmark_group("propagate_64x100k");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(2));
    g.bench_function("plan_ideal", |b| {
        b.iter(|| black_box(ideal.run(&x, 0).expect("run")))
    });
    g.bench_function("dense_nalgebra", |b| b.iter(|| black_box(&x * &ut)));
    g.bench_function("plan_noisy_detected", |b| {
        b.iter(|| black_box(noisy.run(&x, 7).expect("run")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

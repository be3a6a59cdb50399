//! End-to-end tests of the reducer: designs, evaluation, executor, training.

use crate::reducer::design::{self, LayerWeights, OnnOptions};
use crate::reducer::train::{loss_and_grad, train, TrainOptions};
use num_complex::Complex64;
use optc_model::contract::{Contract, Coverage};
use optc_sim::device::DeviceParams;
use optc_sim::reducer::circuit::Stage;
use optc_sim::reducer::device::{realistic, DeviceInstance};
use optc_sim::reducer::eval::{exact_match_rate, exact_match_rate_device};
use optc_sim::reducer::executor::ReducerExecutor;
use optc_sim::reducer::physical::{PreparedCircuit, Tape};
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn contract(n: usize, b: u32) -> Contract {
    Contract::mean(n, b).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn averaging_mesh_first_row_is_uniform() {
    for n in [1usize, 2, 3, 4, 8, 16] {
        let m = design::averaging_mesh(n);
        assert_eq!(m.mzis.len(), n.saturating_sub(1));
        let u = m.matrix();
        for j in 0..n {
            let x = u[(0, j)];
            assert!(
                (x - Complex64::new(1.0 / (n as f64).sqrt(), 0.0)).norm() < 1e-12,
                "n={n} j={j} {x}"
            );
        }
    }
}

#[test]
fn linear_realization_is_exact_over_all_inputs_4x4() {
    let c = contract(4, 4);
    let circuit = design::linear(&c).unwrap_or_else(|e| panic!("{e}"));
    let dev = DeviceInstance::ideal(&circuit);
    let prep = PreparedCircuit::new(&circuit, &dev);
    let (mut f, mut s) = (Vec::new(), Vec::new());
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let r = optc_model::contract::exact_match_vectors(&c, 0, 0, |v| {
        optc_sim::reducer::eval::delivered(&prep, 0.0, v, &mut f, &mut s, &mut rng)
    });
    assert_eq!(r.coverage, Coverage::Exhaustive);
    assert_eq!(r.exact_match_rate, 1.0);
    assert_eq!(r.max_error_lsb, 0);
}

#[test]
fn onn_design_is_exact_on_ideal_device() {
    for (n, b) in [(4usize, 4u32), (8, 4), (16, 4), (3, 4), (4, 6)] {
        let c = contract(n, b);
        let circuit = design::onn(&c, &OnnOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let r = exact_match_rate(&circuit, &c);
        assert_eq!(r.exact_match_rate, 1.0, "{n}x{b}b: {r:?}");
        assert_eq!(r.max_error_lsb, 0);
    }
}

/// unitary_diag puts Σ (t = 1) on the 4 lit modes per bit block before each
/// layer's mesh U; svd adds a full Clements V† per 6-mode bit block (15
/// MZIs) set to the identity and Σ on all 6 modes, so the design stays
/// exact either way.
#[test]
fn onn_weight_realizations_shape_the_layers() {
    let c = contract(4, 3);
    let b = 3usize;
    let count = |w: [LayerWeights; 2]| {
        let opts = OnnOptions {
            weights: w,
            ..OnnOptions::default()
        };
        let circuit = design::onn(&c, &opts).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            exact_match_rate(&circuit, &c).exact_match_rate,
            1.0,
            "{w:?}"
        );
        let mut v_meshes = 0;
        for s in &circuit.stages {
            match s {
                Stage::Attenuators { column, .. } => {
                    assert!(column.iter().all(|a| a.transmission == 1.0));
                    assert!(column.windows(2).all(|w| w[0].mode < w[1].mode));
                }
                Stage::Mesh { name, mesh, .. } if name.ends_with("_v") => {
                    v_meshes += 1;
                    assert_eq!(mesh.mzis.len(), 15 * b);
                    let m = mesh.matrix();
                    for i in 0..6 * b {
                        for j in 0..6 * b {
                            let want = if i == j { 1.0 } else { 0.0 };
                            assert!((m[(i, j)] - want).norm() < 1e-12, "{name} ({i},{j})");
                        }
                    }
                }
                _ => {}
            }
        }
        (circuit.component_counts(), v_meshes, circuit.mzi_count())
    };
    let (ud, v0, mzi_ud) = count([LayerWeights::UnitaryDiag; 2]);
    let (mixed, v1, mzi_mixed) = count([LayerWeights::UnitaryDiag, LayerWeights::Svd]);
    let (svd, v2, mzi_svd) = count([LayerWeights::Svd; 2]);
    assert_eq!((v0, v1, v2), (0, 1, 2));
    assert_eq!(ud.attenuators, 2 * 4 * b);
    assert_eq!(svd.attenuators, 2 * 6 * b);
    assert_eq!(mixed.attenuators, 4 * b + 6 * b);
    assert_eq!(mzi_mixed, mzi_ud + 15 * b);
    assert_eq!(mzi_svd, mzi_ud + 2 * 15 * b);
}

#[test]
fn onn_arm_share_is_checked_and_keeps_the_design_exact() {
    let c = contract(4, 4);
    for t in [0.5, 0.8, 0.95] {
        let opts = OnnOptions {
            arm_share: t,
            ..OnnOptions::default()
        };
        let circuit = design::onn(&c, &opts).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            exact_match_rate(&circuit, &c).exact_match_rate,
            1.0,
            "t={t}"
        );
    }
    for t in [0.0, 1.0, f64::NAN] {
        let opts = OnnOptions {
            arm_share: t,
            ..OnnOptions::default()
        };
        assert!(matches!(
            design::onn(&c, &opts),
            Err(design::DesignError::ArmShare(_))
        ));
    }
}

#[test]
fn onn_ideal_response_depends_on_sum_only() {
    let c = contract(4, 4);
    let circuit = design::onn(&c, &OnnOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let dev = DeviceInstance::ideal(&circuit);
    let prep = PreparedCircuit::new(&circuit, &dev);
    let (mut f, mut s) = (Vec::new(), Vec::new());
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let r = optc_model::contract::exact_match_vectors(&c, 0, 0, |v| {
        optc_sim::reducer::eval::delivered(&prep, 0.0, v, &mut f, &mut s, &mut rng)
    });
    assert_eq!(r.exact_match_rate, 1.0);
}

#[test]
fn executor_matches_circuit_model_on_random_codes() {
    let c = contract(8, 4);
    let circuit = design::onn(&c, &OnnOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    // A device instance with static errors but no detector noise: the model
    // evaluated on the same canonical per-sum input must agree everywhere.
    let p = DeviceParams {
        detector_noise: 0.0,
        ..realistic()
    };
    let dev = DeviceInstance::sample(&circuit, &p, &mut rng);
    let exec = ReducerExecutor::new(&circuit, &c, &dev, 1);
    let prep = PreparedCircuit::new(&circuit, &dev);
    let ideal_dev = DeviceInstance::ideal(&circuit);
    let ideal_exec = ReducerExecutor::new(&circuit, &c, &ideal_dev, 1);
    let ideal_prep = PreparedCircuit::new(&circuit, &ideal_dev);
    let elements = 40_000;
    let codes: Vec<i32> = (0..elements * 8).map(|_| rng.gen_range(-7..=7)).collect();
    let mut out = vec![0; elements];
    let mut out_ideal = vec![0; elements];
    exec.reduce(&codes, &mut out)
        .unwrap_or_else(|e| panic!("{e}"));
    ideal_exec
        .reduce(&codes, &mut out_ideal)
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut f, mut s) = (Vec::new(), Vec::new());
    for (row, (&o, &oi)) in codes.chunks(8).zip(out.iter().zip(&out_ideal)) {
        let sum: i64 = row.iter().map(|&x| x as i64).sum();
        // Ideal: the model on the very same input vector.
        let model =
            optc_sim::reducer::eval::delivered(&ideal_prep, 0.0, row, &mut f, &mut s, &mut rng);
        assert_eq!(oi as i64, model);
        assert_eq!(oi as i64, c.reference(row));
        // Device: the model on the sum's representative input.
        let model = optc_sim::reducer::eval::delivered(
            &prep,
            0.0,
            &c.representative(sum),
            &mut f,
            &mut s,
            &mut rng,
        );
        assert_eq!(o as i64, model);
    }
    // Bad input is an error, not a panic.
    assert!(exec.reduce(&[1, 2, 3], &mut out).is_err());
    let mut bad = codes.clone();
    bad[17] = 9;
    assert!(exec.reduce(&bad, &mut out).is_err());
}

#[test]
fn noisy_executor_is_reproducible() {
    let c = contract(8, 4);
    let circuit = design::onn(&c, &OnnOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let p = DeviceParams {
        detector_noise: 0.05,
        ..DeviceParams::IDEAL
    };
    let dev = DeviceInstance::sample(&circuit, &p, &mut rng);
    let exec = ReducerExecutor::new(&circuit, &c, &dev, 42);
    assert!(exec.has_noise());
    let codes: Vec<i32> = (0..100_000 * 8).map(|_| rng.gen_range(-7..=7)).collect();
    let mut a = vec![0; 100_000];
    let mut b = vec![0; 100_000];
    exec.reduce(&codes, &mut a)
        .unwrap_or_else(|e| panic!("{e}"));
    exec.reduce(&codes, &mut b)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, b);
    // Large noise causes some errors, all of them small in Gray code.
    let wrong = codes
        .chunks(8)
        .zip(&a)
        .filter(|(r, &o)| c.reference(r) != o as i64)
        .count();
    assert!(wrong > 0);
}

#[test]
fn circuit_adjoint_matches_finite_differences() {
    let c = contract(4, 3);
    let mut circuit = design::onn(&c, &OnnOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    // Attenuations inside (0, 1): at the design's t = 1 the clamp makes a
    // central difference one-sided.
    for s in circuit.stages.iter_mut() {
        if let Stage::Attenuators { column, .. } = s {
            for (i, a) in column.iter_mut().enumerate() {
                a.transmission = 0.9 - 0.01 * i as f64;
            }
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let dev = DeviceInstance::sample(&circuit, &realistic(), &mut rng);
    let dev = DeviceInstance {
        phase_bits: None,
        ..dev
    };
    // Continuous phases (no DAC) so finite differences are meaningful.
    let strip = |d: &DeviceInstance| {
        let mut d = d.clone();
        for s in d.stages.iter_mut() {
            if let optc_sim::reducer::device::StageErrors::Mesh(m) = s {
                m.phase_bits = None;
            }
        }
        d
    };
    let dev = strip(&dev);
    let (l0, g) = loss_and_grad(&circuit, &c, &dev, 0.05, 0.05);
    assert!(l0.is_finite());
    let p0 = circuit.params();
    let h = 1e-6;
    let mut checked = 0;
    for i in (0..p0.len()).step_by(3) {
        let mut a = circuit.clone();
        let mut pa = p0.clone();
        pa[i] += h;
        a.set_params(&pa);
        let mut b = circuit.clone();
        let mut pb = p0.clone();
        pb[i] -= h;
        b.set_params(&pb);
        let fd = (loss_and_grad(&a, &c, &dev, 0.05, 0.05).0
            - loss_and_grad(&b, &c, &dev, 0.05, 0.05).0)
            / (2.0 * h);
        assert!(
            (fd - g[i]).abs() < 1e-6 + 1e-4 * fd.abs(),
            "param {i}: fd {fd} adjoint {}",
            g[i]
        );
        checked += 1;
    }
    assert!(checked > 10);
    let _ = Tape::default();
}

#[test]
fn training_is_deterministic_and_reduces_loss() {
    let c = contract(4, 4);
    let base = design::onn(&c, &OnnOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let opts = TrainOptions {
        steps: 15,
        device: realistic(),
        ..TrainOptions::default()
    };
    let mut a = base.clone();
    let mut b = base.clone();
    let ra = train(&mut a, &c, &opts, &mut |_, _| {});
    let rb = train(&mut b, &c, &opts, &mut |_, _| {});
    let pa = a.params();
    let pb = b.params();
    assert!(pa.iter().zip(&pb).all(|(x, y)| x.to_bits() == y.to_bits()));
    assert_eq!(ra, rb);
    assert!(pa != base.params());
}

#[test]
fn noise_aware_training_improves_device_exact_match_4x4() {
    let c = contract(4, 4);
    let mut circuit = design::onn(&c, &OnnOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let before = exact_match_rate_device(&circuit, &c, &realistic(), 4, 0, 3);
    assert_eq!(before.coverage, Coverage::Exhaustive);
    let opts = TrainOptions {
        steps: 400,
        lr: 0.004,
        device: realistic(),
        ..TrainOptions::default()
    };
    let rep = train(&mut circuit, &c, &opts, &mut |_, _| {});
    assert!(rep.final_loss < rep.initial_loss, "{rep:?}");
    let after = exact_match_rate_device(&circuit, &c, &realistic(), 4, 0, 3);
    assert!(
        after.mean > before.mean + 0.1,
        "before {before:?} after {after:?}"
    );
    assert!(after.max_error_lsb <= 1, "{after:?}");
}

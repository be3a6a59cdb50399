//! End-to-end tests of the reducer on its netlist: designs, tuning, the
//! executors, training (spec/reducer.md).

use crate::emit::emit_reducer;
use crate::reducer::circuit::{Circuit, Stage};
use crate::reducer::design::{self, combiner_names, LayerWeights, OnnOptions};
use crate::reducer::train::{train, TrainOptions, Trainee};
use crate::reducer::tune::{set_full_scales, tune_combiners};
use num_complex::Complex64;
use optc_formats::netlist::Circuit as NetCircuit;
use optc_model::contract::{Contract, Coverage};
use optc_model::task::Task;
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::reducer::netlist_run::NetlistReducer;
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn contract(n: usize, b: u32) -> Contract {
    Contract::mean(n, b).unwrap_or_else(|e| panic!("{e}"))
}

/// A designed circuit as its netlist, with the ONN's combiners tuned and
/// full scales measured (what passes `place` and `train` do before training).
fn compiled(circuit: &Circuit) -> Trainee {
    let (netlist, phases) = emit_reducer(circuit, "t", None).unwrap_or_else(|e| panic!("{e}"));
    let text = netlist.to_yaml();
    let net = NetCircuit::new(&netlist, "t", &text).unwrap_or_else(|e| panic!("{e}"));
    let settings = phases
        .resolve(&net, "p", &phases.to_yaml())
        .unwrap_or_else(|e| panic!("{e}"));
    let iface = netlist
        .reducer
        .clone()
        .unwrap_or_else(|| panic!("no reducer section"));
    let mut t = Trainee::new(net, settings, iface).unwrap_or_else(|e| panic!("{e}"));
    let names = combiner_names(circuit);
    if !names.is_empty() {
        tune_combiners(&mut t, &names).unwrap_or_else(|e| panic!("{e}"));
        set_full_scales(&mut t).unwrap_or_else(|e| panic!("{e}"));
    }
    t
}

/// Chip `seed` of `params` for `t`, its runner and its plan.
fn chip(
    t: &Trainee,
    params: &DeviceParams,
    seed: u64,
) -> (NetlistReducer, optc_sim::simulate::Plan) {
    let dev = DeviceInstance::sample(params, &t.circuit, seed);
    let plan = t.plan(&dev);
    let runner = NetlistReducer::new(&t.interface, &plan).unwrap_or_else(|e| panic!("{e}"));
    (runner, plan)
}

/// Exact-match rate of chip `seed` over every input (or `sample` seeded ones).
fn rate(t: &Trainee, params: &DeviceParams, seed: u64, sample: u64) -> (f64, Coverage) {
    let (runner, plan) = chip(t, params, seed);
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let Task::Mean(contract) = &t.task else {
        panic!("a mean reducer")
    };
    let r = optc_model::contract::exact_match_vectors(contract, sample, 5, |v| {
        let resp = runner
            .respond(&plan, v, 0)
            .unwrap_or_else(|e| panic!("{e}"));
        runner.deliver(&resp[0], Some((params.detector_noise, &mut rng)))
    });
    (r.exact_match_rate, r.coverage)
}

/// The ideal chip's exact-match rate over the sums (its response is sum-only).
fn ideal_rate(t: &Trainee) -> f64 {
    let (runner, plan) = chip(t, &DeviceParams::IDEAL, 0);
    let table = runner.sum_table(&plan).unwrap_or_else(|e| panic!("{e}"));
    let ok = t
        .task
        .levels()
        .zip(&table)
        .filter(|(s, r)| runner.deliver::<ChaCha8Rng>(r, None) == t.task.target(*s))
        .count();
    ok as f64 / table.len() as f64
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
    let t = compiled(&design::linear(&c).unwrap_or_else(|e| panic!("{e}")));
    let (r, coverage) = rate(&t, &DeviceParams::IDEAL, 0, 0);
    assert_eq!(coverage, Coverage::Exhaustive);
    assert_eq!(r, 1.0);
}

#[test]
fn onn_design_is_exact_on_the_ideal_chip() {
    for (n, b) in [(4usize, 4u32), (8, 4), (16, 4), (3, 4), (4, 6)] {
        let c = contract(n, b);
        let t =
            compiled(&design::onn(&c, &OnnOptions::default()).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(ideal_rate(&t), 1.0, "{n}x{b}b");
    }
    // Exhaustive over every code vector, not only the sums.
    let c = contract(4, 4);
    let t = compiled(&design::onn(&c, &OnnOptions::default()).unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(
        rate(&t, &DeviceParams::IDEAL, 0, 0),
        (1.0, Coverage::Exhaustive)
    );
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
        assert_eq!(ideal_rate(&compiled(&circuit)), 1.0, "{w:?}");
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
        (
            circuit.component_counts(),
            v_meshes,
            circuit.component_counts().mesh_mzis,
        )
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
        assert_eq!(ideal_rate(&compiled(&circuit)), 1.0, "t={t}");
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
fn sum_only_holds_on_the_nominal_chip_and_not_with_an_imbalanced_combiner() {
    let c = contract(8, 4);
    let t = compiled(&design::onn(&c, &OnnOptions::default()).unwrap_or_else(|e| panic!("{e}")));
    let (runner, plan) = chip(&t, &DeviceParams::REALISTIC.nominal(), 0);
    assert!(runner.sum_only(&plan).unwrap_or_else(|e| panic!("{e}")));
    let imbalanced = DeviceParams {
        splitter_imbalance: 0.01,
        ..DeviceParams::IDEAL
    };
    let (runner, plan) = chip(&t, &imbalanced, 4);
    assert!(!runner.sum_only(&plan).unwrap_or_else(|e| panic!("{e}")));
    let exec = runner
        .executor(&plan, 0.0, 1)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(exec.is_direct());
}

/// The table executor, the direct executor and one-by-one delivery agree on
/// random codes (a nominal chip and a realistic one).
#[test]
fn executors_match_the_plan_on_random_codes() {
    let c = contract(8, 4);
    let t = compiled(&design::onn(&c, &OnnOptions::default()).unwrap_or_else(|e| panic!("{e}")));
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let codes: Vec<i32> = (0..600 * 8).map(|_| rng.gen_range(-7..=7)).collect();
    for (params, direct) in [
        (DeviceParams::REALISTIC.nominal(), false),
        (DeviceParams::REALISTIC.without_detector_noise(), true),
    ] {
        let (runner, plan) = chip(&t, &params, 2);
        let exec = runner
            .executor(&plan, 0.0, 1)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(exec.is_direct(), direct);
        let mut out = vec![0i32; 600];
        exec.reduce(&codes, &mut out)
            .unwrap_or_else(|e| panic!("{e}"));
        let responses = runner
            .respond(&plan, &codes, 0)
            .unwrap_or_else(|e| panic!("{e}"));
        for (r, o) in responses.iter().zip(&out) {
            assert_eq!(runner.deliver::<ChaCha8Rng>(r, None), i64::from(*o));
        }
        assert!(exec.reduce(&[1, 2, 3], &mut out).is_err());
        let mut bad = codes[..8].to_vec();
        bad[3] = 8;
        assert!(exec.reduce(&bad, &mut out).is_err());
    }
}

#[test]
fn noisy_executors_are_reproducible() {
    let c = contract(8, 4);
    let t = compiled(&design::onn(&c, &OnnOptions::default()).unwrap_or_else(|e| panic!("{e}")));
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let codes: Vec<i32> = (0..5000 * 8).map(|_| rng.gen_range(-7..=7)).collect();
    for params in [
        DeviceParams::REALISTIC.nominal(),
        DeviceParams::REALISTIC.without_detector_noise(),
    ] {
        let (runner, plan) = chip(&t, &params, 1);
        let exec = runner
            .executor(&plan, 0.05, 42)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(exec.has_noise());
        let (mut a, mut b) = (vec![0i32; 5000], vec![0i32; 5000]);
        exec.reduce(&codes, &mut a)
            .unwrap_or_else(|e| panic!("{e}"));
        exec.reduce(&codes, &mut b)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a, b);
    }
}

#[test]
fn training_is_deterministic_and_reduces_loss() {
    let c = contract(4, 4);
    let base = compiled(&design::onn(&c, &OnnOptions::default()).unwrap_or_else(|e| panic!("{e}")));
    let opts = TrainOptions {
        steps: 40,
        lr: 0.004,
        device: DeviceParams::REALISTIC,
        ..TrainOptions::default()
    };
    let (mut a, mut b) = (base.clone(), base.clone());
    let ra = train(&mut a, &opts, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
    let rb = train(&mut b, &opts, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ra, rb);
    assert_eq!(a.settings, b.settings);
    assert_ne!(a.settings, base.settings);
    assert!(ra.final_loss < ra.initial_loss, "{ra:?}");
    let attrs = |t: &Trainee| -> Vec<f64> {
        t.circuit
            .nodes
            .iter()
            .flat_map(|n| n.attrs.clone())
            .collect()
    };
    assert_ne!(
        attrs(&a),
        attrs(&base),
        "source and EO attributes train too"
    );
}

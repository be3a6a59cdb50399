//! Each component kind does what spec/netlist.md says, built with the
//! builder and run through the plan.

use crate::device::{DeviceInstance, DeviceParams};
use crate::simulate::Plan;
use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_formats::builder::NetlistBuilder;
use optc_formats::netlist::Circuit;
use rand::{Rng, SeedableRng};

fn plan_of(b: NetlistBuilder) -> Plan {
    let (netlist, phases) = b.build().unwrap();
    let text = netlist.to_yaml();
    let circuit = Circuit::new(&netlist, "n", &text).unwrap();
    let settings = phases.resolve(&circuit, "p", &phases.to_yaml()).unwrap();
    Plan::new(
        &circuit,
        &settings,
        &DeviceInstance::sample(&DeviceParams::IDEAL, &circuit, 0),
    )
}

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

fn random_batch(rows: usize, cols: usize, seed: u64) -> DMatrix<Complex64> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    DMatrix::from_fn(rows, cols, |_, _| {
        c(rng.gen_range(-1.0..1.0), rng.gen_range(-1.0..1.0))
    })
}

#[test]
fn splitter_then_combiner_is_identity_and_splits_evenly() {
    let mut b = NetlistBuilder::new("sc", 1);
    let rails = b.add_splitter(0, 4, "s");
    assert_eq!(rails, vec![0, 1, 2, 3]);
    b.add_attenuators(0, &[1.0, 1.0, 1.0, 1.0], "a_");
    let plan = plan_of(b);
    let m = plan.transfer_matrix();
    assert_eq!(m.shape(), (4, 1));
    assert!(m.iter().all(|z| (z - c(0.5, 0.0)).norm() < 1e-15));

    let mut b = NetlistBuilder::new("sc2", 1);
    let rails = b.add_splitter(0, 4, "s");
    b.add_combiner(&rails, "k");
    let m = plan_of(b).transfer_matrix();
    assert!((m[(0, 0)] - c(1.0, 0.0)).norm() < 1e-15);
}

#[test]
fn combiner_sums_over_root_k() {
    let mut b = NetlistBuilder::new("k", 3);
    b.add_combiner(&[0, 1, 2], "k");
    let plan = plan_of(b);
    let x = random_batch(500, 3, 1);
    let y = plan.run(&x, 0).unwrap();
    for r in 0..500 {
        let want = (x[(r, 0)] + x[(r, 1)] + x[(r, 2)]) / 3f64.sqrt();
        assert!((y[(r, 0)] - want).norm() < 1e-14);
    }
}

#[test]
fn coupler_half_is_the_50_50_coupler_and_phase_shifter_rotates() {
    let mut b = NetlistBuilder::new("c", 2);
    b.add_coupler(0, 0.5, "c");
    let m = plan_of(b).transfer_matrix();
    let bb = optc_model::mzi::coupler(0.5);
    for i in 0..2 {
        for j in 0..2 {
            assert!((m[(i, j)] - bb[i][j]).norm() < 1e-15);
        }
    }
    let mut b = NetlistBuilder::new("p", 1);
    b.add_phase_shifters(0, &[1.3], "");
    let m = plan_of(b).transfer_matrix();
    assert!((m[(0, 0)] - Complex64::from_polar(1.0, 1.3)).norm() < 1e-15);
}

#[test]
fn attenuator_and_amplifier_scale_power() {
    let mut b = NetlistBuilder::new("aa", 1);
    b.add_attenuators(0, &[0.25], "");
    b.add_amplifier(0, 2.0, "amp");
    let plan = plan_of(b);
    assert_eq!(plan.amplifier_gains, vec![("amp".to_string(), 2.0)]);
    let m = plan.transfer_matrix();
    assert!((m[(0, 0)].norm_sqr() - 0.5).abs() < 1e-15);
}

#[test]
fn source_is_constant_bias_light() {
    let mut b = NetlistBuilder::new("s", 1);
    b.add_terminator(0, "t");
    let r = b.add_source(0.5, 0.3, "bias");
    assert_eq!(r, 1);
    let plan = plan_of(b);
    let y = plan.run(&random_batch(10, 1, 2), 0).unwrap();
    assert_eq!(y.shape(), (10, 1));
    assert!(y
        .iter()
        .all(|z| (z - Complex64::from_polar(0.5, 0.3)).norm() < 1e-15));
}

#[test]
fn eo_activation_follows_the_closed_form() {
    let (alpha, gain, bias) = (0.1, 2.5, 0.4);
    let mut b = NetlistBuilder::new("eo", 1);
    b.add_eo_activation(0, alpha, gain, bias, "eo");
    let plan = plan_of(b);
    let x = random_batch(300, 1, 3);
    let y = plan.run(&x, 0).unwrap();
    for r in 0..300 {
        let z = x[(r, 0)];
        let half = (gain * z.norm_sqr() + bias) / 2.0;
        let want = Complex64::i()
            * (1.0 - alpha).sqrt()
            * Complex64::from_polar(1.0, -half)
            * half.cos()
            * z;
        assert!((y[(r, 0)] - want).norm() < 1e-14);
        assert_eq!(optc_model::eo::activation(z, alpha, gain, bias), y[(r, 0)]);
    }
    // Zero gain and bias: a linear transmission i·√(1−α).
    assert!((optc_model::eo::activation(c(0.3, 0.2), 0.0, 0.0, 0.0) - c(-0.2, 0.3)).norm() < 1e-15);
}

#[test]
fn detectors_give_power_or_threshold_bits() {
    let mut b = NetlistBuilder::new("d", 2);
    b.add_detector(0, None, "p");
    b.add_detector(1, Some(0.5), "bit");
    let plan = plan_of(b);
    let x = DMatrix::from_row_slice(
        3,
        2,
        &[
            c(0.6, 0.8),
            c(0.6, 0.0),
            c(0.1, 0.1),
            c(0.0, 0.8),
            c(0.0, 0.0),
            c(1.0, 0.0),
        ],
    );
    let y = plan.run(&x, 0).unwrap();
    let got: Vec<f64> = (0..3).flat_map(|r| [y[(r, 0)].re, y[(r, 1)].re]).collect();
    let want = [1.0, 0.0, 0.02, 1.0, 0.0, 1.0];
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-15, "{got:?}");
    }
    assert!(y.iter().all(|z| z.im == 0.0));
}

#[test]
fn builder_rejects_misuse() {
    let mut b = NetlistBuilder::new("bad", 2);
    b.add_phase_shifters(0, &[0.0], "");
    assert!(b.clone().build().is_err(), "rail 1 passes through nothing");
    b.add_phase_shifters(1, &[0.0], "");
    b.add_phase_shifters(0, &[0.0], "");
    assert!(matches!(
        b.build(),
        Err(optc_formats::builder::BuildError::DuplicateName(_))
    ));
}

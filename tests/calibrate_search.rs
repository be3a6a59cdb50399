//! Properties of the calibration search (`reducer::calibrate`) on the
//! compiled 4×4b reducer: settings stay on the DAC grid with θ in [0, π],
//! margins never get worse, continuous heaters work, a chip trims its
//! attenuators (within [0, 1]) but never a gain, the design time tunes gains
//! but not attenuators, and a coherent readout has nothing to calibrate.

use optc::driver::{compile, CompileOptions};
use optc_formats::netlist::{Circuit, Kind, Netlist};
use optc_formats::phases::Phases;
use optc_model::dac::Dac;
use optc_sim::device::{DeviceInstance, DeviceParams, NodeSettings};
use optc_sim::reducer::calibrate::{calibrate, Calibration, CalibrationOptions};
use optc_sim::reducer::netlist_run::NetlistReducer;
use optc_sim::simulate::Plan;
use std::f64::consts::PI;
use std::path::Path;

fn compiled(example: &str) -> (Netlist, Circuit, Phases, NodeSettings) {
    let dir = tempfile::tempdir().unwrap();
    let options = CompileOptions {
        out_dir: dir.path().to_path_buf(),
        ..CompileOptions::default()
    };
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../examples/{example}.optc"));
    let mut out = compile(&source, &options, |_, _| {}).unwrap();
    let (netlist, phases) = out.remove(0).unit.netlist.unwrap();
    let text = netlist.to_yaml();
    let circuit = Circuit::new(&netlist, "n", &text).unwrap();
    let settings = phases.resolve(&circuit, "p", &phases.to_yaml()).unwrap();
    (netlist, circuit, phases, settings)
}

fn realistic(phase_bits: Option<u32>) -> DeviceParams {
    DeviceParams {
        phase_bits,
        ..DeviceParams::REALISTIC.without_detector_noise()
    }
}

/// The calibration of `settings` on instance `seed` of `params`.
fn calibrated(
    netlist: &Netlist,
    circuit: &Circuit,
    settings: &NodeSettings,
    params: &DeviceParams,
    seed: u64,
    opts: &CalibrationOptions,
) -> Option<Calibration> {
    let chip = DeviceInstance::sample(params, circuit, seed);
    let plan = Plan::new(circuit, settings, &chip);
    let runner = NetlistReducer::new(netlist.reducer.as_ref().unwrap(), &plan).unwrap();
    calibrate(circuit, &runner, &chip, settings, opts).unwrap()
}

#[test]
fn search_properties_on_the_4x4b_reducer() {
    let (netlist, circuit, _, settings) = compiled("optinc_4x4b");

    // A chip of the realistic device with an 8-bit DAC.
    let chip = |seed| {
        calibrated(
            &netlist,
            &circuit,
            &settings,
            &realistic(Some(8)),
            seed,
            &CalibrationOptions::default(),
        )
        .unwrap()
    };

    // Every heater on the grid, θ in [0, π], never worse.
    let cal = chip(5);
    assert!(cal.after.worst >= cal.before.worst);
    assert!(cal.after.error_rate <= cal.before.error_rate);
    assert!(cal.gains.is_empty(), "a chip's calibration moved a gain");
    assert!(cal.trials > 1);
    let dac = Dac::new(8);
    for (node, v) in circuit.nodes.iter().zip(&cal.settings) {
        let slots = match node.kind {
            Kind::Mzi(_) => 2,
            Kind::PhaseShifter => 1,
            _ => 0,
        };
        for &x in &v[..slots] {
            assert!(
                (dac.quantize(x) - x).abs() < 1e-12,
                "{}: {x} off the DAC grid",
                node.name
            );
        }
        if node.kind == Kind::MZI {
            assert!((0.0..=PI).contains(&v[0]), "{}: θ = {}", node.name, v[0]);
        }
    }
    // The attenuators Σ are the chip's fine power trims: kept in [0, 1].
    let mut trimmed = 0;
    for ((node, v), start) in circuit.nodes.iter().zip(&cal.settings).zip(&settings) {
        if node.kind == Kind::Attenuator {
            assert!((0.0..=1.0).contains(&v[0]), "{}: t = {}", node.name, v[0]);
            trimmed += usize::from(v[0] != start[0]);
        }
    }
    assert!(trimmed > 0, "the chip's calibration trimmed no attenuator");

    // Other chips: never more wrong vectors, nor (at equal error rate) a
    // worse worst margin, than where the chip started.
    for seed in [1, 2, 3] {
        let c = chip(seed);
        assert!(
            (c.after.error_rate, -c.after.worst) <= (c.before.error_rate, -c.before.worst),
            "seed {seed}: {:?} → {:?}",
            c.before,
            c.after
        );
    }

    // Continuous heaters: the search still runs and does not get worse.
    let cal = calibrated(
        &netlist,
        &circuit,
        &settings,
        &realistic(None),
        5,
        &CalibrationOptions::default(),
    )
    .unwrap();
    assert!(cal.after.worst >= cal.before.worst);

    // Design time: gains are knobs, every activation reported once.
    let opts = CalibrationOptions {
        tune_gains: true,
        coarsest_step: 1.0,
        max_sweeps: 1,
        ..CalibrationOptions::default()
    };
    let nominal = realistic(Some(8)).nominal();
    let cal = calibrated(&netlist, &circuit, &settings, &nominal, 0, &opts).unwrap();
    let activations = circuit
        .nodes
        .iter()
        .filter(|n| n.kind == Kind::EoActivation)
        .count();
    assert_eq!(cal.gains.len(), activations);
    assert!(cal.gains.iter().all(|&(_, g)| g.is_finite() && g > 0.0));
    // ... and the attenuators are not (the gains are the design's trims).
    for ((node, v), start) in circuit.nodes.iter().zip(&cal.settings).zip(&settings) {
        if node.kind == Kind::Attenuator {
            assert_eq!(v[0], start[0], "{}", node.name);
        }
    }
}

#[test]
fn a_coherent_readout_has_nothing_to_calibrate() {
    let (netlist, circuit, _, settings) = compiled("optinc_4x4b_linear");
    let cal = calibrated(
        &netlist,
        &circuit,
        &settings,
        &realistic(Some(8)),
        1,
        &CalibrationOptions::default(),
    );
    assert!(cal.is_none());
}

//! One chip model: on a sampled realistic chip of the compiled 8×4b reducer,
//! the path training differentiates (`Trainee`, `Differentiable::forward`)
//! and the path `optc simulate` / `optc reduce` run (the plan's batch
//! propagation, `NetlistReducer::respond`) give the same comparator
//! signals, and the chip really is not the ideal one (spec/device.md).

use optc::driver::{compile, CompileOptions};
use optc::reducer::train::Trainee;
use optc_formats::netlist::reducer_section::InterfaceReadout;
use optc_formats::netlist::Netlist;
use optc_formats::phases::Phases;
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::reducer::executor::SumResponse;
use optc_sim::reducer::netlist_run::NetlistReducer;
use optc_sim::simulate::adjoint::{Differentiable, Tape};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[test]
fn training_and_simulation_see_the_same_sampled_chip() {
    let out = tempfile::tempdir().unwrap();
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/optinc_8x4b.optc");
    let options = CompileOptions {
        out_dir: out.path().to_path_buf(),
        ..CompileOptions::default()
    };
    let compiled = compile(std::path::Path::new(source), &options, |_, _| {}).unwrap();
    let paths = &compiled[0].paths;
    let (netlist, circuit) = Netlist::load(&paths.netlist).unwrap();
    let (phases, text) = Phases::load(&paths.phases).unwrap();
    let settings = phases.resolve(&circuit, "p", &text).unwrap();
    let iface = netlist.reducer.clone().unwrap();
    let InterfaceReadout::Bits { bits, .. } = &iface.readout else {
        panic!("a bit readout")
    };
    let full_scale: Vec<f64> = bits.iter().map(|b| b.full_scale).collect();

    let chip = DeviceInstance::sample(
        &DeviceParams::REALISTIC.without_detector_noise(),
        &circuit,
        5,
    );
    let ideal = DeviceInstance::sample(&DeviceParams::IDEAL, &circuit, 5);
    let trainee = Trainee::new(circuit.clone(), settings.clone(), iface.clone()).unwrap();

    // 300 seeded code vectors, extremes included.
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut vectors: Vec<Vec<i32>> = vec![vec![7; 8], vec![-7; 8], vec![0; 8]];
    vectors.extend((0..297).map(|_| (0..8).map(|_| rng.gen_range(-7..=7)).collect()));
    let flat: Vec<i32> = vectors.concat();

    let signals_of = |dev: &DeviceInstance| -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        // The training path: one sample at a time, recorded for the adjoint.
        let plan = trainee.plan(dev);
        let runner = NetlistReducer::new(&iface, &plan).unwrap();
        let diff = Differentiable::new(&plan, &trainee.circuit, &trainee.settings, dev);
        let (mut input, mut tape) = (Vec::new(), Tape::default());
        let trained: Vec<Vec<f64>> = vectors
            .iter()
            .map(|v| {
                runner.input_fields(v, &mut input);
                diff.forward(&input, &mut tape);
                runner.signals(&tape.outputs)
            })
            .collect();
        // The simulation path: the plan of the loaded files, in one batch.
        let sim_plan = optc_sim::simulate::Plan::new(&circuit, &settings, dev);
        let sim_runner = NetlistReducer::new(&iface, &sim_plan).unwrap();
        let simulated: Vec<Vec<f64>> = sim_runner
            .respond(&sim_plan, &flat, 0)
            .unwrap()
            .into_iter()
            .map(|r| match r {
                SumResponse::Signals(s) => s,
                SumResponse::Code(_) => panic!("signals"),
            })
            .collect();
        (trained, simulated)
    };
    let (trained, simulated) = signals_of(&chip);
    let (ideal_signals, _) = signals_of(&ideal);
    let mut moved = 0.0f64;
    for ((t, s), i) in trained.iter().zip(&simulated).zip(&ideal_signals) {
        for k in 0..full_scale.len() {
            assert!(
                (t[k] - s[k]).abs() <= 1e-12 * full_scale[k],
                "bit {k}: training {} vs simulation {}",
                t[k],
                s[k]
            );
            moved = moved.max((t[k] - i[k]).abs() / full_scale[k]);
        }
    }
    // The sampled chip's errors move the comparators far beyond rounding.
    assert!(
        moved > 1e-3,
        "the sampled chip is indistinguishable from the ideal one: {moved}"
    );
    // An imbalanced input combiner: vectors of one sum differ on this chip.
    let runner = NetlistReducer::new(&iface, &trainee.plan(&chip)).unwrap();
    assert!(!runner.sum_only(&trainee.plan(&chip)).unwrap());
}

//! The digit-serial reducer end to end on its netlist: every stage exact
//! over its whole input domain on the nominal chip, and the chain against
//! the contract on seeded vectors with every extreme and tie.

use crate::passes::emitted::resolve;
use crate::reducer::design::OnnOptions;
use crate::reducer::digit_serial::build;
use crate::reducer::train::TrainOptions;
use optc_model::device::DeviceParams;
use optc_model::digit_serial::DigitSerial;
use optc_sim::reducer::digit_serial::{stage_exact, verification_vectors, DigitSerialChip};

fn training(device: DeviceParams) -> TrainOptions {
    TrainOptions {
        steps: 60,
        lr: 0.001,
        seed: 42,
        noise_aware: false,
        device,
        ..TrainOptions::default()
    }
}

fn vectors(chain: DigitSerial, count: usize, seed: u64) -> Vec<i32> {
    verification_vectors(chain, count, seed, true)
}

#[test]
fn nominal_chain_is_exact_4x8b() {
    let chain = DigitSerial::new(4, 8).unwrap();
    let device = DeviceParams::REALISTIC;
    let (net, phases, _) = build(
        "ds",
        chain,
        &device,
        &OnnOptions::default(),
        &training(device),
    )
    .unwrap();
    assert_eq!(net.digit_serial.as_ref().unwrap().stages().count(), 4);
    // The template round-trips: placing it again gives the same chain.
    let (t, tp, ch) = crate::reducer::digit_serial::template(&net, &phases).unwrap();
    let (again, again_p) = crate::reducer::digit_serial::place_chain("ds", ch, &t, &tp);
    assert_eq!(again, net);
    assert_eq!(again_p.settings, phases.settings);
    assert_eq!(again_p.netlist.hash, phases.netlist.hash);
    let (circuit, settings) = resolve(&net, &phases).unwrap();
    let chip = DigitSerialChip::new(&net, &circuit, &settings, &device.nominal(), 0).unwrap();
    for (j, s) in chip.stages.iter().enumerate() {
        let (rate, exhaustive) = stage_exact(s, 1_000_000).unwrap();
        assert!(exhaustive);
        assert_eq!(rate, 1.0, "stage {j}");
    }
    let ex = chip.executor(1).unwrap();
    assert!(!ex.is_direct());
    let codes = vectors(chain, 20_000, 3);
    let c = chain.contract();
    // The composed fast path, the per-stage tables and every element
    // through the netlist agree with the contract.
    for ex in [ex.clone(), ex.without_fast_path(), chip.direct_executor(1)] {
        let mut out = vec![0; codes.len() / 4];
        ex.reduce(&codes, &mut out).unwrap();
        for (row, &r) in codes.chunks_exact(4).zip(&out) {
            assert_eq!(r as i64, c.reference(row), "{row:?}");
        }
    }
    let mut bad = codes.clone();
    bad[5] = 128;
    let mut out = vec![0; codes.len() / 4];
    assert!(chip.executor(1).unwrap().reduce(&bad, &mut out).is_err());
}

/// The realistic-device figures of spec/reducer.md ("Digit-serial
/// figures"): `cargo test --release -p optc --lib digit_serial_figures --
/// --ignored --nocapture`. 20 chips (seeds 1000–1019), 10^4 seeded vectors
/// each with detector noise, shipped phase file and each chip calibrated
/// stage by stage.
#[test]
#[ignore]
fn digit_serial_figures() {
    use optc_sim::reducer::calibrate::CalibrationOptions;
    for (n, b) in [(4usize, 8u32), (4, 16), (8, 8)] {
        let chain = DigitSerial::new(n, b).unwrap();
        let device = DeviceParams::REALISTIC;
        let t0 = std::time::Instant::now();
        let training = TrainOptions {
            steps: 300,
            ..training(device)
        };
        let (net, phases, rep) =
            build("ds", chain, &device, &OnnOptions::default(), &training).unwrap();
        let build_s = t0.elapsed().as_secs_f64();
        let (circuit, settings) = resolve(&net, &phases).unwrap();
        let c = chain.contract();
        let nominal =
            DigitSerialChip::new(&net, &circuit, &settings, &device.nominal(), 0).unwrap();
        let codes = vectors(chain, 1_000_000, 11);
        let mut out = vec![0; codes.len() / n];
        nominal
            .executor(1)
            .unwrap()
            .reduce(&codes, &mut out)
            .unwrap();
        let nominal_ok = codes
            .chunks_exact(n)
            .zip(&out)
            .filter(|(r, &o)| o as i64 == c.reference(r))
            .count() as f64
            / out.len() as f64;
        let codes = vectors(chain, 10_000, 12);
        let mut shipped = Vec::new();
        let mut calibrated = Vec::new();
        let mut max_err = [0i64; 2];
        for i in 0..20u64 {
            let seed = 1000 + i;
            let mut chip = DigitSerialChip::new(&net, &circuit, &settings, &device, seed).unwrap();
            for (slot, list) in [&mut shipped, &mut calibrated].into_iter().enumerate() {
                if slot == 1 {
                    chip.calibrate_stages(&CalibrationOptions::default())
                        .unwrap();
                }
                let mut out = vec![0; codes.len() / n];
                chip.executor(seed)
                    .unwrap()
                    .reduce(&codes, &mut out)
                    .unwrap();
                let mut ok = 0;
                for (r, &o) in codes.chunks_exact(n).zip(&out) {
                    let e = (o as i64 - c.reference(r)).abs();
                    max_err[slot] = max_err[slot].max(e);
                    ok += usize::from(e == 0);
                }
                list.push(ok as f64 / out.len() as f64);
            }
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let worst = |v: &[f64]| v.iter().copied().fold(1.0, f64::min);
        println!(
            "{n}x{b}b: nominal {:.6} (10^6 + extremes/ties); shipped mean {:.4} worst {:.4} max_err {}; calibrated mean {:.6} worst {:.6} max_err {}; build {:.1} s, total {:.1} s; stage calibration worst margin {:.4} -> {:.4}",
            nominal_ok,
            100.0 * mean(&shipped),
            100.0 * worst(&shipped),
            max_err[0],
            100.0 * mean(&calibrated),
            100.0 * worst(&calibrated),
            max_err[1],
            build_s,
            t0.elapsed().as_secs_f64(),
            rep.worst_margin_before,
            rep.worst_margin_after,
        );
    }
}

/// One chip model: a stage simulated alone (its part of the netlist, as the
/// runtime runs it) gives exactly what the whole netlist's plan gives at
/// that stage's ports on the same realistic chip: the stages' errors are
/// keyed by their own instance names and no heater is a crosstalk
/// neighbour of another stage's.
#[test]
fn a_stage_alone_is_the_whole_chip_on_that_stage() {
    use nalgebra::DMatrix;
    use num_complex::Complex64;
    use optc_sim::device::DeviceInstance;
    use optc_sim::simulate::Plan;
    let chain = DigitSerial::cascade(8, &[4, 4]).unwrap();
    let device = DeviceParams::REALISTIC.without_detector_noise();
    let (net, phases, _) = build(
        "ds",
        chain,
        &device,
        &OnnOptions::default(),
        &training(device),
    )
    .unwrap();
    let (circuit, settings) = resolve(&net, &phases).unwrap();
    let whole = Plan::new(
        &circuit,
        &settings,
        &DeviceInstance::sample(&device, &circuit, 5),
    );
    let chip = DigitSerialChip::new(&net, &circuit, &settings, &device, 5).unwrap();
    assert_eq!(chip.stages.len(), 21);
    // Every unit runs its own stages: the chip's stage list in the
    // section's order, each unit's span pointing at its own prefixes.
    let section = net.digit_serial.as_ref().unwrap();
    for (u, span) in section.units.iter().zip(&chip.units) {
        assert_eq!(
            (span.level, span.index, span.stages),
            (u.level, u.index, u.stages.len())
        );
        for (j, s) in u.stages.iter().enumerate() {
            let c = &chip.stages[span.first + j].circuit;
            assert!(
                c.nodes.iter().all(|n| n.name.starts_with(&s.prefix)),
                "{}",
                s.prefix
            );
        }
    }
    for s in [&chip.stages[0], &chip.stages[7], &chip.stages[20]] {
        let task = &s.runner.task;
        let values: Vec<i32> = task.levels().flat_map(|l| task.representative(l)).collect();
        let rows = task.level_count();
        let mut fields = Vec::new();
        let mut input = DMatrix::<Complex64>::zeros(rows, whole.input_names.len());
        let mut alone = DMatrix::<Complex64>::zeros(rows, s.plan.input_names.len());
        for (r, v) in values.chunks_exact(task.channels()).enumerate() {
            s.runner.input_fields(v, &mut fields);
            for (c, name) in s.plan.input_names.iter().enumerate() {
                alone[(r, c)] = fields[c];
                let w = whole.input_names.iter().position(|n| n == name).unwrap();
                input[(r, w)] = fields[c];
            }
        }
        let a = s.plan.run(&alone, 0).unwrap();
        let b = whole.run(&input, 0).unwrap();
        for (c, name) in s.plan.output_names.iter().enumerate() {
            let w = whole.output_names.iter().position(|n| n == name).unwrap();
            for r in 0..rows {
                assert!((a[(r, c)] - b[(r, w)]).norm() < 1e-12, "{name} row {r}");
            }
        }
    }
}

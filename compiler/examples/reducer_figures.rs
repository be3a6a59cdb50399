//! Prints the reducer's measured figures (see spec/reducer.md, "Figures").
//! Run: cargo run --release -p optc --example reducer_figures [-- quick]

use optc::reducer::design::{self, OnnOptions};
use optc::reducer::train::{train, train_on_instance, TrainOptions};
use optc_model::contract::Contract;
use optc_model::device::DeviceParams;
use optc_sim::reducer::device::realistic;
use optc_sim::reducer::device::DeviceInstance;
use optc_sim::reducer::eval::exact_match_rate_instance;
use optc_sim::reducer::eval::{exact_match_rate, exact_match_rate_device};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let ablate = args.iter().any(|a| a == "ablate");
    let steps: usize = args
        .iter()
        .find_map(|a| a.strip_prefix("steps=").and_then(|s| s.parse().ok()))
        .unwrap_or(200);
    let ratio: f64 = args
        .iter()
        .find_map(|a| a.strip_prefix("ratio=").and_then(|s| s.parse().ok()))
        .unwrap_or(OnnOptions::default().bias_ratio);
    let lr: f64 = args
        .iter()
        .find_map(|a| a.strip_prefix("lr=").and_then(|s| s.parse().ok()))
        .unwrap_or(TrainOptions::default().lr);
    let samples = 100_000;
    let dev = realistic();
    for (n, b) in [(4usize, 4u32), (8, 4), (16, 4)] {
        let Ok(c) = Contract::mean(n, b) else {
            continue;
        };
        let t0 = Instant::now();
        let Ok(mut circuit) = design::onn(
            &c,
            &OnnOptions {
                bias_ratio: ratio,
                ..OnnOptions::default()
            },
        ) else {
            continue;
        };
        let design_s = t0.elapsed().as_secs_f64();
        let ideal_design = exact_match_rate(&circuit, &c);
        let before = exact_match_rate_device(&circuit, &c, &dev, 20, samples, 100);
        let t1 = Instant::now();
        let opts = TrainOptions {
            steps,
            lr,
            device: dev,
            ..TrainOptions::default()
        };
        let rep = train(&mut circuit, &c, &opts, &mut |_, _| {});
        let train_s = t1.elapsed().as_secs_f64();
        let ideal = exact_match_rate(&circuit, &c);
        let after = exact_match_rate_device(&circuit, &c, &dev, 20, samples, 100);
        let widths = [6 * b as usize, 6 * b as usize];
        println!("== {n} servers x {b} bits ==");
        println!(
            "dataset_size_raw {} preprocessed {}",
            c.dataset_size_raw(),
            c.dataset_size_preprocessed()
        );
        println!(
            "mzi_count design {} (layers {:?}: full_svd {} unitary_diag {})",
            circuit.mzi_count(),
            widths,
            design::mzi_count_full_svd(&widths),
            design::mzi_count_unitary_diag(&widths)
        );
        println!("components {:?}", circuit.component_counts());
        println!(
            "ideal device, design: exact_match {:.6} max_error_lsb {}",
            ideal_design.exact_match_rate, ideal_design.max_error_lsb
        );
        println!(
            "ideal device, trained-for-realistic circuit: exact_match {:.6} max_error_lsb {}",
            ideal.exact_match_rate, ideal.max_error_lsb
        );
        println!(
            "device (20 inst, {:?}) before training: mean {:.5} worst {:.5} max_err {}",
            before.coverage, before.mean, before.worst, before.max_error_lsb
        );
        println!(
            "device after {} steps: mean {:.5} worst {:.5} max_err {}",
            steps, after.mean, after.worst, after.max_error_lsb
        );
        println!(
            "loss {:.5} -> {:.5}; design {:.3}s train {:.2}s",
            rep.initial_loss, rep.final_loss, design_s, train_s
        );
        // In-situ calibration: per instance, fine-tune the robust circuit on
        // that chip's static errors, then evaluate it on the same chip.
        let t2 = Instant::now();
        let calib_steps = steps / 4;
        let mut rates = Vec::new();
        let mut rep_rates = Vec::new();
        let mut worst_err = 0;
        for i in 0..20u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(100 + i);
            let inst = DeviceInstance::sample(&circuit, &dev, &mut rng);
            let mut chip = circuit.clone();
            let o = TrainOptions {
                steps: calib_steps,
                seed: i,
                ..opts
            };
            train_on_instance(&mut chip, &c, &o, &inst, &mut |_, _| {});
            let r = exact_match_rate_instance(&chip, &c, &inst, samples, 100 + i);
            worst_err = worst_err.max(r.max_error_lsb);
            rates.push(r.exact_match_rate);
            // The same chip judged on one representative vector per sum:
            // separates averaging-mesh (vector-dependent) errors from the rest.
            let dn = DeviceInstance {
                detector_noise: 0.0,
                ..inst.clone()
            };
            let prep = optc_sim::reducer::physical::PreparedCircuit::new(&chip, &dn);
            let (mut f, mut sg) = (Vec::new(), Vec::new());
            let mut nr = ChaCha8Rng::seed_from_u64(0);
            let rep = optc_model::contract::exact_match_sums(&c, |s| {
                optc_sim::reducer::eval::delivered(
                    &prep,
                    0.0,
                    &c.representative(s),
                    &mut f,
                    &mut sg,
                    &mut nr,
                )
            });
            rep_rates.push(rep.exact_match_rate);
        }
        println!(
            "device after per-chip calibration ({} steps each, {:.2}s total): mean {:.5} worst {:.5} max_err {}",
            calib_steps,
            t2.elapsed().as_secs_f64(),
            rates.iter().sum::<f64>() / rates.len() as f64,
            rates.iter().copied().fold(1.0, f64::min),
            worst_err
        );
        println!(
            "  same chips on representative vectors only: mean {:.5} worst {:.5}",
            rep_rates.iter().sum::<f64>() / rep_rates.len() as f64,
            rep_rates.iter().copied().fold(1.0, f64::min)
        );
        if ablate {
            let one = |name: &str, p: DeviceParams| {
                let r = exact_match_rate_device(&circuit, &c, &p, 10, 20_000, 5);
                println!("  only {name}: mean {:.5} worst {:.5}", r.mean, r.worst);
            };
            let i = DeviceParams::IDEAL;
            one(
                "loss",
                DeviceParams {
                    mzi_loss_db: dev.mzi_loss_db,
                    ..i
                },
            );
            one(
                "coupler",
                DeviceParams {
                    coupler_error: dev.coupler_error,
                    ..i
                },
            );
            one(
                "dac",
                DeviceParams {
                    phase_bits: dev.phase_bits,
                    ..i
                },
            );
            one(
                "phase_error",
                DeviceParams {
                    phase_error_rad: dev.phase_error_rad,
                    ..i
                },
            );
            one(
                "crosstalk",
                DeviceParams {
                    crosstalk: dev.crosstalk,
                    ..i
                },
            );
            one(
                "detector",
                DeviceParams {
                    detector_noise: dev.detector_noise,
                    ..i
                },
            );
        }
    }
}

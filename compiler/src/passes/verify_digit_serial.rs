//! `verify` for a digit-serial reducer (spec/reducer.md, "Digit-serial
//! reducer"): every stage over its whole input domain on the nominal chip,
//! the chain end to end on 10^6 seeded vectors plus every extreme and tie,
//! and `DEVICE_INSTANCES` instances of the target device (transmitters and
//! remodulators included), each as shipped and after its own stage-by-stage
//! calibration, on `DEVICE_SAMPLES` seeded vectors with detector noise.

use super::verify_reducer::{
    DEVICE_INSTANCES, DEVICE_SAMPLES, DEVICE_SEED, IDEAL_SAMPLES, IDEAL_SEED,
};
use super::PassError;
use crate::emit::{
    DeviceFigures, DigitSerialReport, LevelFigures, ReducerReport, StageDeviceFigures,
};
use crate::unit::CompileUnit;
use optc_model::digit_serial::DigitSerial;
use optc_sim::reducer::calibrate::CalibrationOptions;
use optc_sim::reducer::digit_serial::{stage_exact, verification_vectors, DigitSerialChip};
use rayon::prelude::*;

/// Stage domains up to this many inputs are enumerated (nominal chip).
pub const STAGE_EXHAUSTIVE_LIMIT: u128 = 1_000_000;
/// The same on each device instance (else every level's representative).
pub const STAGE_DEVICE_EXHAUSTIVE_LIMIT: u128 = 10_000;

/// The detector-noise seed of instance `seed`, whose vectors come from
/// ChaCha8Rng(seed): the two streams must differ.
fn noise_seed(seed: u64) -> u64 {
    seed ^ 0x5eed
}

/// Exact-match rate and largest |error| of `chip` on `codes`, detector
/// noise from the executor's streams of `noise`.
fn score(
    chip: &DigitSerialChip,
    chain: DigitSerial,
    codes: &[i32],
    noise: u64,
) -> Result<(f64, i64), String> {
    let n = chain.servers;
    let mut out = vec![0; codes.len() / n];
    chip.executor(noise)
        .map_err(|e| e.to_string())?
        .reduce(codes, &mut out)
        .map_err(|e| e.to_string())?;
    let c = chain.contract();
    let mut ok = 0usize;
    let mut worst = 0i64;
    for (row, &r) in codes.chunks_exact(n).zip(&out) {
        let e = (r as i64 - c.reference(row)).abs();
        worst = worst.max(e);
        ok += usize::from(e == 0);
    }
    Ok((ok as f64 / out.len().max(1) as f64, worst))
}

pub fn verify(unit: &mut CompileUnit, chain: DigitSerial) -> Result<(), PassError> {
    let network = unit.name().to_string();
    let fail = |message: String| PassError::Verify {
        network: network.clone(),
        message,
    };
    let Some((netlist, phases)) = &unit.netlist else {
        return Err(fail("no netlist".into()));
    };
    let (circuit, settings) = super::emitted::resolve(netlist, phases).map_err(&fail)?;
    let params = unit.ir.device.params;
    let nominal = params.nominal();
    let ideal = DigitSerialChip::new(netlist, &circuit, &settings, &nominal, 0)
        .map_err(|e| fail(e.to_string()))?;
    let mut stage_rates = Vec::new();
    let mut exhaustive = true;
    for s in &ideal.stages {
        let (rate, all) =
            stage_exact(s, STAGE_EXHAUSTIVE_LIMIT).map_err(|e| fail(e.to_string()))?;
        stage_rates.push(rate);
        exhaustive &= all;
    }
    let codes = verification_vectors(chain, IDEAL_SAMPLES as usize, IDEAL_SEED, true);
    let (rate, worst) = score(&ideal, chain, &codes, noise_seed(IDEAL_SEED)).map_err(&fail)?;
    // Per instance, shipped then calibrated: (end-to-end rate, worst
    // error) and every stage's noiseless exact-match over its domain.
    type Scored = ((f64, i64), Vec<f64>);
    let stage_scores = |chip: &DigitSerialChip| -> Result<Vec<f64>, String> {
        chip.stages
            .iter()
            .map(|s| {
                stage_exact(s, STAGE_DEVICE_EXHAUSTIVE_LIMIT)
                    .map(|x| x.0)
                    .map_err(|e| e.to_string())
            })
            .collect()
    };
    let mut device_stages_exhaustive = true;
    for s in &ideal.stages {
        device_stages_exhaustive &= s.runner.task.inputs_count() <= STAGE_DEVICE_EXHAUSTIVE_LIMIT;
    }
    let per: Vec<[Scored; 2]> = (0..DEVICE_INSTANCES)
        .into_par_iter()
        .map(|i| {
            let seed = DEVICE_SEED + i as u64;
            let codes = verification_vectors(chain, DEVICE_SAMPLES as usize, seed, false);
            let mut chip = DigitSerialChip::new(netlist, &circuit, &settings, &params, seed)
                .map_err(|e| e.to_string())?;
            let shipped = (
                score(&chip, chain, &codes, noise_seed(seed))?,
                stage_scores(&chip)?,
            );
            chip.calibrate_stages(&CalibrationOptions::default())
                .map_err(|e| e.to_string())?;
            let calibrated = (
                score(&chip, chain, &codes, noise_seed(seed))?,
                stage_scores(&chip)?,
            );
            Ok([shipped, calibrated])
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(&fail)?;
    let stage_device = |which: usize| {
        let all: Vec<f64> = per
            .iter()
            .flat_map(|x| x[which].1.iter().copied())
            .collect();
        StageDeviceFigures {
            mean: all.iter().sum::<f64>() / all.len().max(1) as f64,
            worst: all.iter().copied().fold(1.0, f64::min),
            stages_wrong_somewhere: per
                .iter()
                .map(|x| x[which].1.iter().filter(|&&r| r < 1.0).count())
                .sum(),
        }
    };
    let samples = codes_per_instance(chain);
    let figures = |which: usize| {
        let rates: Vec<f64> = per.iter().map(|x| x[which].0 .0).collect();
        DeviceFigures {
            mean: rates.iter().sum::<f64>() / rates.len().max(1) as f64,
            worst: rates.iter().copied().fold(1.0, f64::min),
            instances: DEVICE_INSTANCES,
            samples_per_instance: samples,
            coverage: "sampled".into(),
            max_error_lsb: per.iter().map(|x| x[which].0 .1).max().unwrap_or(0),
        }
    };
    let stage_task = &ideal.stages[0].runner.task;
    let report = unit
        .report
        .reducer
        .get_or_insert_with(ReducerReport::default);
    report.exact_match_rate = rate;
    report.max_error_lsb = worst;
    report.coverage = format!(
        "stages {} ({} inputs each), end to end sampled {}",
        if exhaustive { "exhaustive" } else { "levels" },
        stage_task.inputs_count(),
        codes.len() / chain.servers
    );
    report.ideal_phase_bits = nominal.phase_bits;
    report.exact_match_rate_device = figures(0);
    report.exact_match_rate_device_calibrated = figures(1);
    let mzi_per_stage = ideal.stages[0]
        .circuit
        .nodes
        .iter()
        .filter(|n| n.kind.mzi_cell().is_some())
        .count();
    report.digit_serial = Some(DigitSerialReport {
        link: "pam4".into(),
        stages: chain.total_stages(),
        stage_levels: chain.stage_levels(),
        stage_bits: chain.stage_bits(),
        stage_inputs: stage_task.inputs_count().to_string(),
        stage_exact_match: stage_rates,
        stage_coverage: if exhaustive { "exhaustive" } else { "levels" }.into(),
        end_to_end_vectors: (codes.len() / chain.servers) as u64,
        stage_exact_match_device: stage_device(0),
        stage_exact_match_device_calibrated: stage_device(1),
        stage_device_coverage: if device_stages_exhaustive {
            "exhaustive"
        } else {
            "levels"
        }
        .into(),
        latency_passes: chain.latency_passes(),
        mzi_per_stage,
        levels: (0..chain.levels())
            .map(|l| LevelFigures {
                fan_in: chain.fan_in()[l],
                units: chain.units(l),
                stages_per_unit: chain.stages_at(l),
                mzis: chain.units(l) * chain.stages_at(l) * mzi_per_stage,
            })
            .collect(),
    });
    Ok(())
}

/// Vectors per device instance: the seeded ones plus extremes and ties.
fn codes_per_instance(chain: DigitSerial) -> u64 {
    (verification_vectors(chain, 0, 0, false).len() / chain.servers) as u64 + DEVICE_SAMPLES
}

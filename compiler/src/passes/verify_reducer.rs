//! `verify` (reducers): execute the **emitted netlist** with the runtime
//! (netlist → plan → reducer section's electronics) and measure it against
//! the contract (`place` already checked the netlist against the model).
//!
//! - ideal figure: the nominal target device (its DAC, insertion loss and
//!   crosstalk, which `calibrate` compensated; no random static errors, no
//!   noise): every input vector through the netlist when there are ≤ 10^6
//!   (`exhaustive`); else every distinct sum once, weighted by its
//!   multiplicity (`sums`), which is exact for a sum-only netlist, checked
//!   first on 10^4 seeded vectors; if any of them disagrees with its sum,
//!   10^6 seeded vectors (`sampled 1000000`);
//! - device: `DEVICE_INSTANCES` instances of the target device
//!   (`DeviceInstance::sample`, seed `DEVICE_SEED + i`), each on every input
//!   vector when there are ≤ `DEVICE_SAMPLES`, else on `DEVICE_SAMPLES`
//!   seeded uniform vectors; detector noise per vector. Each instance is
//!   scored twice: with the shipped phase file, and after its own
//!   calibration (`reducer::calibrate`, heaters and attenuators, from the comparator
//!   signals of one input vector per sum; what `optc calibrate` writes).

use super::{Pass, PassError};
use crate::emit::{DeviceFigures, ReducerReport};
use crate::unit::CompileUnit;
use optc_model::contract::{Contract, EXHAUSTIVE_LIMIT};
use optc_sim::device::{DeviceInstance, NodeSettings};
use optc_sim::reducer::calibrate::{calibrate, CalibrationOptions};
use optc_sim::reducer::executor::SumResponse;
use optc_sim::reducer::netlist_run::NetlistReducer;
use optc_sim::simulate::Plan;
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

pub struct VerifyReducer;

pub const DEVICE_INSTANCES: usize = 20;
pub const DEVICE_SAMPLES: u64 = 10_000;
pub const DEVICE_SEED: u64 = 1_000;
/// Ideal figure above 10^6 combinations when the netlist is not sum-only.
pub const IDEAL_SAMPLES: u64 = 1_000_000;
pub const IDEAL_SEED: u64 = 77;
/// Vectors checked against the sum table before trusting `sums` coverage.
pub const SUM_ONLY_CHECK: u64 = 10_000;

impl Pass for VerifyReducer {
    fn name(&self) -> &'static str {
        "verify"
    }

    fn description(&self) -> &'static str {
        "execute the netlist: exact-match on the nominal chip and over seeded device instances, as shipped and each calibrated"
    }

    fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError> {
        let network = unit.name().to_string();
        let (Some(lowering), Some((netlist, phases))) = (&unit.reducer, &unit.netlist) else {
            return Err(PassError::Order {
                network,
                pass: "verify",
                needs: "a reducer netlist (pass `place`)",
            });
        };
        if let Some(chain) = lowering.chain {
            return super::verify_digit_serial::verify(unit, chain);
        }
        let fail = |message: String| PassError::Verify {
            network: network.clone(),
            message,
        };
        let (circuit, settings, iface) =
            super::emitted::resolve_reducer(netlist, phases).map_err(&fail)?;
        let contract = &lowering.contract;
        // The "ideal" figure is the nominal target device: its DAC, loss
        // and crosstalk (known at design time, compensated by `calibrate`),
        // no random static errors, no noise.
        let nominal = unit.ir.device.params.nominal();
        let ideal = Plan::new(
            &circuit,
            &settings,
            &DeviceInstance::sample(&nominal, &circuit, 0),
        );
        let runner = NetlistReducer::new(iface, &ideal).map_err(|e| fail(e.to_string()))?;
        let table = runner.sum_table(&ideal).map_err(|e| fail(e.to_string()))?;
        let (rate, worst, coverage) = if contract.dataset_size_raw() <= EXHAUSTIVE_LIMIT {
            let codes = all_vectors(contract);
            let resp = runner
                .respond(&ideal, &codes, 0)
                .map_err(|e| fail(e.to_string()))?;
            let (hits, worst) = score(contract, &runner, &codes, &resp, 0.0, 0);
            (hits, worst, "exhaustive".to_string())
        } else if sum_only(contract, &runner, &ideal, &table).map_err(&fail)? {
            let sums = contract.distinct_sums();
            let total: f64 = sums.iter().map(|x| x.1).sum();
            let mut good = 0.0;
            let mut worst = 0i64;
            for ((s, mult), resp) in sums.iter().zip(&table) {
                let d = runner.deliver::<ChaCha8Rng>(resp, None);
                let r = contract.reference_from_sum(*s);
                if d == r {
                    good += mult;
                }
                worst = worst.max((d - r).abs());
            }
            (good / total, worst, "sums".to_string())
        } else {
            let mut hits = 0.0;
            let mut worst = 0i64;
            let batch = 100_000u64;
            for k in 0..IDEAL_SAMPLES / batch {
                let codes = sampled_vectors(contract, batch, IDEAL_SEED + k);
                let resp = runner
                    .respond(&ideal, &codes, 0)
                    .map_err(|e| fail(e.to_string()))?;
                let (rate, w) = score(contract, &runner, &codes, &resp, 0.0, 0);
                hits += rate * batch as f64;
                worst = worst.max(w);
            }
            (
                hits / IDEAL_SAMPLES as f64,
                worst,
                format!("sampled {IDEAL_SAMPLES}"),
            )
        };

        // Device instances of the target device.
        let params = unit.ir.device.params;
        let quiet = params.without_detector_noise();
        let raw = contract.dataset_size_raw();
        let exhaustive = raw <= u128::from(DEVICE_SAMPLES);
        let every_vector = exhaustive.then(|| all_vectors(contract));
        // Per instance: the shipped phase file as it is, then the same chip
        // after its own calibration (heaters and attenuators; `reducer::calibrate`).
        let per: Vec<[(f64, i64); 2]> = (0..DEVICE_INSTANCES)
            .into_par_iter()
            .map(|i| {
                let seed = DEVICE_SEED + i as u64;
                let chip = DeviceInstance::sample(&quiet, &circuit, seed);
                let sampled;
                let codes: &[i32] = match &every_vector {
                    Some(all) => all,
                    None => {
                        sampled = sampled_vectors(contract, DEVICE_SAMPLES, seed);
                        &sampled
                    }
                };
                let run = |s: &NodeSettings| -> Result<(f64, i64), String> {
                    let p = Plan::new(&circuit, s, &chip);
                    let resp = runner.respond(&p, codes, 0).map_err(|e| e.to_string())?;
                    Ok(score(
                        contract,
                        &runner,
                        codes,
                        &resp,
                        params.detector_noise,
                        seed,
                    ))
                };
                let shipped = run(&settings)?;
                let calibrated = match calibrate(
                    &circuit,
                    &runner,
                    &chip,
                    &settings,
                    &CalibrationOptions::default(),
                )
                .map_err(|e| e.to_string())?
                {
                    Some(cal) => run(&cal.settings)?,
                    None => shipped,
                };
                Ok([shipped, calibrated])
            })
            .collect::<Result<Vec<_>, String>>()
            .map_err(&fail)?;
        let figures = |which: usize| {
            let rates: Vec<f64> = per.iter().map(|x| x[which].0).collect();
            DeviceFigures {
                mean: rates.iter().sum::<f64>() / rates.len().max(1) as f64,
                worst: rates.iter().copied().fold(1.0, f64::min),
                instances: DEVICE_INSTANCES,
                samples_per_instance: if exhaustive {
                    raw as u64
                } else {
                    DEVICE_SAMPLES
                },
                coverage: if exhaustive { "exhaustive" } else { "sampled" }.into(),
                max_error_lsb: per.iter().map(|x| x[which].1).max().unwrap_or(0),
            }
        };
        let report = unit
            .report
            .reducer
            .get_or_insert_with(ReducerReport::default);
        report.exact_match_rate = rate;
        report.max_error_lsb = worst;
        report.coverage = coverage;
        report.ideal_phase_bits = nominal.phase_bits;
        report.exact_match_rate_device = figures(0);
        report.exact_match_rate_device_calibrated = figures(1);
        Ok(())
    }
}

/// Whether `SUM_ONLY_CHECK` seeded vectors get exactly the decision of
/// their sum's table entry (then the sum table is the whole truth).
fn sum_only(
    contract: &Contract,
    runner: &NetlistReducer,
    plan: &Plan,
    table: &[SumResponse],
) -> Result<bool, String> {
    let codes = sampled_vectors(contract, SUM_ONLY_CHECK, IDEAL_SEED ^ 0xa11);
    let resp = runner.respond(plan, &codes, 0).map_err(|e| e.to_string())?;
    let a = contract.max_sum();
    Ok(codes
        .chunks_exact(contract.servers)
        .zip(&resp)
        .all(|(row, r)| {
            let s: i64 = row.iter().map(|&x| i64::from(x)).sum();
            let entry = &table[(s + a) as usize];
            runner.deliver::<ChaCha8Rng>(r, None) == runner.deliver::<ChaCha8Rng>(entry, None)
        }))
}

/// Every code vector, row-major (server 0 fastest).
fn all_vectors(contract: &Contract) -> Vec<i32> {
    let mut out = Vec::new();
    contract.for_each_vector(|codes| out.extend_from_slice(codes));
    out
}

fn sampled_vectors(contract: &Contract, samples: u64, seed: u64) -> Vec<i32> {
    let q = contract.max_code();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    (0..samples as usize * contract.servers)
        .map(|_| rng.gen_range(-q..=q))
        .collect()
}

/// (exact-match rate, max error in LSB) of the responses to `codes`.
fn score(
    contract: &Contract,
    runner: &NetlistReducer,
    codes: &[i32],
    resp: &[SumResponse],
    noise: f64,
    seed: u64,
) -> (f64, i64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(31).wrapping_add(7));
    let mut hits = 0usize;
    let mut worst = 0i64;
    for (row, r) in codes.chunks_exact(contract.servers).zip(resp) {
        let d = runner.deliver(r, Some((noise, &mut rng)));
        let want = contract.reference(row);
        if d == want {
            hits += 1;
        }
        worst = worst.max((d - want).abs());
    }
    (hits as f64 / resp.len().max(1) as f64, worst)
}

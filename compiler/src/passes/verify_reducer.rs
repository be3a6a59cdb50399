//! `verify` (reducers): execute the **emitted netlist** with the runtime
//! (netlist → plan → reducer section's electronics) and measure it against
//! the contract; fail if the ideal netlist and the circuit model disagree.
//!
//! - the ideal netlist (continuous phases) must agree with the circuit
//!   model on every sum (decisions, and comparator inputs to 1e-9·FS);
//! - ideal figure (no static errors, no noise, phases quantized by the
//!   target's DAC as the phase file's codes are): every input vector
//!   through the netlist when there are ≤ 10^6 (`exhaustive`); else every
//!   distinct sum once, weighted by its multiplicity (`sums`), which is
//!   exact for a sum-only netlist, checked first on 10^4 seeded vectors;
//!   if any of them disagrees with its sum, 10^6 seeded vectors
//!   (`sampled 1000000`);
//! - device: `DEVICE_INSTANCES` instances of the target device
//!   (`DeviceInstance::sample`, seed `DEVICE_SEED + i`), each on every input
//!   vector when there are ≤ `DEVICE_SAMPLES`, else on `DEVICE_SAMPLES`
//!   seeded uniform vectors; detector noise per vector.

use super::{Pass, PassError};
use crate::emit::{DeviceFigures, ReducerReport};
use crate::unit::CompileUnit;
use optc_runtime::device::{DeviceInstance, DeviceParams, NodeSettings};
use optc_runtime::netlist::Circuit;
use optc_runtime::reducer::contract::{Contract, EXHAUSTIVE_LIMIT};
use optc_runtime::reducer::device::DeviceInstance as ModelInstance;
use optc_runtime::reducer::executor::{ReducerExecutor, SumResponse};
use optc_runtime::reducer::netlist_run::NetlistReducer;
use optc_runtime::simulate::Plan;
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
/// Ideal netlist and model comparator inputs must agree to this fraction
/// of full scale.
pub const MODEL_AGREEMENT: f64 = 1e-9;

impl Pass for VerifyReducer {
    fn name(&self) -> &'static str {
        "verify"
    }

    fn description(&self) -> &'static str {
        "execute the netlist: exact-match rate ideal and over seeded device instances; check it against the model"
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
        let fail = |message: String| PassError::Verify {
            network: network.clone(),
            message,
        };
        let (circuit, settings) = super::emitted::resolve(netlist, phases).map_err(&fail)?;
        let iface = netlist
            .reducer
            .as_ref()
            .ok_or_else(|| fail("the emitted netlist has no reducer section".into()))?;
        let contract = &lowering.contract;
        let ideal = plan(&circuit, &settings, &DeviceParams::IDEAL, 0);
        let runner = NetlistReducer::new(iface, &ideal).map_err(|e| fail(e.to_string()))?;

        // The ideal netlist must agree with the circuit model on every sum.
        let table = runner.sum_table(&ideal).map_err(|e| fail(e.to_string()))?;
        let model = ReducerExecutor::new(
            &lowering.circuit,
            contract,
            &ModelInstance::ideal(&lowering.circuit),
            0,
        );
        let a = contract.max_sum();
        let comps = runner.comparators();
        let model_signals: Vec<Vec<f64>> = match &lowering.circuit.readout {
            optc_runtime::reducer::circuit::Readout::Bits { .. } => (-a..=a)
                .map(|s| {
                    optc_runtime::reducer::design::signals_at(&lowering.circuit, contract, s)
                        .into_iter()
                        .map(|x| x.0)
                        .collect()
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut none: Option<(f64, &mut ChaCha8Rng)> = None;
        for (i, (s, resp)) in (-a..=a).zip(&table).enumerate() {
            let got = runner.deliver(resp, none.take());
            let want = model.table(s).map(i64::from);
            if Some(got) != want {
                return Err(fail(format!(
                    "sum {s}: the netlist delivers {got} but the circuit model {want:?}"
                )));
            }
            if let (SumResponse::Signals(sig), Some(m)) = (resp, model_signals.get(i)) {
                for (k, ((x, y), (_, fs))) in sig.iter().zip(m).zip(&comps.detectors).enumerate() {
                    if (x - y).abs() > MODEL_AGREEMENT * fs {
                        return Err(fail(format!(
                            "sum {s}, bit {k}: netlist comparator input {x:e} differs from the model's {y:e}"
                        )));
                    }
                }
            }
        }

        // Ideal exact-match through the netlist: no static errors, no noise,
        // phases as the target's DAC realizes them (the phase file's codes).
        let dac_only = DeviceParams {
            phase_bits: unit.ir.device.params.phase_bits,
            ..DeviceParams::IDEAL
        };
        let ideal = plan(&circuit, &settings, &dac_only, 0);
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
        let quiet = DeviceParams {
            detector_noise: 0.0,
            ..params
        };
        let raw = contract.dataset_size_raw();
        let exhaustive = raw <= u128::from(DEVICE_SAMPLES);
        let per: Vec<(f64, i64)> = (0..DEVICE_INSTANCES)
            .into_par_iter()
            .map(|i| {
                let seed = DEVICE_SEED + i as u64;
                let p = plan(&circuit, &settings, &quiet, seed);
                let codes = if exhaustive {
                    all_vectors(contract)
                } else {
                    sampled_vectors(contract, DEVICE_SAMPLES, seed)
                };
                let resp = runner.respond(&p, &codes, 0).map_err(|e| e.to_string())?;
                Ok(score(
                    contract,
                    &runner,
                    &codes,
                    &resp,
                    params.detector_noise,
                    seed,
                ))
            })
            .collect::<Result<Vec<_>, String>>()
            .map_err(&fail)?;
        let rates: Vec<f64> = per.iter().map(|x| x.0).collect();
        let device = DeviceFigures {
            mean: rates.iter().sum::<f64>() / rates.len().max(1) as f64,
            worst: rates.iter().copied().fold(1.0, f64::min),
            instances: DEVICE_INSTANCES,
            samples_per_instance: if exhaustive {
                raw as u64
            } else {
                DEVICE_SAMPLES
            },
            coverage: if exhaustive { "exhaustive" } else { "sampled" }.into(),
            max_error_lsb: per.iter().map(|x| x.1).max().unwrap_or(0),
        };
        let report = unit
            .report
            .reducer
            .get_or_insert_with(ReducerReport::default);
        report.exact_match_rate = rate;
        report.max_error_lsb = worst;
        report.coverage = coverage;
        report.ideal_phase_bits = dac_only.phase_bits;
        report.exact_match_rate_device = device;
        Ok(())
    }
}

/// The plan of one device instance (detector noise is the comparators').
fn plan(circuit: &Circuit, settings: &NodeSettings, params: &DeviceParams, seed: u64) -> Plan {
    let quiet = DeviceParams {
        detector_noise: 0.0,
        ..*params
    };
    let device = DeviceInstance::sample(&quiet, circuit, seed);
    Plan::new(circuit, settings, &device)
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

/// Every code vector, row-major (odometer, server 0 fastest).
fn all_vectors(contract: &Contract) -> Vec<i32> {
    let n = contract.servers;
    let q = contract.max_code();
    let mut codes = vec![-q; n];
    let mut out = Vec::new();
    loop {
        out.extend_from_slice(&codes);
        let mut i = 0;
        while i < n {
            if codes[i] < q {
                codes[i] += 1;
                break;
            }
            codes[i] = -q;
            i += 1;
        }
        if i == n {
            return out;
        }
    }
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

//! Exact-match evaluation of a circuit: ideal (over the distinct sums,
//! exact) and per device instance (static errors + per-sample detector noise).

use crate::reducer::circuit::{Circuit, Readout};
use crate::reducer::device::DeviceInstance;
use crate::reducer::physical::PreparedCircuit;
use num_complex::Complex64;
use optc_model::contract::{
    exact_match_sums, exact_match_vectors, Contract, Coverage, MatchReport,
};
use optc_model::device::DeviceParams;
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The delivered result for one input; detector noise is drawn from `rng`
/// when the instance has any.
pub fn delivered<R: Rng>(
    prep: &PreparedCircuit<'_>,
    noise: f64,
    codes: &[i32],
    field: &mut Vec<Complex64>,
    signals: &mut Vec<f64>,
    rng: &mut R,
) -> i64 {
    prep.forward(codes, field);
    signals.clear();
    if let Readout::Bits { detectors, .. } = &prep.circuit.readout {
        for d in detectors {
            let mut s = d.signal(field);
            if noise > 0.0 {
                let n: f64 = rng.sample(StandardNormal);
                s += noise * d.full_scale * n;
            }
            signals.push(s);
        }
    }
    prep.circuit.decode(field, signals)
}

/// Ideal exact-match rate: the ideal circuit's response depends on S only,
/// so the distinct sums weighted by multiplicity give the exact figure.
pub fn exact_match_rate(circuit: &Circuit, contract: &Contract) -> MatchReport {
    let dev = DeviceInstance::ideal(circuit);
    let prep = PreparedCircuit::new(circuit, &dev);
    let (mut f, mut s) = (Vec::new(), Vec::new());
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    exact_match_sums(contract, |sum| {
        delivered(
            &prep,
            0.0,
            &contract.representative(sum),
            &mut f,
            &mut s,
            &mut rng,
        )
    })
}

/// Exact-match on one given device instance (inputs as in
/// [`exact_match_vectors`], detector noise per sample from `seed`).
pub fn exact_match_rate_instance(
    circuit: &Circuit,
    contract: &Contract,
    dev: &DeviceInstance,
    samples: u64,
    seed: u64,
) -> MatchReport {
    let prep = PreparedCircuit::new(circuit, dev);
    let (mut f, mut s) = (Vec::new(), Vec::new());
    let mut noise_rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(31).wrapping_add(7));
    exact_match_vectors(contract, samples, seed ^ 0x5eed, |v| {
        delivered(&prep, dev.detector_noise, v, &mut f, &mut s, &mut noise_rng)
    })
}

/// Exact-match figures over several device instances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceReport {
    pub mean: f64,
    pub worst: f64,
    pub per_instance: Vec<f64>,
    pub max_error_lsb: i64,
    pub coverage: Coverage,
}

/// Per instance i (static errors from ChaCha8Rng(seed + i)): every input
/// vector when there are ≤ 10^6, else `samples` seeded uniform vectors;
/// detector noise is drawn per sample.
pub fn exact_match_rate_device(
    circuit: &Circuit,
    contract: &Contract,
    params: &DeviceParams,
    instances: usize,
    samples: u64,
    seed: u64,
) -> DeviceReport {
    let reports: Vec<MatchReport> = (0..instances)
        .into_par_iter()
        .map(|i| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(i as u64));
            let dev = DeviceInstance::sample(circuit, params, &mut rng);
            let prep = PreparedCircuit::new(circuit, &dev);
            let (mut f, mut s) = (Vec::new(), Vec::new());
            let mut noise_rng =
                ChaCha8Rng::seed_from_u64(seed.wrapping_add(1_000_003 * (i as u64 + 1)));
            exact_match_vectors(contract, samples, seed ^ 0x5eed ^ i as u64, |v| {
                delivered(&prep, dev.detector_noise, v, &mut f, &mut s, &mut noise_rng)
            })
        })
        .collect();
    let per: Vec<f64> = reports.iter().map(|r| r.exact_match_rate).collect();
    DeviceReport {
        mean: per.iter().sum::<f64>() / per.len().max(1) as f64,
        worst: per.iter().copied().fold(1.0, f64::min),
        per_instance: per,
        max_error_lsb: reports.iter().map(|r| r.max_error_lsb).max().unwrap_or(0),
        coverage: reports.first().map_or(Coverage::Exhaustive, |r| r.coverage),
    }
}

//! One device instance: the static errors of a chip, sampled once from the
//! device parameters and a seed, and the phases it really realizes when it
//! is programmed with a phase file (spec/device.md).

use super::DeviceParams;
use crate::netlist::{Circuit, Kind};
use crate::phases::Dac;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use std::collections::HashMap;

/// Programmable values per node (see `crate::phases::NodeSettings`).
pub type NodeSettings = Vec<[f64; 2]>;

/// Independent random streams, so enabling one error does not change the
/// samples of another.
const STREAM_PHASE: u64 = 1;
const STREAM_COUPLER: u64 = 2;
/// Detector noise uses streams from this base upwards (one per batch chunk).
pub const STREAM_DETECTOR_BASE: u64 = 1 << 32;

#[derive(Debug, Clone)]
pub struct DeviceInstance {
    pub params: DeviceParams,
    pub seed: u64,
    /// Static phase error per node, added to `[θ, φ]` or `[phase, _]`.
    pub phase_error: Vec<[f64; 2]>,
    /// Power cross-coupling ratio κ of each coupler: an MZI's first and
    /// second coupler, or a `coupler` instance's (index 0).
    pub kappa: Vec<[f64; 2]>,
}

fn normal(rng: &mut ChaCha8Rng, sigma: f64) -> f64 {
    match Normal::new(0.0, sigma) {
        Ok(d) if sigma > 0.0 => d.sample(rng),
        _ => 0.0,
    }
}

impl DeviceInstance {
    /// Samples the static errors of one chip. Nodes are visited in name order.
    pub fn sample(params: &DeviceParams, circuit: &Circuit, seed: u64) -> DeviceInstance {
        let mut phase_rng = ChaCha8Rng::seed_from_u64(seed);
        phase_rng.set_stream(STREAM_PHASE);
        let mut coupler_rng = ChaCha8Rng::seed_from_u64(seed);
        coupler_rng.set_stream(STREAM_COUPLER);
        let n = circuit.nodes.len();
        let mut phase_error = vec![[0.0; 2]; n];
        let mut kappa = vec![[0.5; 2]; n];
        let ratio = |rng: &mut ChaCha8Rng, nominal: f64| {
            (nominal + normal(rng, params.coupler_error)).clamp(0.0, 1.0)
        };
        for (i, node) in circuit.nodes.iter().enumerate() {
            match node.kind {
                Kind::Mzi => {
                    phase_error[i] = [
                        normal(&mut phase_rng, params.phase_error_rad),
                        normal(&mut phase_rng, params.phase_error_rad),
                    ];
                    kappa[i] = [ratio(&mut coupler_rng, 0.5), ratio(&mut coupler_rng, 0.5)];
                }
                Kind::PhaseShifter => {
                    phase_error[i][0] = normal(&mut phase_rng, params.phase_error_rad);
                }
                Kind::Coupler => {
                    kappa[i][0] = ratio(&mut coupler_rng, node.attr("ratio"));
                }
                _ => {}
            }
        }
        DeviceInstance {
            params: *params,
            seed,
            phase_error,
            kappa,
        }
    }

    /// The field factor of an MZI's insertion loss.
    pub fn mzi_field_loss(&self) -> f64 {
        10f64.powf(-self.params.mzi_loss_db / 20.0)
    }

    /// The phases the chip realizes: DAC quantization, then thermal
    /// crosstalk from neighbouring heaters of the same column, then the
    /// static phase error. Attenuator transmissions pass unchanged.
    pub fn effective(&self, circuit: &Circuit, programmed: &NodeSettings) -> NodeSettings {
        let dac = self.params.phase_bits.map(Dac::new);
        let quantized: NodeSettings = circuit
            .nodes
            .iter()
            .zip(programmed)
            .map(|(node, v)| match (node.kind.has_heater(), dac) {
                (true, Some(d)) => [d.quantize(v[0]), d.quantize(v[1])],
                _ => *v,
            })
            .collect();
        let mut out = quantized.clone();
        let c = self.params.crosstalk;
        if c != 0.0 {
            // Heater roles: an MZI's θ leaks to θ; its φ and a phase
            // shifter's phase (both input-side heaters) leak to each other.
            let role = |kind: Kind, slot: usize| match (kind, slot) {
                (Kind::Mzi, 0) => Some(0),
                (Kind::Mzi, _) | (Kind::PhaseShifter, 0) => Some(1),
                _ => None,
            };
            // (column, first mode) → node, for heaters.
            let mut by_start = HashMap::new();
            for (i, node) in circuit.nodes.iter().enumerate() {
                if let (true, Some(p)) = (node.kind.has_heater(), node.placement) {
                    by_start.insert((p.column, p.mode), i);
                }
            }
            for (i, node) in circuit.nodes.iter().enumerate() {
                let (true, Some(p)) = (node.kind.has_heater(), node.placement) else {
                    continue;
                };
                let span = if node.kind == Kind::Mzi { 2 } else { 1 };
                // The neighbour below starts right after this one; the one
                // above ends right before it.
                let below = by_start.get(&(p.column, p.mode + span)).copied();
                let above = (1..=2).filter_map(|s| {
                    let j = *by_start.get(&(p.column, p.mode.checked_sub(s)?))?;
                    let sj = if circuit.nodes[j].kind == Kind::Mzi {
                        2
                    } else {
                        1
                    };
                    (sj == s).then_some(j)
                });
                for j in below.into_iter().chain(above) {
                    let nj = &circuit.nodes[j];
                    for si in 0..2 {
                        for sj in 0..2 {
                            if role(node.kind, si).is_some()
                                && role(node.kind, si) == role(nj.kind, sj)
                            {
                                out[i][si] += c * quantized[j][sj];
                            }
                        }
                    }
                }
            }
        }
        for (i, node) in circuit.nodes.iter().enumerate() {
            if node.kind.has_heater() {
                out[i][0] += self.phase_error[i][0];
                out[i][1] += self.phase_error[i][1];
            }
        }
        out
    }
}

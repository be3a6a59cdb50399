//! One device instance: the static errors of a chip, sampled once from the
//! device parameters and a seed, and the phases it really realizes when it
//! is programmed with a phase file (spec/device.md).

use optc_formats::netlist::{Circuit, Kind};
pub use optc_formats::phases::NodeSettings;
use optc_model::dac::Dac;
pub use optc_model::device::DeviceParams;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use std::collections::HashMap;

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
                    for (si, target) in out[i].iter_mut().enumerate() {
                        for (sj, &source) in quantized[j].iter().enumerate() {
                            if role(node.kind, si).is_some()
                                && role(node.kind, si) == role(nj.kind, sj)
                            {
                                *target += c * source;
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

#[cfg(test)]
mod tests {
    use super::*;
    use optc_formats::netlist::NetlistBuilder;
    use optc_model::mesh::{Mesh, MeshStyle, MziSetting};

    /// Two MZIs in column 0 (modes 0 and 2), one in column 1 (mode 1), then
    /// the output phase screen in column 2.
    fn circuit_and_settings() -> (Circuit, NodeSettings) {
        let mzi = |mode, column, theta, phi| MziSetting {
            mode,
            column,
            theta,
            phi,
        };
        let mesh = Mesh {
            modes: 4,
            style: MeshStyle::Clements,
            mzis: vec![
                mzi(0, 0, 1.0, 2.0),
                mzi(2, 0, 0.5, 0.25),
                mzi(1, 1, 3.0, 1.5),
            ],
            output_phases: vec![0.1, 0.2, 0.4, 0.8],
        };
        let mut b = NetlistBuilder::new("x", 4);
        b.add_mesh(&mesh, 0, "");
        let (netlist, phases) = b.build().unwrap();
        let text = netlist.to_yaml();
        let circuit = Circuit::new(&netlist, "x", &text).unwrap();
        let settings = phases.resolve(&circuit, "p", &phases.to_yaml()).unwrap();
        (circuit, settings)
    }

    fn by_name<'a>(c: &Circuit, s: &'a NodeSettings, name: &str) -> &'a [f64; 2] {
        let i = c.nodes.iter().position(|n| n.name == name).unwrap();
        &s[i]
    }

    #[test]
    fn crosstalk_leaks_to_column_neighbours_of_the_same_role() {
        let (circuit, programmed) = circuit_and_settings();
        let params = DeviceParams {
            crosstalk: 0.1,
            ..DeviceParams::IDEAL
        };
        let eff = DeviceInstance::sample(&params, &circuit, 0).effective(&circuit, &programmed);
        let close =
            |a: &[f64; 2], b: [f64; 2]| (a[0] - b[0]).abs() < 1e-15 && (a[1] - b[1]).abs() < 1e-15;
        assert!(close(
            by_name(&circuit, &eff, "mzi_c0_m0"),
            [1.0 + 0.05, 2.0 + 0.025]
        ));
        assert!(close(
            by_name(&circuit, &eff, "mzi_c0_m2"),
            [0.5 + 0.1, 0.25 + 0.2]
        ));
        // Alone in its column.
        assert!(close(by_name(&circuit, &eff, "mzi_c1_m1"), [3.0, 1.5]));
        // Phase screen: neighbours on adjacent modes.
        let ps1 = by_name(&circuit, &eff, "out_ps_m1")[0];
        assert!((ps1 - (0.2 + 0.1 * (0.1 + 0.4))).abs() < 1e-15);
    }

    #[test]
    fn dac_quantizes_and_phase_error_is_static() {
        let (circuit, programmed) = circuit_and_settings();
        let params = DeviceParams {
            phase_bits: Some(4),
            ..DeviceParams::IDEAL
        };
        let eff = DeviceInstance::sample(&params, &circuit, 0).effective(&circuit, &programmed);
        let step = std::f64::consts::TAU / 16.0;
        for v in eff.iter().flatten() {
            assert!(((v / step) - (v / step).round()).abs() < 1e-12, "{v}");
        }
        let params = DeviceParams {
            phase_error_rad: 0.05,
            ..DeviceParams::IDEAL
        };
        let a = DeviceInstance::sample(&params, &circuit, 3);
        let b = DeviceInstance::sample(&params, &circuit, 3);
        assert_eq!(a.phase_error, b.phase_error);
        let e: Vec<f64> = a
            .phase_error
            .iter()
            .flatten()
            .copied()
            .filter(|x| *x != 0.0)
            .collect();
        // 3 MZIs × 2 heaters + 4 phase shifters.
        assert_eq!(e.len(), 10);
        assert!(e.iter().all(|x| x.abs() < 0.3));
    }
}

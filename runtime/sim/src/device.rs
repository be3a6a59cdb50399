//! One device instance: the static errors of a chip, sampled once from the
//! device parameters and a seed, keyed by instance name (spec/device.md,
//! "Sampling"), and the phases its heaters really hold when it is
//! programmed with a phase file.

use optc_formats::chip_file::{ChipFile, MziMeasured, PhaseMeasured};
use optc_formats::netlist::{Circuit, FormatError, Problem};
pub use optc_formats::phases::NodeSettings;
use optc_model::component::Kind;
use optc_model::crosstalk::{Crosstalk, Placed};
use optc_model::dac::Dac;
pub use optc_model::device::DeviceParams;
use optc_model::errors::ComponentErrors;

/// Detector noise uses ChaCha8 streams from this base upwards (one per
/// batch chunk); static errors do not use these streams.
pub const STREAM_DETECTOR_BASE: u64 = 1 << 32;

/// A chip: the device parameters, the seed, every instance's static errors
/// and the circuit's crosstalk neighbours.
#[derive(Debug, Clone)]
pub struct DeviceInstance {
    pub params: DeviceParams,
    pub seed: u64,
    /// Per netlist node (in the circuit's node order).
    pub(crate) errors: Vec<ComponentErrors>,
    /// The circuit's hash, so an instance is never used on another circuit.
    pub circuit_hash: String,
    kinds: Vec<Kind>,
    crosstalk: Crosstalk,
}

impl DeviceInstance {
    /// Samples chip `seed` of `params` for `circuit`.
    pub fn sample(params: &DeviceParams, circuit: &Circuit, seed: u64) -> DeviceInstance {
        let errors = circuit
            .nodes
            .iter()
            .map(|node| {
                let ratio = if node.kind == Kind::Coupler {
                    node.attr("ratio")
                } else {
                    0.5
                };
                let branches = match node.kind {
                    Kind::Splitter => node.outputs,
                    Kind::Combiner => node.inputs,
                    _ => 0,
                };
                ComponentErrors::sample(node.kind, &node.name, seed, params, ratio, branches)
            })
            .collect();
        // Without crosstalk no heater feels a neighbour, so none is looked up.
        let crosstalk = if params.crosstalk == 0.0 {
            Crosstalk::default()
        } else {
            let placed: Vec<Option<Placed>> = circuit
                .nodes
                .iter()
                .map(|n| {
                    let p = n.placement.filter(|_| n.kind.has_heater())?;
                    Some(Placed {
                        kind: n.kind,
                        column: p.column,
                        mode: p.mode,
                    })
                })
                .collect();
            Crosstalk::new(&placed)
        };
        DeviceInstance {
            params: *params,
            seed,
            errors,
            circuit_hash: circuit.hash.clone(),
            kinds: circuit.nodes.iter().map(|n| n.kind).collect(),
            crosstalk,
        }
    }

    /// The measured chip of `chip` (spec/chip.md): its MZIs' cross ratios
    /// and heater offsets and its phase shifters' offsets from the file,
    /// every other error as `params` give it for chip `seed`, which also
    /// supplies the DAC, crosstalk and loss.
    pub fn measured(
        params: &DeviceParams,
        circuit: &Circuit,
        seed: u64,
        chip: &ChipFile,
        file: &str,
    ) -> Result<DeviceInstance, FormatError> {
        if chip.structure_hash != circuit.hash {
            return Err(FormatError::new(
                file,
                Problem::ChipForOtherNetlist {
                    name: circuit.name.clone(),
                    hash: circuit.hash.clone(),
                    found_name: chip.circuit.clone(),
                    found_hash: chip.structure_hash.clone(),
                },
            ));
        }
        let mut device = DeviceInstance::sample(params, circuit, seed);
        let index: std::collections::HashMap<&str, usize> = circuit
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.as_str(), i))
            .collect();
        let node_of = |name: &str, section: &'static str, want: fn(Kind) -> bool| {
            let &i = index.get(name).ok_or_else(|| {
                FormatError::new(file, Problem::UnknownInstance { name: name.into() })
            })?;
            if !want(circuit.nodes[i].kind) {
                return Err(FormatError::new(
                    file,
                    Problem::ChipKind {
                        name: name.into(),
                        section,
                        kind: circuit.nodes[i].kind.name().into(),
                    },
                ));
            }
            Ok(i)
        };
        let mut seen = vec![false; circuit.nodes.len()];
        for (name, m) in &chip.mzi {
            let i = node_of(name, "mzi", |k| k.mzi_cell().is_some())?;
            let kind = circuit.nodes[i].kind;
            let couplers = kind.mzi_cell().map_or(2, |c| c.couplers());
            if m.kappa.len() != couplers {
                return Err(FormatError::new(
                    file,
                    Problem::ChipCouplers {
                        name: name.clone(),
                        kind: kind.name().into(),
                        expected: couplers,
                        found: m.kappa.len(),
                    },
                ));
            }
            seen[i] = true;
            let mut kappa = [0.5; 3];
            kappa[..couplers].copy_from_slice(&m.kappa);
            device.errors[i] = ComponentErrors::Mzi {
                kappa,
                dtheta: m.dtheta,
                dphi: m.dphi,
            };
        }
        for (name, p) in &chip.phase_shifter {
            let i = node_of(name, "phase_shifter", |k| k == Kind::PhaseShifter)?;
            seen[i] = true;
            device.errors[i] = ComponentErrors::PhaseShifter { dphase: p.dphase };
        }
        if let Some(i) = (0..seen.len()).find(|&i| {
            !seen[i] && matches!(circuit.nodes[i].kind, Kind::Mzi(_) | Kind::PhaseShifter)
        }) {
            return Err(FormatError::new(
                file,
                Problem::ChipMissing {
                    name: circuit.nodes[i].name.clone(),
                    kind: circuit.nodes[i].kind.name().into(),
                },
            ));
        }
        Ok(device)
    }

    /// This chip's measurements as a chip file (what `optc characterize`
    /// writes).
    pub fn chip_file(&self, circuit: &Circuit) -> ChipFile {
        let mut chip = ChipFile {
            version: optc_formats::chip_file::CHIP_VERSION,
            circuit: circuit.name.clone(),
            structure_hash: circuit.hash.clone(),
            mzi: Default::default(),
            phase_shifter: Default::default(),
        };
        for (node, e) in circuit.nodes.iter().zip(&self.errors) {
            match *e {
                ComponentErrors::Mzi {
                    kappa,
                    dtheta,
                    dphi,
                } => {
                    let couplers = node.kind.mzi_cell().map_or(2, |c| c.couplers());
                    chip.mzi.insert(
                        node.name.clone(),
                        MziMeasured {
                            kappa: kappa[..couplers].to_vec(),
                            dtheta,
                            dphi,
                        },
                    );
                }
                ComponentErrors::PhaseShifter { dphase } => {
                    chip.phase_shifter
                        .insert(node.name.clone(), PhaseMeasured { dphase });
                }
                _ => {}
            }
        }
        chip
    }

    /// The static errors of every node, in the circuit's node order.
    pub fn errors(&self) -> &[ComponentErrors] {
        &self.errors
    }

    /// Whether this instance was sampled for `circuit`.
    pub fn fits(&self, circuit: &Circuit) -> bool {
        self.circuit_hash == circuit.hash && self.errors.len() == circuit.nodes.len()
    }

    /// What the DAC realizes for each heater (`Dac::realize`); attenuator
    /// transmissions pass unchanged.
    pub fn realized(&self, programmed: &NodeSettings) -> NodeSettings {
        self.kinds
            .iter()
            .zip(programmed)
            .map(|(kind, v)| {
                if kind.has_heater() {
                    let roles = kind.heater_roles();
                    let r = |slot: usize| match roles[slot] {
                        Some(_) => Dac::realize(self.params.phase_bits, v[slot]),
                        None => v[slot],
                    };
                    [r(0), r(1)]
                } else {
                    *v
                }
            })
            .collect()
    }

    /// The phases the chip's heaters feel: DAC, then thermal crosstalk from
    /// column neighbours of the same role, then the static phase error.
    pub fn effective(&self, programmed: &NodeSettings) -> NodeSettings {
        let realized = self.realized(programmed);
        let mut out = self
            .crosstalk
            .apply(self.params.crosstalk, &self.kinds, &realized);
        for ((o, e), kind) in out.iter_mut().zip(&self.errors).zip(&self.kinds) {
            if kind.has_heater() {
                let d = e.heater_errors();
                o[0] += d[0];
                o[1] += d[1];
            }
        }
        out
    }

    /// d(loss)/d(programmed) from d(loss)/d(effective): the crosstalk's
    /// adjoint; the DAC is straight-through and the errors are constants.
    pub fn effective_backward(&self, d_effective: &NodeSettings) -> NodeSettings {
        // Only heaters have crosstalk neighbours: attenuators pass through.
        self.crosstalk
            .backward(self.params.crosstalk, &self.kinds, d_effective)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use optc_formats::builder::NetlistBuilder;
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
            cell: optc_model::mzi::MziCell::Standard,
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
        let eff = DeviceInstance::sample(&params, &circuit, 0).effective(&programmed);
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
        let eff = DeviceInstance::sample(&params, &circuit, 0).effective(&programmed);
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
        assert_eq!(a.errors, b.errors);
        let e: Vec<f64> = a
            .errors
            .iter()
            .flat_map(|e| e.heater_errors())
            .filter(|x| *x != 0.0)
            .collect();
        // 3 MZIs × 2 heaters + 4 phase shifters.
        assert_eq!(e.len(), 10);
        assert!(e.iter().all(|x| x.abs() < 0.3));
    }

    #[test]
    fn errors_are_keyed_by_name_not_by_order() {
        let (circuit, _) = circuit_and_settings();
        let params = DeviceParams::REALISTIC;
        let a = DeviceInstance::sample(&params, &circuit, 9);
        for (node, e) in circuit.nodes.iter().zip(&a.errors) {
            let alone = optc_model::errors::ComponentErrors::sample(
                node.kind, &node.name, 9, &params, 0.5, 0,
            );
            assert_eq!(e, &alone, "{}", node.name);
        }
    }

    #[test]
    fn effective_backward_is_the_adjoint() {
        let (circuit, programmed) = circuit_and_settings();
        let params = DeviceParams {
            crosstalk: 0.07,
            phase_error_rad: 0.02,
            ..DeviceParams::IDEAL
        };
        let dev = DeviceInstance::sample(&params, &circuit, 1);
        let base = dev.effective(&programmed);
        let y: NodeSettings = (0..programmed.len())
            .map(|i| [0.3 + i as f64 * 0.1, -0.2 + i as f64 * 0.05])
            .collect();
        let back = dev.effective_backward(&y);
        let h = 1e-6;
        for i in 0..programmed.len() {
            for s in 0..2 {
                let mut p = programmed.clone();
                p[i][s] += h;
                let moved = dev.effective(&p);
                let fd: f64 = moved
                    .iter()
                    .zip(&base)
                    .zip(&y)
                    .map(|((m, b), w)| (m[0] - b[0]) * w[0] + (m[1] - b[1]) * w[1])
                    .sum::<f64>()
                    / h;
                // Phase-shifter slot 1 is unused: both sides are 0 there.
                assert!(
                    (fd - back[i][s]).abs() < 1e-6 || circuit.nodes[i].kind != Kind::MZI && s == 1,
                    "{i} {s}: {fd} vs {}",
                    back[i][s]
                );
            }
        }
    }
}

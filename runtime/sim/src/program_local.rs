//! Local error correction of a measured chip (spec/chip.md, "Local
//! correction"; after Bandyopadhyay et al. and Hamerly et al.): each MZI
//! cell, in propagation order, is fitted on its own to the 2×2 transfer
//! the ideal circuit asks of it, given the phases the cells before it have
//! left on its inputs; what it cannot absorb at its outputs is pushed on,
//! and phase shifters take up what reaches them. One pass, O(cells): it
//! scales to any mesh, where Levenberg–Marquardt on the whole matrix
//! (`program_chip`) does not. It models the couplers, the heater offsets
//! and the loss; it ignores the DAC and thermal crosstalk, which the global
//! fit then accounts for.

use crate::device::{DeviceInstance, NodeSettings};
use num_complex::Complex64;
use optc_formats::netlist::{Circuit, Driver, Kind};
use optc_model::errors::ComponentErrors;
use optc_model::mzi::{wrap_phase, Mzi};

/// A cell's fit counts as missed above this row mismatch |f|.
pub const MISSED: f64 = 1e-9;

/// Settings after local correction, the worst row mismatch |f| of any
/// cell (`Mzi::fit`; at rounding level, about 1e-16, when every cell was
/// within reach), and the cells
/// (node, |f|) whose fit missed by more than [`MISSED`].
#[derive(Debug, Clone)]
pub struct LocalProgram {
    pub settings: NodeSettings,
    pub worst_mismatch: f64,
    pub missed: Vec<(usize, f64)>,
}

/// Corrects `ideal` (the compiled settings of `circuit`) for `device`.
/// Phases that reach a component other than an MZI cell, phase shifter or
/// attenuator (which passes them on) stay uncorrected there.
pub fn program_locally(
    circuit: &Circuit,
    ideal: &NodeSettings,
    device: &DeviceInstance,
) -> LocalProgram {
    // pending[node][port]: the phase on that output beyond the ideal one.
    let mut pending: Vec<Vec<f64>> = circuit.nodes.iter().map(|n| vec![0.0; n.outputs]).collect();
    let mut settings = ideal.clone();
    let mut worst = 0.0f64;
    let mut missed = Vec::new();
    let loss = device.params.mzi_field_loss();
    for &i in &circuit.order {
        let node = &circuit.nodes[i];
        let incoming: Vec<f64> = circuit.drivers[i]
            .iter()
            .map(|d| match *d {
                Driver::External(_) => 0.0,
                Driver::Node(e) => pending[e.node][e.port],
            })
            .collect();
        match (node.kind, &device.errors()[i]) {
            (
                Kind::Mzi(cell),
                ComponentErrors::Mzi {
                    kappa,
                    dtheta,
                    dphi,
                },
            ) => {
                let t = Mzi::ideal(cell).transfer(ideal[i][0], ideal[i][1]);
                // The chip must give D_out · T · D_in⁻¹ on its own inputs.
                let undo = [incoming[0], incoming[1]].map(|p| Complex64::from_polar(1.0, -p));
                let w = [
                    [t[0][0] * undo[0], t[0][1] * undo[1]],
                    [t[1][0] * undo[0], t[1][1] * undo[1]],
                ];
                let chip = Mzi {
                    cell,
                    kappa: *kappa,
                    field_loss: loss,
                };
                let (theta, phi, mismatch) = chip.fit(&w);
                worst = worst.max(mismatch);
                if mismatch > MISSED {
                    missed.push((i, mismatch));
                }
                let got = chip.transfer(theta, phi);
                for (r, out) in pending[i].iter_mut().enumerate() {
                    *out = (got[r][0] * w[r][0].conj() + got[r][1] * w[r][1].conj()).arg();
                }
                settings[i] = [wrap_phase(theta - dtheta), wrap_phase(phi - dphi)];
            }
            (Kind::PhaseShifter, e) => {
                let d = e.heater_errors()[0];
                settings[i][0] = wrap_phase(ideal[i][0] - incoming[0] - d);
            }
            (Kind::Attenuator, _) => pending[i][0] = incoming[0],
            _ => {}
        }
    }
    LocalProgram {
        settings,
        worst_mismatch: worst,
        missed,
    }
}

//! Design-time steps on the emitted reducer netlist, on its ideal chip
//! (spec/reducer.md, "The ONN design"): each bit's combiner phase, and every
//! comparator's full scale, the largest P₊ + P₋ over all inputs.

use crate::reducer::design::{bit_phase, DesignError};
use crate::reducer::train::Trainee;
use num_complex::Complex64;
use optc_formats::netlist::reducer_section::InterfaceReadout;
use optc_model::mzi::{wrap_phase, Mat2, MziCell};
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::reducer::netlist_run::{NetlistReducer, NetlistRunError};
use optc_sim::simulate::adjoint::{Differentiable, Tape};
use std::f64::consts::{FRAC_PI_2, PI};
use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum TuneError {
    #[error("the netlist has no instance `{0}` (the design's bit combiner)")]
    MissingCombiner(String),
    #[error("the design's bit combiner `{0}` is not an MZI")]
    NotMzi(String),
    #[error(transparent)]
    Design(#[from] DesignError),
    #[error(transparent)]
    Run(#[from] NetlistRunError),
}

/// Per bit: the comparator input P₊ − P₋ and the total P₊ + P₋.
pub type BitSignals = (Vec<f64>, Vec<f64>);

/// The [`BitSignals`] for the representative input of each sum in `sums`,
/// on the ideal chip.
pub fn ideal_signals(
    t: &Trainee,
    sums: impl Iterator<Item = i64>,
) -> Result<Vec<BitSignals>, NetlistRunError> {
    let dev = DeviceInstance::sample(&DeviceParams::IDEAL, &t.circuit, 0);
    let plan = t.plan(&dev);
    let runner = NetlistReducer::new(&t.interface, &plan)?;
    let diff = Differentiable::new(&plan, &t.circuit, &t.settings, &dev);
    let (mut input, mut tape) = (Vec::<Complex64>::new(), Tape::default());
    Ok(sums
        .map(|s| {
            runner.input_fields(&t.task.representative(s), &mut input);
            diff.forward(&input, &mut tape);
            (runner.signals(&tape.outputs), runner.totals(&tape.outputs))
        })
        .collect())
}

/// One bit's combiner: its node, its cell, its design φ₀ and transfer M₀.
struct Combiner {
    node: usize,
    cell: MziCell,
    phi: f64,
    design: Mat2,
}

impl Combiner {
    /// Sets the combiner to M₀·diag(e^{iδ}, 1): δ more phase on its top
    /// input. That is the standard cell's φ itself; other cells are solved
    /// for it (`MziCell::settings_for`), and the output phases that leaves
    /// are dropped, as the combiner's outputs end on photodiodes.
    fn set(&self, t: &mut Trainee, delta: f64) {
        let s = &mut t.settings[self.node];
        if self.cell == MziCell::Standard {
            s[1] = wrap_phase(self.phi + delta);
            return;
        }
        let e = Complex64::from_polar(1.0, delta);
        let m = self.design.map(|[a, b]| [a * e, b]);
        let (theta, phi, _) = self.cell.settings_for(&m);
        s[0] = theta;
        s[1] = phi;
    }
}

/// D(δ) = 2·Re(e^{iδ}·u₊·ū₋) = 2R·cos(δ + C(S)) for δ more phase on the
/// combiner's top input: D at δ = 0 and π/2 gives C(S); the slope sign of
/// C and C(0) fix δ so that D ∝ −cos(ω_k·S + φ_k), i.e. the comparator
/// fires exactly on bit k. For the standard cell δ is its φ (the design's
/// combiner has φ = 0).
pub fn tune_combiners(t: &mut Trainee, combiners: &[String]) -> Result<(), TuneError> {
    let combiners = combiners
        .iter()
        .map(|name| {
            let node = t
                .circuit
                .nodes
                .iter()
                .position(|n| &n.name == name)
                .ok_or_else(|| TuneError::MissingCombiner(name.clone()))?;
            let cell = t.circuit.nodes[node]
                .kind
                .mzi_cell()
                .ok_or_else(|| TuneError::NotMzi(name.clone()))?;
            let [theta, phi] = [t.settings[node][0], t.settings[node][1]];
            let design = cell.transfer(theta, phi);
            Ok(Combiner {
                node,
                cell,
                phi,
                design,
            })
        })
        .collect::<Result<Vec<_>, TuneError>>()?;
    let phase_at = |t: &mut Trainee, s: i64| -> Result<Vec<f64>, TuneError> {
        let mut d = [Vec::new(), Vec::new()];
        for (j, delta) in [0.0, FRAC_PI_2].into_iter().enumerate() {
            for c in &combiners {
                c.set(t, delta);
            }
            d[j] = ideal_signals(t, std::iter::once(s))?.remove(0).0;
        }
        Ok(d[0]
            .iter()
            .zip(&d[1])
            .map(|(a, b)| (-b).atan2(*a))
            .collect())
    };
    let c_0 = phase_at(t, 0)?;
    let c_1 = phase_at(t, 1)?;
    for (k, c) in combiners.iter().enumerate() {
        let phi_k = bit_phase(&t.task, k as u32)?;
        let slope_up = wrap_phase(c_1[k] - c_0[k]) < PI;
        let delta = if slope_up {
            phi_k + PI - c_0[k]
        } else {
            -phi_k - PI - c_0[k]
        };
        c.set(t, delta);
    }
    Ok(())
}

/// Sets every bit's `full_scale` to the largest P₊ + P₋ over all inputs on
/// the ideal chip (its response depends on the sum only, so over the sums).
pub fn set_full_scales(t: &mut Trainee) -> Result<(), NetlistRunError> {
    let mut fs = Vec::new();
    for (_, totals) in ideal_signals(t, t.task.levels())? {
        fs.resize(totals.len(), 0.0f64);
        for (f, p) in fs.iter_mut().zip(totals) {
            *f = f.max(p);
        }
    }
    if let InterfaceReadout::Bits { bits, .. } = &mut t.interface.readout {
        for (b, f) in bits.iter_mut().zip(fs) {
            b.full_scale = f.max(f64::MIN_POSITIVE);
        }
    }
    Ok(())
}

//! Calibrating a reducer chip: a coordinate search over its heater and
//! attenuator settings that restores the comparators' margins on one
//! device instance (spec/reducer.md, "Calibration").
//!
//! The search sees only what a test bench sees on a real chip: the balanced
//! detectors' signals P₊ − P₋ for one known input vector per sum
//! S ∈ [−N·Q, N·Q] (2·N·Q + 1 measurements per trial setting, detector
//! noise averaged away). It never reads the instance's hidden errors. A
//! trial moves one heater by whole DAC steps (so the chip's DAC holds the
//! result exactly) or one attenuator by a relative step.
//!
//! Used twice: by `optc compile` on the *nominal* target device (insertion
//! loss, thermal crosstalk and DAC are known at design time; random static
//! errors are not), and per chip (`optc calibrate`, and the report's
//! calibrated device figures), where it also absorbs that chip's static
//! errors.

use crate::device::{DeviceInstance, NodeSettings};
use crate::reducer::executor::SumResponse;
use crate::reducer::netlist_run::{NetlistReducer, NetlistRunError};
use crate::simulate::Plan;
use optc_formats::netlist::reducer_section::InterfaceReadout;
use optc_formats::netlist::{Circuit, Kind};
use optc_model::dac::Dac;
use optc_model::mzi::wrap_phase;
use std::f64::consts::{PI, TAU};
use thiserror::Error;

/// Heater step when the device has no DAC (continuous heaters).
const CONTINUOUS_STEP: f64 = TAU / 4096.0;
/// Search steps, coarse to fine: heaters in DAC steps, then the relative
/// steps of activation gains (electrical, continuous) and of attenuators.
const STEP_SCHEDULE: [(f64, f64, f64); 4] = [
    (8.0, 0.02, 0.02),
    (4.0, 0.005, 0.01),
    (2.0, 0.001, 0.005),
    (1.0, 0.0002, 0.001),
];
/// Weight of a wrong bit of any sum, however rare the sum: the search
/// must not trade a rare sum's correctness for common sums' margins.
const WRONG_PENALTY: f64 = 1000.0;
/// Index of the gain among an `eo_activation`'s attributes.
fn eo_gain_index() -> Option<usize> {
    Kind::EoActivation
        .attrs()
        .iter()
        .position(|a| a.name == "gain")
}

#[derive(Debug, Error, PartialEq)]
pub enum CalibrationError {
    #[error(transparent)]
    Run(#[from] NetlistRunError),
    #[error("sum {sum}: the bit readout gave {got} comparator signals, expected {want}")]
    Readout { sum: i64, got: usize, want: usize },
}

/// Settings of the search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationOptions {
    /// Margin (comparator input / full scale) every bit should keep; the
    /// search pushes every sum's margins up to it, weighted by how often
    /// the sum occurs.
    pub margin_goal: f64,
    /// Upper bound on passes over all heaters per step size.
    pub max_sweeps: usize,
    /// The coarsest heater step tried, in DAC steps (8, 4, 2 or 1): a chip
    /// starting from its design's phase file is only a few steps off.
    pub coarsest_step: f64,
    /// Also tune every `eo_activation`'s gain (a netlist attribute: the
    /// design-time calibration on the nominal device may, a chip's may not).
    pub tune_gains: bool,
}

impl Default for CalibrationOptions {
    fn default() -> Self {
        Self {
            margin_goal: 0.05,
            max_sweeps: 12,
            coarsest_step: 2.0,
            tune_gains: false,
        }
    }
}

/// How well a chip's comparators separate the sums.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    /// Smallest signed margin over every (sum, bit): negative when some bit
    /// of some sum is wrong.
    pub worst: f64,
    /// Fraction of input vectors (sums weighted by multiplicity) with at
    /// least one wrong bit, without detector noise.
    pub error_rate: f64,
}

/// The outcome of one calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub settings: NodeSettings,
    /// Tuned activation gains, (node index, gain); empty unless `tune_gains`.
    pub gains: Vec<(usize, f64)>,
    pub before: Margins,
    pub after: Margins,
    /// Trial settings measured (each: 2·N·Q + 1 input vectors).
    pub trials: usize,
}

/// The per-sum targets and weights of a bit readout.
struct Objective {
    /// Desired bit pattern per sum, S = −N·Q … N·Q.
    targets: Vec<u32>,
    /// Multiplicity share of each sum (sums to 1).
    share: Vec<f64>,
    /// The level (sum) of entry 0.
    first_level: i64,
    /// Per bit: (threshold, full scale).
    detectors: Vec<(f64, f64)>,
    goal: f64,
}

impl Objective {
    fn new(runner: &NetlistReducer, goal: f64) -> Option<Objective> {
        let InterfaceReadout::Bits { code, .. } = &runner.interface.readout else {
            return None;
        };
        let task = &runner.task;
        let levels = task.distinct_levels();
        Some(Objective {
            targets: levels
                .iter()
                .map(|&(l, _)| task.pattern(l, *code))
                .collect(),
            share: levels.iter().map(|l| l.1).collect(),
            first_level: *task.levels().start(),
            detectors: runner.comparators().detectors,
            goal,
        })
    }

    /// Every sum's response must carry one comparator signal per bit, or
    /// margins would silently be missing.
    fn check(&self, table: &[SumResponse]) -> Result<(), CalibrationError> {
        for (i, r) in table.iter().enumerate() {
            let got = match r {
                SumResponse::Signals(s) => s.len(),
                SumResponse::Code(_) => 0,
            };
            if got != self.detectors.len() {
                return Err(CalibrationError::Readout {
                    sum: i as i64 + self.first_level,
                    got,
                    want: self.detectors.len(),
                });
            }
        }
        Ok(())
    }

    /// Signed margins of one sum's response, one per bit; a non-finite
    /// signal counts as wrong.
    fn margins<'a>(
        &'a self,
        target: u32,
        response: &'a SumResponse,
    ) -> impl Iterator<Item = f64> + 'a {
        let signals: &[f64] = match response {
            SumResponse::Signals(s) => s,
            SumResponse::Code(_) => &[],
        };
        signals.iter().zip(&self.detectors).enumerate().map(
            move |(k, (&d, &(threshold, full_scale)))| {
                let sign = if (target >> k) & 1 == 1 { 1.0 } else { -1.0 };
                let m = sign * (d - threshold) / full_scale;
                if m.is_finite() {
                    m
                } else {
                    -1.0
                }
            },
        )
    }

    /// Squared hinge below the margin goal, weighted by how often each sum
    /// occurs (with a small floor), plus a heavy penalty on wrong bits that
    /// ignores multiplicity and does not vanish as a wrong margin nears 0.
    fn loss(&self, table: &[SumResponse]) -> f64 {
        let floor = 1.0 / self.targets.len() as f64;
        self.targets
            .iter()
            .zip(&self.share)
            .zip(table)
            .map(|((&t, &w), r)| {
                let (hinge, wrong) = self.margins(t, r).fold((0.0, 0.0), |(h, e), m| {
                    (
                        h + (self.goal - m).max(0.0).powi(2),
                        // A wrong bit costs goal² however slightly it is
                        // wrong, or the search would keep one at m = −0.0001.
                        e + if m <= 0.0 {
                            self.goal * self.goal + m * m
                        } else {
                            0.0
                        },
                    )
                });
                (w + 0.05 * floor) * hinge + WRONG_PENALTY * floor * wrong
            })
            .sum()
    }

    fn summary(&self, table: &[SumResponse]) -> Margins {
        let mut worst = f64::INFINITY;
        let mut error_rate = 0.0;
        for ((&t, &w), r) in self.targets.iter().zip(&self.share).zip(table) {
            let m = self.margins(t, r).fold(f64::INFINITY, f64::min);
            worst = worst.min(m);
            if m <= 0.0 {
                error_rate += w;
            }
        }
        Margins { worst, error_rate }
    }
}

/// One thing the search may turn.
#[derive(Debug, Clone, Copy)]
enum Knob {
    /// A heater (node, slot); `theta` when it is an MZI's θ, kept in [0, π].
    Heater {
        node: usize,
        slot: usize,
        theta: bool,
    },
    /// An attenuator's power transmission (a phase-file setting, so a
    /// chip's calibration may trim it): relative steps, kept in [0, 1].
    Attenuator { node: usize },
    /// An `eo_activation`'s electrical gain (design time only).
    Gain { node: usize },
}

/// Every MZI's θ and φ, every phase shifter's phase, then with `gains`
/// (design time) every activation's gain, else (a chip) every attenuator:
/// heaters first, so each sweep settles the phases before it rescales
/// powers. A chip's attenuators trim the rails' powers finer than one DAC
/// step of a splitting MZI can (one step at 50:50 moves 2.5% of the power;
/// bit 0 tolerates ½ sum level of N·Q).
fn knobs(circuit: &Circuit, gains: bool) -> Vec<Knob> {
    let heater = |node, slot, theta| Knob::Heater { node, slot, theta };
    let nodes = circuit.nodes.iter().enumerate();
    let heaters = nodes.clone().flat_map(|(i, n)| match n.kind {
        Kind::Mzi(_) => vec![heater(i, 0, true), heater(i, 1, false)],
        Kind::PhaseShifter => vec![heater(i, 0, false)],
        _ => Vec::new(),
    });
    let attenuators = nodes
        .clone()
        .filter(|(_, n)| !gains && n.kind == Kind::Attenuator)
        .map(|(node, _)| Knob::Attenuator { node });
    let activations = nodes
        .filter(|(_, n)| gains && n.kind == Kind::EoActivation)
        .map(|(node, _)| Knob::Gain { node });
    heaters.chain(attenuators).chain(activations).collect()
}

/// Calibrates `start` on `device`. A coherent (linear) readout has no
/// comparator margins to restore: `None`.
pub fn calibrate(
    circuit: &Circuit,
    runner: &NetlistReducer,
    device: &DeviceInstance,
    start: &NodeSettings,
    opts: &CalibrationOptions,
) -> Result<Option<Calibration>, CalibrationError> {
    let Some(objective) = Objective::new(runner, opts.margin_goal) else {
        return Ok(None);
    };
    let dac = device.params.phase_bits.map(Dac::new);
    let step = dac.map_or(CONTINUOUS_STEP, |d| d.step());
    // θ keeps to [0, π] (spec/factorization.md); other phases wrap.
    let snap = |v: f64, theta: bool| -> Option<f64> {
        let v = if theta { v } else { wrap_phase(v) };
        let v = dac.map_or(v, |d| d.quantize(v));
        let v = if theta { v } else { wrap_phase(v) };
        (!theta || (0.0..=PI).contains(&v)).then_some(v)
    };
    let mut x = start.clone();
    let gain_at = eo_gain_index();
    let mut knobs = knobs(circuit, opts.tune_gains && gain_at.is_some());
    let gain_at = gain_at.unwrap_or(0);
    for k in knobs.iter_mut() {
        if let Knob::Heater { node, slot, theta } = k {
            // A θ written outside [0, π] (the phase file allows [0, 2π))
            // wraps like any phase instead of being frozen there.
            *theta = *theta && (0.0..=PI).contains(&x[*node][*slot]);
            x[*node][*slot] = snap(x[*node][*slot], *theta).unwrap_or(x[*node][*slot]);
        }
    }
    let mut chip = circuit.clone();
    let mut trials = 0usize;
    let mut evaluate =
        |chip: &Circuit, x: &NodeSettings| -> Result<(f64, Vec<SumResponse>), CalibrationError> {
            trials += 1;
            let table = runner.sum_table(&Plan::new(chip, x, device))?;
            objective.check(&table)?;
            Ok((objective.loss(&table), table))
        };
    let (mut best, table) = evaluate(&chip, &x)?;
    let before = objective.summary(&table);
    let mut best_table = table;
    let (x0, chip0) = (x.clone(), chip.clone());
    for (mult, gain_step, att_step) in STEP_SCHEDULE
        .into_iter()
        .filter(|&(m, _, _)| m <= opts.coarsest_step)
    {
        for _ in 0..opts.max_sweeps {
            let mut improved = false;
            for &knob in &knobs {
                for dir in [1.0, -1.0] {
                    // Move the knob; remember how to put it back.
                    let undo = match knob {
                        Knob::Heater { node, slot, theta } => {
                            let old = x[node][slot];
                            let Some(v) = snap(old + dir * mult * step, theta) else {
                                continue;
                            };
                            x[node][slot] = v;
                            (node, old)
                        }
                        Knob::Attenuator { node } => {
                            let old = x[node][0];
                            let v = (old * (1.0 + dir * att_step)).clamp(0.0, 1.0);
                            if v == old {
                                continue;
                            }
                            x[node][0] = v;
                            (node, old)
                        }
                        Knob::Gain { node } => {
                            let old = chip.nodes[node].attrs[gain_at];
                            chip.nodes[node].attrs[gain_at] = old * (1.0 + dir * gain_step);
                            (node, old)
                        }
                    };
                    let (l, table) = evaluate(&chip, &x)?;
                    if l < best {
                        best = l;
                        best_table = table;
                        improved = true;
                        break;
                    }
                    match knob {
                        Knob::Heater { slot, .. } => x[undo.0][slot] = undo.1,
                        Knob::Attenuator { .. } => x[undo.0][0] = undo.1,
                        Knob::Gain { .. } => chip.nodes[undo.0].attrs[gain_at] = undo.1,
                    }
                }
            }
            if !improved || best == 0.0 {
                break;
            }
        }
    }
    // The loss trades margins between sums; the result must not be a chip
    // that gets more vectors wrong, or its worst bit, than where it started.
    let mut after = objective.summary(&best_table);
    if (after.error_rate, -after.worst) > (before.error_rate, -before.worst) {
        (x, chip, after) = (x0, chip0, before);
    }
    let gains = knobs
        .iter()
        .filter_map(|k| match *k {
            Knob::Gain { node } => Some((node, chip.nodes[node].attrs[gain_at])),
            Knob::Heater { .. } | Knob::Attenuator { .. } => None,
        })
        .collect();
    Ok(Some(Calibration {
        after,
        settings: x,
        gains,
        before,
        trials,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One sum, one bit that should read 1; margin = signal.
    fn objective() -> Objective {
        Objective {
            targets: vec![1],
            share: vec![1.0],
            first_level: 0,
            detectors: vec![(0.0, 1.0)],
            goal: 0.05,
        }
    }

    #[test]
    fn a_barely_wrong_bit_costs_the_full_penalty() {
        let o = objective();
        let loss = |m: f64| o.loss(&[SumResponse::Signals(vec![m])]);
        let step = WRONG_PENALTY * o.goal * o.goal;
        assert!(loss(-1e-4) - loss(1e-4) >= step);
        // Above the goal nothing is owed; below it the hinge grows.
        assert_eq!(loss(0.06), 0.0);
        assert!(loss(0.01) > loss(0.04) && loss(0.04) > 0.0);
        // A response without signals is an error, not a silent zero loss.
        assert!(o.check(&[SumResponse::Code(0)]).is_err());
    }
}

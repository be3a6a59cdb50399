//! Error-aware programming of a measured linear chip (spec/chip.md): the
//! heater settings that make this chip, with its own coupler ratios and
//! phase offsets, realise a target transfer matrix as closely as it can:
//! local correction cell by cell (`program_local`), then, up to
//! [`MAX_GLOBAL_HEATERS`], Levenberg–Marquardt on the chip model itself
//! (`simulate::Plan`, the one chip model); and, per MZI, whether the split
//! ratio the ideal decomposition asks of it is one its couplers can reach
//! at all.

use crate::device::{DeviceInstance, NodeSettings};
use crate::program_local::program_locally;
use crate::simulate::Plan;
use nalgebra::{DMatrix, DVector};
use num_complex::Complex64;
use optc_formats::netlist::Circuit;
use optc_model::component::Kind;
use optc_model::errors::ComponentErrors;
use optc_model::mzi::Mzi;

/// Stop once every entry of the realised matrix is this close to the target.
pub const TOLERANCE: f64 = 1e-13;
/// Steps tried, accepted or refused.
pub const MAX_ITERATIONS: usize = 200;
/// Give up after this many refused steps in a row.
pub const MAX_REFUSED: usize = 30;
/// Central-difference step of the Jacobian (rad).
const STEP: f64 = 1e-7;
/// The most heaters the global fit takes on (a 32-mode Clements mesh,
/// 32·31 MZI heaters + 32 output phases): its Jacobian is 2N² × heaters
/// and each step solves a heaters² system. Beyond it, local correction
/// alone.
pub const MAX_GLOBAL_HEATERS: usize = 1024;

/// An MZI asked for a split its couplers cannot make.
#[derive(Debug, Clone, PartialEq)]
pub struct OutOfReach {
    pub instance: String,
    /// |T₀₀| of the ideal cell at the ideal settings (sin(θ/2) for a
    /// standard MZI).
    pub needed: f64,
    /// The |T₀₀| this cell's couplers can reach (`Mzi::reach`; for a
    /// standard MZI [|cos(a₁ + a₂)|, cos(a₁ − a₂)], κᵢ = sin²aᵢ).
    pub reach: [f64; 2],
}

#[derive(Debug, Clone)]
pub struct ChipProgram {
    pub settings: NodeSettings,
    /// max |U_chip − U_target| with the ideal settings, after local
    /// correction, and with `settings`.
    pub ideal_error: f64,
    pub local_error: f64,
    pub error: f64,
    /// Levenberg–Marquardt steps tried (0 when it was not run).
    pub iterations: usize,
    /// Whether the global fit ran (heaters ≤ [`MAX_GLOBAL_HEATERS`]).
    pub global: bool,
    /// Cells whose local fit missed the row asked of it by more than
    /// `program_local::MISSED`: (instance, |f|). A 3-splitter cell can
    /// miss with its split in reach, for want of the relative phase.
    pub local_missed: Vec<(String, f64)>,
    pub out_of_reach: Vec<OutOfReach>,
}

/// max |a − b| over entries.
pub fn max_abs_diff(a: &DMatrix<Complex64>, b: &DMatrix<Complex64>) -> f64 {
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, f64::max)
}

/// Programs `device` (a measured chip of `circuit`) to realise `target`,
/// starting from `ideal` (the compiled settings).
pub fn program(
    circuit: &Circuit,
    ideal: &NodeSettings,
    device: &DeviceInstance,
    target: &DMatrix<Complex64>,
) -> ChipProgram {
    // The free parameters: every heater slot.
    let slots: Vec<(usize, usize)> = circuit
        .nodes
        .iter()
        .enumerate()
        .flat_map(|(i, n)| {
            let k = match n.kind {
                Kind::Mzi(_) => 2,
                Kind::PhaseShifter => 1,
                _ => 0,
            };
            (0..k).map(move |s| (i, s))
        })
        .collect();
    let realise = |s: &NodeSettings| Plan::new(circuit, s, device).transfer_matrix();
    let residual = |m: &DMatrix<Complex64>| -> DVector<f64> {
        DVector::from_iterator(
            2 * m.len(),
            m.iter()
                .zip(target.iter())
                .flat_map(|(x, y)| [x.re - y.re, x.im - y.im]),
        )
    };
    let mut out_of_reach = Vec::new();
    for (i, (node, e)) in circuit.nodes.iter().zip(device.errors()).enumerate() {
        if let (Some(cell), ComponentErrors::Mzi { kappa, .. }) = (node.kind.mzi_cell(), e) {
            let needed = cell.transfer(ideal[i][0], ideal[i][1])[0][0].norm();
            let r = Mzi {
                cell,
                kappa: *kappa,
                field_loss: 1.0,
            }
            .reach();
            if needed < r[0] - 1e-12 || needed > r[1] + 1e-12 {
                out_of_reach.push(OutOfReach {
                    instance: node.name.clone(),
                    needed,
                    reach: r,
                });
            }
        }
    }
    let ideal_matrix = realise(ideal);
    let ideal_error = max_abs_diff(&ideal_matrix, target);
    // Start from local correction, or from the ideal settings less each
    // heater's known offset if that is closer (crosstalk can make it so).
    let local = program_locally(circuit, ideal, device);
    let local_missed: Vec<(String, f64)> = local
        .missed
        .iter()
        .map(|&(i, f)| (circuit.nodes[i].name.clone(), f))
        .collect();
    let local = local.settings;
    let local_matrix = realise(&local);
    let local_error = max_abs_diff(&local_matrix, target);
    let mut x = ideal.clone();
    for (i, e) in device.errors().iter().enumerate() {
        let d = e.heater_errors();
        x[i][0] -= d[0];
        x[i][1] -= d[1];
    }
    let offset_matrix = realise(&x);
    // The start and its realised matrix, each realised once.
    let mut m = if local_error <= max_abs_diff(&offset_matrix, target) {
        x = local;
        local_matrix
    } else {
        offset_matrix
    };
    if slots.is_empty() || slots.len() > MAX_GLOBAL_HEATERS {
        let error = max_abs_diff(&m, target);
        let (settings, error) = if error > ideal_error {
            (ideal.clone(), ideal_error)
        } else {
            (x, error)
        };
        return ChipProgram {
            settings,
            ideal_error,
            local_error,
            error,
            iterations: 0,
            global: false,
            local_missed,
            out_of_reach,
        };
    }
    let mut r = residual(&m);
    let mut cost = r.norm_squared();
    // Levenberg–Marquardt, damping λ·I with Nielsen's update (ν doubles on
    // every refused step). The Jacobian is kept while x stays.
    let jacobian = |x: &NodeSettings| {
        let mut jac = DMatrix::<f64>::zeros(2 * target.len(), slots.len());
        for (c, &(i, s)) in slots.iter().enumerate() {
            let (mut xp, mut xm) = (x.clone(), x.clone());
            xp[i][s] += STEP;
            xm[i][s] -= STEP;
            let d = residual(&realise(&xp)) - residual(&realise(&xm));
            jac.set_column(c, &(d / (2.0 * STEP)));
        }
        let jtj = jac.transpose() * &jac;
        (jac, jtj)
    };
    let mut nu = 2.0;
    let mut iterations = 0;
    let mut refused = 0;
    let mut lambda = f64::NAN;
    let (mut jac, mut jtj, mut g) = (
        DMatrix::zeros(0, 0),
        DMatrix::zeros(0, 0),
        DVector::zeros(0),
    );
    let mut stale = true;
    while iterations < MAX_ITERATIONS && max_abs_diff(&m, target) > TOLERANCE {
        iterations += 1;
        if stale {
            (jac, jtj) = jacobian(&x);
            g = jac.transpose() * &r;
            stale = false;
        }
        if lambda.is_nan() {
            let max_diag = (0..jtj.nrows()).map(|k| jtj[(k, k)]).fold(0.0, f64::max);
            lambda = 1e-3 * if max_diag > 0.0 { max_diag } else { 1.0 };
        }
        let mut a = jtj.clone();
        for k in 0..a.nrows() {
            a[(k, k)] += lambda;
        }
        let Some(chol) = a.cholesky() else {
            lambda *= nu;
            nu *= 2.0;
            refused += 1;
            if refused >= MAX_REFUSED {
                break;
            }
            continue;
        };
        let step = chol.solve(&(-&g));
        let mut xn = x.clone();
        for (c, &(i, s)) in slots.iter().enumerate() {
            xn[i][s] += step[c];
        }
        let mn = realise(&xn);
        let rn = residual(&mn);
        let cn = rn.norm_squared();
        // Gain ratio: actual over predicted decrease of the cost.
        let predicted = -(step.dot(&g) * 2.0 + (&jac * &step).norm_squared());
        let rho = (cost - cn) / predicted.max(f64::MIN_POSITIVE);
        if cn < cost {
            (x, m, r, cost) = (xn, mn, rn, cn);
            lambda *= (1.0f64 / 3.0).max(1.0 - (2.0 * rho - 1.0).powi(3));
            nu = 2.0;
            refused = 0;
            stale = true;
        } else {
            lambda *= nu;
            nu *= 2.0;
            refused += 1;
            if refused >= MAX_REFUSED {
                break;
            }
        }
    }
    let error = max_abs_diff(&m, target);
    // Never worse than the ideal settings on this chip.
    if error > ideal_error {
        return ChipProgram {
            settings: ideal.clone(),
            ideal_error,
            local_error,
            error: ideal_error,
            iterations,
            global: true,
            local_missed,
            out_of_reach,
        };
    }
    ChipProgram {
        settings: x,
        ideal_error,
        local_error,
        error,
        iterations,
        global: true,
        local_missed,
        out_of_reach,
    }
}

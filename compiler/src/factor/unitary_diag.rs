//! W ≈ U·D with U unitary and D = diag(d), d ≥ 0: one mesh after a column
//! of attenuators. The best such pair in Frobenius norm is found by
//! alternating least squares, each step an exact minimizer:
//! * given d, U = polar factor of W·D (orthogonal Procrustes: maximize
//!   Re tr(U†·W·D));
//! * given U, d_j = max(0, Re(u_j†·w_j)) (per-column projection).
//!
//! The objective ‖W − U·D‖_F never increases; it starts from d_j = ‖w_j‖
//! and stops when it changes by less than 1e-12 relative, or after
//! `MAX_ITERATIONS`.

use super::error::{FactorError, FactorWarning};
use super::realization::{Ports, UnitaryDiagRealization};
use super::svd::{full_svd, pad_square};
use super::unitary_input::{check_finite, decompose};
use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_model::mesh::MeshDesign;

pub const MAX_ITERATIONS: usize = 500;
const RELATIVE_STOP: f64 = 1e-12;

/// The fitted factors before realization: (U, d, iterations).
pub(crate) fn fit_unitary_diag(
    w: &DMatrix<Complex64>,
) -> Result<(DMatrix<Complex64>, Vec<f64>, usize), FactorError> {
    let n = w.ncols();
    let mut d: Vec<f64> = (0..n).map(|j| w.column(j).norm()).collect();
    let mut u = DMatrix::identity(w.nrows(), n);
    let mut previous = f64::INFINITY;
    let mut iterations = 0;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        let mut wd = w.clone();
        for (j, dj) in d.iter().enumerate() {
            wd.column_mut(j).scale_mut(*dj);
        }
        let (a, _, b) = full_svd(&wd)?;
        u = a * b;
        for (j, dj) in d.iter_mut().enumerate() {
            *dj = u.column(j).dotc(&w.column(j)).re.max(0.0);
        }
        let mut fit = u.clone();
        for (j, dj) in d.iter().enumerate() {
            fit.column_mut(j).scale_mut(*dj);
        }
        let objective = (w - fit).norm();
        if (previous - objective).abs() <= RELATIVE_STOP * w.norm().max(f64::MIN_POSITIVE) {
            break;
        }
        previous = objective;
    }
    Ok((u, d, iterations))
}

/// Realizes any finite m×n matrix as one mesh of `style` plus attenuators.
pub fn realize_unitary_diag(
    w: &DMatrix<Complex64>,
    style: MeshDesign,
) -> Result<(UnitaryDiagRealization, Vec<FactorWarning>), FactorError> {
    check_finite(w)?;
    let ports = Ports::padded(w.nrows(), w.ncols());
    let n = ports.modes;
    let padded = pad_square(w);
    if padded.iter().all(|x| *x == Complex64::new(0.0, 0.0)) {
        let real = UnitaryDiagRealization {
            ports,
            transmissions: vec![0.0; n],
            mesh: decompose(&DMatrix::identity(n, n), style),
            gain: 0.0,
            iterations: 0,
        };
        return Ok((real, vec![FactorWarning::ZeroMatrix]));
    }
    let (u, d, iterations) = fit_unitary_diag(&padded)?;
    let gain = d.iter().copied().fold(0.0, f64::max);
    // All d_j = 0 only if U†W has no positive diagonal, impossible for W ≠ 0
    // at the optimum, but keep the division safe.
    let transmissions = if gain > 0.0 {
        d.iter().map(|x| (x / gain).powi(2).min(1.0)).collect()
    } else {
        vec![0.0; n]
    };
    let real = UnitaryDiagRealization {
        ports,
        transmissions,
        mesh: decompose(&u, style),
        gain,
        iterations,
    };
    Ok((real, Vec::new()))
}

//! What a verify pass needs: error measures between a target and its
//! realization (the realized matrix is `Mesh::matrix`).

use nalgebra::DMatrix;
use num_complex::Complex64;

/// max_ij |a_ij − b_ij|; infinite if the shapes differ.
pub fn max_abs_error(a: &DMatrix<Complex64>, b: &DMatrix<Complex64>) -> f64 {
    if a.shape() != b.shape() {
        return f64::INFINITY;
    }
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, f64::max)
}

/// ‖W − Ŵ‖_F / ‖W‖_F; the absolute error ‖Ŵ‖_F when W = 0.
pub fn relative_frobenius_error(target: &DMatrix<Complex64>, realized: &DMatrix<Complex64>) -> f64 {
    if target.shape() != realized.shape() {
        return f64::INFINITY;
    }
    let diff = (target - realized).norm();
    let base = target.norm();
    if base > 0.0 {
        diff / base
    } else {
        diff
    }
}

//! What a verify pass needs: fast reconstruction of a mesh's matrix and
//! error measures between a target and its realization.

use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_model::mesh::{apply_pair, Mesh};
use rayon::prelude::*;

/// The matrix a mesh realizes, identical to `Mesh::matrix()` but built one
/// column at a time (each column is the mesh applied to a unit vector, which
/// stays in cache) and in parallel over columns.
pub fn mesh_matrix(mesh: &Mesh) -> DMatrix<Complex64> {
    let n = mesh.modes;
    let transfers: Vec<_> = mesh.mzis.iter().map(|m| (m.mode, m.transfer())).collect();
    let screen: Vec<Complex64> = mesh
        .output_phases
        .iter()
        .map(|&p| Complex64::from_polar(1.0, p))
        .collect();
    let mut out = DMatrix::<Complex64>::zeros(n, n);
    // nalgebra is column-major: each chunk of n is one column.
    out.as_mut_slice()
        .par_chunks_mut(n.max(1))
        .enumerate()
        .for_each(|(j, col)| {
            col[j] = Complex64::new(1.0, 0.0);
            for (mode, t) in &transfers {
                apply_pair(t, col, *mode);
            }
            for (x, e) in col.iter_mut().zip(&screen) {
                *x *= e;
            }
        });
    out
}

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

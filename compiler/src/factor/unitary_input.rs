//! Checked entry point for unitary inputs: measures ‖UU†−I‖_F, rejects
//! matrices beyond the user's tolerance, projects slightly non-unitary ones
//! to the nearest unitary (polar factor), then decomposes.

use super::error::{FactorError, FactorWarning};
use super::{clements::clements, reck::reck};
use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_model::mesh::{Mesh, MeshDesign, MeshStyle};
use optc_model::mzi::MziCell;

/// Tolerances on ‖UU†−I‖_F (Frobenius norm).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitaryTolerance {
    /// At or below this the input is used as given (rounding-level error).
    pub exact: f64,
    /// Above `exact` and at or below this the input is projected to the
    /// nearest unitary with a warning; above it the input is an error.
    pub project: f64,
}

impl Default for UnitaryTolerance {
    fn default() -> Self {
        UnitaryTolerance {
            exact: 1e-10,
            project: 1e-6,
        }
    }
}

/// Rejects empty and non-finite matrices.
pub(crate) fn check_finite(w: &DMatrix<Complex64>) -> Result<(), FactorError> {
    if w.nrows() == 0 || w.ncols() == 0 {
        return Err(FactorError::Empty {
            rows: w.nrows(),
            cols: w.ncols(),
        });
    }
    for c in 0..w.ncols() {
        for r in 0..w.nrows() {
            let v = w[(r, c)];
            if !(v.re.is_finite() && v.im.is_finite()) {
                return Err(FactorError::NonFinite {
                    row: r,
                    col: c,
                    value: v.to_string(),
                });
            }
        }
    }
    Ok(())
}

/// ‖UU†−I‖_F (Frobenius norm) of a square matrix, O(N³): with U = A + iB,
/// U·U† = (AAᵀ + BBᵀ) + i(BAᵀ − ABᵀ), three real products that nalgebra
/// hands to its blocked, vectorized f64 kernel (matrixmultiply), several
/// times faster than complex dot products.
pub fn unitarity_error(u: &DMatrix<Complex64>) -> f64 {
    let a = u.map(|z| z.re);
    let b = u.map(|z| z.im);
    let mut re = &a * a.transpose();
    re.gemm(1.0, &b, &b.transpose(), 1.0);
    let ba = &b * a.transpose();
    let n = u.nrows();
    let mut sum = 0.0;
    for j in 0..n {
        for i in 0..n {
            let target = if i == j { 1.0 } else { 0.0 };
            // ABᵀ = (BAᵀ)ᵀ.
            let im = ba[(i, j)] - ba[(j, i)];
            sum += (re[(i, j)] - target).powi(2) + im * im;
        }
    }
    sum.sqrt()
}

/// The nearest unitary in Frobenius norm: U·V† from the SVD U·Σ·V†.
pub fn nearest_unitary(w: &DMatrix<Complex64>) -> Result<DMatrix<Complex64>, FactorError> {
    let (rows, cols) = w.shape();
    let svd = nalgebra::linalg::SVD::try_new(w.clone(), true, true, f64::EPSILON, 0)
        .ok_or(FactorError::SvdFailed { rows, cols })?;
    match (svd.u, svd.v_t) {
        (Some(u), Some(v_t)) => Ok(u * v_t),
        _ => Err(FactorError::SvdFailed { rows, cols }),
    }
}

/// Decomposes an N×N unitary into a mesh of the given design, unchecked:
/// the style's decomposition into standard MZIs, re-expressed in the
/// design's cell (`Mesh::with_cell`) when that is another one.
pub fn decompose(u: &DMatrix<Complex64>, design: MeshDesign) -> Mesh {
    let mesh = match design.style {
        MeshStyle::Clements => clements(u),
        MeshStyle::Reck => reck(u),
    };
    match design.cell {
        MziCell::Standard => mesh,
        cell => mesh.with_cell(cell),
    }
}

/// Validates, projects if allowed, and decomposes. Warnings are returned as
/// data, never printed.
pub fn factor_unitary(
    u: &DMatrix<Complex64>,
    style: MeshDesign,
    tolerance: UnitaryTolerance,
) -> Result<(Mesh, Vec<FactorWarning>), FactorError> {
    check_finite(u)?;
    if u.nrows() != u.ncols() {
        return Err(FactorError::NotSquare {
            rows: u.nrows(),
            cols: u.ncols(),
        });
    }
    let error = unitarity_error(u);
    if error <= tolerance.exact {
        return Ok((decompose(u, style), Vec::new()));
    }
    if error > tolerance.project {
        return Err(FactorError::NotUnitary {
            error,
            tolerance: tolerance.project,
        });
    }
    let projected = nearest_unitary(u)?;
    let distance = (u - &projected).norm();
    let warning = FactorWarning::ProjectedToUnitary {
        unitarity_error: error,
        distance,
    };
    Ok((decompose(&projected, style), vec![warning]))
}

//! How a factorization fails, and what it warns about.

use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum FactorError {
    #[error(
        "matrix is empty ({rows}×{cols}); a realization needs at least one row and one column"
    )]
    Empty { rows: usize, cols: usize },
    #[error("a mesh realizes a square matrix, got {rows}×{cols}; use an SVD or unitary_diag realization for rectangular matrices")]
    NotSquare { rows: usize, cols: usize },
    #[error("entry ({row}, {col}) is not finite ({value})")]
    NonFinite {
        row: usize,
        col: usize,
        value: String,
    },
    #[error(
        "matrix is not unitary: ‖UU†−I‖_F (Frobenius norm) = {error:.3e} exceeds the tolerance {tolerance:.3e}; \
         raise the tolerance to project it to the nearest unitary, or realize it with svd"
    )]
    NotUnitary { error: f64, tolerance: f64 },
    #[error("the SVD of the {rows}×{cols} matrix did not converge")]
    SvdFailed { rows: usize, cols: usize },
    #[error("segment size must be at least 1, got {0}")]
    BadSegment(usize),
}

/// Conditions that do not stop a factorization but change what it realizes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FactorWarning {
    /// The input was not unitary within the exact tolerance and was replaced
    /// by its nearest unitary (polar factor U·V† of its SVD U·Σ·V†).
    ProjectedToUnitary {
        /// ‖UU†−I‖_F of the input (Frobenius norm).
        unitarity_error: f64,
        /// ‖U − U·V†‖_F, the Frobenius distance moved.
        distance: f64,
    },
    /// The matrix is all zeros: attenuators are all 0, gain 0, meshes identity.
    ZeroMatrix,
}

impl std::fmt::Display for FactorWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FactorWarning::ProjectedToUnitary {
                unitarity_error,
                distance,
            } => write!(
                f,
                "matrix is not exactly unitary (‖UU†−I‖_F = {unitarity_error:.3e}); \
                 projected to the nearest unitary, Frobenius distance {distance:.3e}"
            ),
            FactorWarning::ZeroMatrix => {
                write!(f, "matrix is all zeros; the realization blocks all light")
            }
        }
    }
}

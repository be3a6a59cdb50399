//! Unitary factorizations: Clements and Reck meshes of unitaries, and the
//! SVD, unitary×diagonal and segmented realizations of general matrices.
//! Conventions, derivations and measured figures: spec/factorization.md.

mod assemble;
mod clements;
mod error;
pub mod random;
mod realization;
mod reck;
mod rotation;
mod segmented;
mod svd;
mod unitary_diag;
mod unitary_input;
pub mod verify;
mod workspace;

pub use clements::clements;
pub use error::{FactorError, FactorWarning};
pub use realization::{
    svd_mzi_count, Block, Ports, Realization, SegmentedRealization, SvdRealization,
    UnitaryDiagRealization,
};
pub use reck::reck;
pub use segmented::{realize_segmented, BlockKind};
pub use svd::realize_svd;
pub use unitary_diag::realize_unitary_diag;
pub use unitary_input::{
    decompose, factor_unitary, nearest_unitary, unitarity_error, UnitaryTolerance,
};
pub use verify::{max_abs_error, relative_frobenius_error};

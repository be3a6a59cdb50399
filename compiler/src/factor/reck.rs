//! Reck et al. (1994) triangular decomposition with right updates only.
//!
//! For r = N−1 down to 1, row r is cleared left of the diagonal by R† on
//! columns (c, c+1), c = 0..r−1, each nulling element (r, c) (condition in
//! `rotation`). Rows below r are already unit vectors and are not touched;
//! rows above receive the same chain. U·R_1†···R_K† = D, so U = D·R_K···R_1 and
//! the nulling order is the propagation order: the first diagonal of the
//! triangle occupies columns 0..N−2 and the last MZI sits in column 2N−4.

use super::assemble::assemble;
use super::rotation::Rot;
use super::workspace::{RowMajor, PARALLEL_MIN_MODES};
use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_runtime::mesh::{Mesh, MeshStyle};
use rayon::prelude::*;

/// Reck decomposition of a unitary (not checked: see
/// [`super::factor_unitary`] for the checked entry point).
pub fn reck(u: &DMatrix<Complex64>) -> Mesh {
    let n = u.nrows();
    let mut w = RowMajor::from_matrix(u);
    let mut all = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    for r in (1..n).rev() {
        let row = w.row_mut(r);
        let mut rots = Vec::with_capacity(r);
        let mut carry = row[0];
        for c in 0..r {
            let rot = Rot::null_first_from_right(c, carry, row[c + 1]);
            let mut b = row[c + 1];
            rot.apply(&mut carry, &mut b);
            row[c] = Complex64::new(0.0, 0.0);
            carry = b;
            rots.push(rot);
        }
        row[r] = carry;
        let rest = &mut w.data[..r * n];
        let chain = |row: &mut [Complex64]| {
            let mut carry = row[0];
            for (c, rot) in rots.iter().enumerate() {
                let mut b = row[c + 1];
                rot.apply(&mut carry, &mut b);
                row[c] = carry;
                carry = b;
            }
            row[r] = carry;
        };
        if n >= PARALLEL_MIN_MODES {
            rest.par_chunks_mut(n).with_min_len(8).for_each(chain);
        } else {
            rest.chunks_mut(n).for_each(chain);
        }
        all.extend(rots);
    }
    let diag = w.diagonal_angles();
    assemble(n, MeshStyle::Reck, &all, &[], diag)
}

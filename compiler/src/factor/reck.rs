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
use super::workspace::{ascending_chain, for_row_groups, RowMajor};
use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_model::mesh::{Mesh, MeshStyle};

/// Reck decomposition of a unitary (not checked: see
/// [`super::factor_unitary`] for the checked entry point).
pub fn reck(u: &DMatrix<Complex64>) -> Mesh {
    let n = u.nrows();
    let mut w = RowMajor::from_matrix(u);
    let mut all = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    let mut r = n.saturating_sub(1);
    while r >= 1 {
        // A block of sweeps r, r−1, …: each angle row first receives the
        // chains found before it, then the rows above receive all chains in
        // one pass per row (which stays in L1 meanwhile).
        let last = r.saturating_sub(SWEEP_BLOCK - 1).max(1);
        let mut chains: Vec<Vec<Rot>> = Vec::with_capacity(r - last + 1);
        for target in (last..=r).rev() {
            let row = w.row_mut(target);
            for chain in &chains {
                apply_chain(row, chain);
            }
            chains.push(null_row(row, target));
        }
        for_row_groups(&mut w.data[..last * n], n, |rows| {
            for chain in &chains {
                ascending_chain(rows, chain);
            }
        });
        for chain in chains {
            all.extend(chain);
        }
        r = last - 1;
    }
    let diag = w.diagonal_angles();
    assemble(n, MeshStyle::Reck, &all, &[], diag)
}

/// See `clements::SWEEP_BLOCK`.
const SWEEP_BLOCK: usize = 32;

/// Clears row `r` left of the diagonal; returns the chain (rotation c on
/// columns (c, c+1)).
fn null_row(row: &mut [Complex64], r: usize) -> Vec<Rot> {
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
    rots
}

/// Applies a chain (rotation c on columns (c, c+1), c = 0..len) to one row.
#[inline]
fn apply_chain(row: &mut [Complex64], rots: &[Rot]) {
    let mut carry = row[0];
    for (c, rot) in rots.iter().enumerate() {
        let mut b = row[c + 1];
        rot.apply(&mut carry, &mut b);
        row[c] = carry;
        carry = b;
    }
    row[rots.len()] = carry;
}

//! Clements et al. (2016) rectangular decomposition, derived for this
//! project's MZI (see spec/factorization.md §3).
//!
//! The lower sub-diagonals of U are nulled one at a time, bottom-left
//! corner first. Sweep i (0 ≤ i ≤ N−2) nulls sub-diagonal N−1−i:
//! * even i: from the right, element (N−1−j, i−j) with R† on columns
//!   (i−j, i−j+1), j = 0..=i;
//! * odd i: from the left, element (N−1−i+j, j) with R on rows
//!   (N−2−i+j, N−1−i+j), j = 0..=i.
//!
//! What remains is a diagonal D of unit-modulus entries with
//! L_k···L_1·U·R_1†···R_m† = D. Each 2×2 update touches O(N) entries, so the
//! whole decomposition is O(N³) and in place.

use super::assemble::assemble;
use super::rotation::Rot;
use super::workspace::{descending_chain, for_row_groups, RowMajor, PARALLEL_MIN_MODES};
use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_model::mesh::{Mesh, MeshStyle};
use rayon::prelude::*;

/// Sweeps whose right chains are applied to the upper rows in one pass:
/// one row (16 KiB at N = 1024) stays in L1 while it receives them all,
/// instead of streaming the whole matrix from memory once per sweep.
const SWEEP_BLOCK: usize = 32;

/// Columns per parallel task of a left sweep.
const COLUMN_CHUNK: usize = 64;

/// Clements decomposition of a unitary (not checked: see
/// [`super::factor_unitary`] for the checked entry point).
pub fn clements(u: &DMatrix<Complex64>) -> Mesh {
    let n = u.nrows();
    let mut w = RowMajor::from_matrix(u);
    let mut right = Vec::with_capacity(n * n.saturating_sub(1) / 4 + 1);
    let mut left = Vec::with_capacity(n * n.saturating_sub(1) / 4 + 1);
    let sweeps = n.saturating_sub(1);
    let mut start = 0;
    while start < sweeps {
        let end = (start + SWEEP_BLOCK).min(sweeps);
        // Rows above `top` are touched by no left sweep of this block and
        // decide no angle, so its right chains reach them in one pass per row.
        let top = n - 1 - end;
        let mut deferred: Vec<(usize, Vec<Rot>)> = Vec::new();
        for i in start..end {
            if i % 2 == 0 {
                let rots = right_sweep(&mut w, i, top);
                right.extend_from_slice(&rots);
                deferred.push((i, rots));
            } else {
                left_sweep(&mut w, i, &mut left);
            }
        }
        for_row_groups(&mut w.data[..top * n], n, |rows| {
            for (i, rots) in &deferred {
                descending_chain(rows, *i, rots);
            }
        });
        start = end;
    }
    let diag = w.diagonal_angles();
    assemble(n, MeshStyle::Clements, &right, &left, diag)
}

/// Applies the chain of right rotations of sweep `i` (rotation k on columns
/// (i−k, i−k+1)) to one row.
#[inline]
fn right_chain(row: &mut [Complex64], i: usize, rots: &[Rot]) {
    let mut carry = row[i + 1];
    for (k, r) in rots.iter().enumerate() {
        let c = i - k;
        let mut a = row[c];
        r.apply(&mut a, &mut carry);
        row[c + 1] = carry;
        carry = a;
    }
    row[i + 1 - rots.len()] = carry;
}

/// Finds the rotations of right sweep `i` and applies them to every row
/// from `top` down; rows above `top` are left to the caller.
fn right_sweep(w: &mut RowMajor, i: usize, top: usize) -> Vec<Rot> {
    let n = w.n;
    let mut rots: Vec<Rot> = Vec::with_capacity(i + 1);
    // The rows that decide the angles: each first receives the rotations
    // found so far, then yields the next one. Its entries left of the nulled
    // one are already zero, so the later rotations of the sweep leave it alone.
    for j in 0..=i {
        let row = w.row_mut(n - 1 - j);
        if j > 0 {
            right_chain(row, i, &rots);
        }
        let c = i - j;
        let r = Rot::null_first_from_right(c, row[c], row[c + 1]);
        let (mut a, mut b) = (row[c], row[c + 1]);
        r.apply(&mut a, &mut b);
        row[c] = Complex64::new(0.0, 0.0);
        row[c + 1] = b;
        rots.push(r);
    }
    for row in w.data[top * n..(n - 1 - i) * n].chunks_mut(n) {
        right_chain(row, i, &rots);
    }
    rots
}

fn left_sweep(w: &mut RowMajor, i: usize, out: &mut Vec<Rot>) {
    let n = w.n;
    let top = n - 2 - i;
    let mut rots: Vec<Rot> = Vec::with_capacity(i + 1);
    // Columns 0..=i decide the angles; columns left of j are already zero
    // in both rows of rotation j.
    for j in 0..=i {
        let r0 = top + j;
        let (upper, lower) = w.data[r0 * n..(r0 + 2) * n].split_at_mut(n);
        let r = Rot::null_second_from_left(r0, upper[j], lower[j]);
        r.apply_slices(&mut upper[j..=i], &mut lower[j..=i]);
        lower[j] = Complex64::new(0.0, 0.0);
        rots.push(r);
    }
    // Columns right of i receive every rotation of the sweep.
    let band = &mut w.data[top * n..n * n];
    if n >= PARALLEL_MIN_MODES {
        let chunks = (n - i - 1).div_ceil(COLUMN_CHUNK);
        let mut pieces: Vec<Vec<&mut [Complex64]>> =
            (0..chunks).map(|_| Vec::with_capacity(i + 2)).collect();
        for row in band.chunks_mut(n) {
            let mut rest = &mut row[i + 1..];
            for piece in pieces.iter_mut() {
                let take = COLUMN_CHUNK.min(rest.len());
                let (head, tail) = rest.split_at_mut(take);
                piece.push(head);
                rest = tail;
            }
        }
        pieces
            .into_par_iter()
            .for_each(|mut rows| apply_left_chain(&mut rows, &rots));
    } else {
        let mut rows: Vec<&mut [Complex64]> =
            band.chunks_mut(n).map(|row| &mut row[i + 1..]).collect();
        apply_left_chain(&mut rows, &rots);
    }
    out.extend(rots);
}

/// Rotation j acts on band rows (j, j+1).
fn apply_left_chain(rows: &mut [&mut [Complex64]], rots: &[Rot]) {
    for (j, r) in rots.iter().enumerate() {
        let (a, b) = rows.split_at_mut(j + 1);
        r.apply_slices(a[j], b[0]);
    }
}

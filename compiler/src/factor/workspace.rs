//! The row-major working copy that the nulling algorithms update in place.
//! nalgebra stores column-major; the sweeps below touch whole rows (left
//! updates) or walk along rows (chains of right updates), so row-major keeps
//! both contiguous.

use super::rotation::Rot;
use nalgebra::DMatrix;
use num_complex::Complex64;
use rayon::prelude::*;

pub(crate) struct RowMajor {
    pub n: usize,
    pub data: Vec<Complex64>,
}

impl RowMajor {
    pub fn from_matrix(u: &DMatrix<Complex64>) -> Self {
        let n = u.nrows();
        let mut data = Vec::with_capacity(n * n);
        for r in 0..n {
            for c in 0..n {
                data.push(u[(r, c)]);
            }
        }
        RowMajor { n, data }
    }

    pub fn row_mut(&mut self, r: usize) -> &mut [Complex64] {
        &mut self.data[r * self.n..(r + 1) * self.n]
    }

    pub fn diagonal_angles(&self) -> Vec<f64> {
        (0..self.n)
            .map(|i| self.data[i * self.n + i].arg())
            .collect()
    }
}

/// Below this size the sweeps run on one thread: rayon's task overhead
/// exceeds the work of a sweep.
pub(crate) const PARALLEL_MIN_MODES: usize = 96;

/// Rows per task when applying chains: the rows' independent carries give
/// the CPU several dependency chains to overlap.
const ROWS_PER_GROUP: usize = 4;

/// The sequential dependency of a chain runs through one carried value per
/// row; `apply` walks all rows of a group at once.
pub(crate) fn for_row_groups<F>(data: &mut [Complex64], n: usize, apply: F)
where
    F: Fn(&mut [&mut [Complex64]]) + Sync,
{
    let group = |block: &mut [Complex64]| {
        let mut rows: Vec<&mut [Complex64]> = block.chunks_mut(n).collect();
        apply(&mut rows);
    };
    if n == 0 {
        return;
    }
    if n >= PARALLEL_MIN_MODES {
        data.par_chunks_mut(ROWS_PER_GROUP * n).for_each(group);
    } else {
        data.chunks_mut(ROWS_PER_GROUP * n).for_each(group);
    }
}

/// Chain with rotation c on columns (c, c+1), c = 0..len (Reck).
pub(crate) fn ascending_chain(rows: &mut [&mut [Complex64]], rots: &[Rot]) {
    let mut carry: Vec<Complex64> = rows.iter().map(|r| r[0]).collect();
    for (c, rot) in rots.iter().enumerate() {
        for (row, cr) in rows.iter_mut().zip(carry.iter_mut()) {
            let mut b = row[c + 1];
            rot.apply(cr, &mut b);
            row[c] = *cr;
            *cr = b;
        }
    }
    for (row, cr) in rows.iter_mut().zip(carry) {
        row[rots.len()] = cr;
    }
}

/// Chain with rotation k on columns (i−k, i−k+1), k = 0..len (Clements).
pub(crate) fn descending_chain(rows: &mut [&mut [Complex64]], i: usize, rots: &[Rot]) {
    let mut carry: Vec<Complex64> = rows.iter().map(|r| r[i + 1]).collect();
    for (k, rot) in rots.iter().enumerate() {
        let c = i - k;
        for (row, cr) in rows.iter_mut().zip(carry.iter_mut()) {
            let mut a = row[c];
            rot.apply(&mut a, cr);
            row[c + 1] = *cr;
            *cr = a;
        }
    }
    for (row, cr) in rows.iter_mut().zip(carry) {
        row[i + 1 - rots.len()] = cr;
    }
}

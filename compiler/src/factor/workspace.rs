//! The row-major working copy that the nulling algorithms update in place.
//! nalgebra stores column-major; the sweeps below touch whole rows (left
//! updates) or walk along rows (chains of right updates), so row-major keeps
//! both contiguous.

use nalgebra::DMatrix;
use num_complex::Complex64;

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

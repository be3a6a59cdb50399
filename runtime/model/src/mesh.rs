//! The MZI mesh model: a sequence of MZIs on neighbouring modes followed by an
//! output phase screen. This is the structure every decomposition produces and
//! every simulator executes; the decomposition algorithms live in the compiler.

use crate::mzi::{self, Mat2};
use num_complex::Complex64;
use serde::{Deserialize, Serialize};

/// The layout family of a mesh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MeshStyle {
    /// Rectangular mesh (Clements et al. 2016): N columns, balanced paths.
    Clements,
    /// Triangular mesh (Reck et al. 1994): depth 2N-3.
    Reck,
}

impl MeshStyle {
    pub fn name(self) -> &'static str {
        match self {
            MeshStyle::Clements => "clements",
            MeshStyle::Reck => "reck",
        }
    }
}

/// One MZI of a mesh: it couples modes `mode` and `mode + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MziSetting {
    /// The top mode of the pair.
    pub mode: usize,
    /// The column (optical depth position, 0-based) in which it is placed.
    pub column: usize,
    /// Internal phase θ ∈ [0, π] (radians).
    pub theta: f64,
    /// External phase φ ∈ [0, 2π) (radians).
    pub phi: f64,
}

impl MziSetting {
    pub fn transfer(&self) -> Mat2 {
        mzi::transfer(self.theta, self.phi)
    }
}

/// A mesh of MZIs on `modes` modes. `mzis` are stored in propagation order:
/// light meets `mzis[0]` first. The realized matrix is
/// `diag(e^{i·output_phases}) · T_K ··· T_1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mesh {
    pub modes: usize,
    pub style: MeshStyle,
    pub mzis: Vec<MziSetting>,
    /// The output phase screen, one phase per mode, in [0, 2π).
    pub output_phases: Vec<f64>,
}

impl Mesh {
    /// Optical depth in MZI columns.
    pub fn depth(&self) -> usize {
        self.mzis.iter().map(|m| m.column + 1).max().unwrap_or(0)
    }

    /// Propagates one field vector in place (length `modes`).
    pub fn apply(&self, field: &mut [Complex64]) {
        debug_assert_eq!(field.len(), self.modes);
        for m in &self.mzis {
            apply_pair(&m.transfer(), field, m.mode);
        }
        for (x, &p) in field.iter_mut().zip(&self.output_phases) {
            *x *= Complex64::from_polar(1.0, p);
        }
    }

    /// The realized N×N transfer matrix: column j is the mesh applied to
    /// the unit vector e_j ([`Mesh::apply`]'s 2×2 updates, O(N) per MZI,
    /// O(N³) in all), columns in parallel (each stays in cache).
    pub fn matrix(&self) -> nalgebra::DMatrix<Complex64> {
        use rayon::prelude::*;
        let n = self.modes;
        let transfers: Vec<(usize, Mat2)> =
            self.mzis.iter().map(|m| (m.mode, m.transfer())).collect();
        let screen: Vec<Complex64> = self
            .output_phases
            .iter()
            .map(|&p| Complex64::from_polar(1.0, p))
            .collect();
        let mut out = nalgebra::DMatrix::<Complex64>::zeros(n, n);
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
}

/// A Clements-placed mesh with uniformly random settings (column c holds the
/// MZIs at modes ≡ c mod 2; θ ∈ [0, π), φ and output phases ∈ [0, 2π), drawn
/// in that order): the test and benchmark circuit of the simulator.
pub fn random_clements<R: rand::Rng + ?Sized>(n: usize, rng: &mut R) -> Mesh {
    use std::f64::consts::{PI, TAU};
    let mut mzis = Vec::new();
    for column in 0..n {
        for mode in (column % 2..n.saturating_sub(1)).step_by(2) {
            mzis.push(MziSetting {
                mode,
                column,
                theta: rng.gen_range(0.0..PI),
                phi: rng.gen_range(0.0..TAU),
            });
        }
    }
    Mesh {
        modes: n,
        style: MeshStyle::Clements,
        mzis,
        output_phases: (0..n).map(|_| rng.gen_range(0.0..TAU)).collect(),
    }
}

/// Applies a 2×2 transfer matrix to modes (`top`, `top + 1`) of a field.
#[inline]
pub fn apply_pair(t: &Mat2, field: &mut [Complex64], top: usize) {
    let x = field[top];
    let y = field[top + 1];
    field[top] = t[0][0] * x + t[0][1] * y;
    field[top + 1] = t[1][0] * x + t[1][1] * y;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn apply_matches_matrix() {
        let mesh = Mesh {
            modes: 3,
            style: MeshStyle::Reck,
            mzis: vec![
                MziSetting {
                    mode: 0,
                    column: 0,
                    theta: 0.4,
                    phi: 1.1,
                },
                MziSetting {
                    mode: 1,
                    column: 1,
                    theta: 2.2,
                    phi: 0.3,
                },
                MziSetting {
                    mode: 0,
                    column: 2,
                    theta: PI,
                    phi: 4.0,
                },
            ],
            output_phases: vec![0.1, 0.2, 0.3],
        };
        let u = mesh.matrix();
        for j in 0..3 {
            let mut f = vec![Complex64::new(0.0, 0.0); 3];
            f[j] = Complex64::new(1.0, 0.0);
            mesh.apply(&mut f);
            for i in 0..3 {
                assert!((f[i] - u[(i, j)]).norm() < 1e-14);
            }
        }
        // A mesh of unitary MZIs is unitary.
        let uu = &u * u.adjoint();
        let err = (uu - nalgebra::DMatrix::identity(3, 3)).norm();
        assert!(err < 1e-13, "{err}");
        assert_eq!(mesh.depth(), 3);
    }
}

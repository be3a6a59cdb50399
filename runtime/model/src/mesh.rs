//! The MZI mesh model: a sequence of MZIs on neighbouring modes followed by an
//! output phase screen. This is the structure every decomposition produces and
//! every simulator executes; the decomposition algorithms live in the compiler.

use crate::mzi::{self, Mat2, MziCell};
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
    pub const ALL: [MeshStyle; 2] = [MeshStyle::Clements, MeshStyle::Reck];

    pub fn name(self) -> &'static str {
        match self {
            MeshStyle::Clements => "clements",
            MeshStyle::Reck => "reck",
        }
    }

    /// The columns an MZI on modes (`mode`, `mode + 1`) of a full `modes`-mode
    /// mesh occupies: every other column of a range, starting at the one of
    /// `mode`'s parity (Clements: `0..modes`; Reck's triangle:
    /// `mode..=2·modes − 4 − mode`).
    fn columns_of(self, modes: usize, mode: usize) -> std::ops::Range<usize> {
        match self {
            MeshStyle::Clements => mode % 2..modes,
            MeshStyle::Reck => mode..(2 * modes - 3 - mode),
        }
    }

    /// The (column, mode) of every MZI of the full `modes`-mode mesh
    /// (N(N−1)/2 of them), column by column, top mode first: what the
    /// decompositions place and what a netlist cell expands to.
    pub fn positions(self, modes: usize) -> Vec<(usize, usize)> {
        if modes < 2 {
            return Vec::new();
        }
        let mut by_column: Vec<(usize, usize)> = (0..modes - 1)
            .flat_map(|m| self.columns_of(modes, m).step_by(2).map(move |c| (c, m)))
            .collect();
        by_column.sort_unstable();
        by_column
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
    /// T(θ, φ) of this MZI as an ideal standard cell.
    pub fn transfer(&self) -> Mat2 {
        mzi::transfer(self.theta, self.phi)
    }
}

/// A mesh's layout and the cell its MZIs are: what `mesh =` chooses in the
/// language and `mesh:` in a netlist cell, written as [`mesh_name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MeshDesign {
    pub style: MeshStyle,
    pub cell: MziCell,
}

impl MeshDesign {
    /// The default: a Clements mesh of standard MZIs.
    pub const CLEMENTS: MeshDesign = MeshDesign {
        style: MeshStyle::Clements,
        cell: MziCell::Standard,
    };

    /// A Reck mesh of standard MZIs.
    pub const RECK: MeshDesign = MeshDesign {
        style: MeshStyle::Reck,
        cell: MziCell::Standard,
    };

    pub fn new(style: MeshStyle, cell: MziCell) -> Self {
        MeshDesign { style, cell }
    }

    pub fn name(self) -> String {
        mesh_name(self.style, self.cell)
    }

    pub fn parse(name: &str) -> Option<MeshDesign> {
        parse_mesh_name(name).map(|(style, cell)| MeshDesign { style, cell })
    }
}

impl Serialize for MeshDesign {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for MeshDesign {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor, so the reader's error points at the value itself.
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = MeshDesign;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "one of {}", MESH_NAMES.join(", "))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<MeshDesign, E> {
                MeshDesign::parse(v).ok_or_else(|| {
                    E::custom(format!(
                        "unknown mesh `{v}`, expected one of {}",
                        MESH_NAMES.join(", ")
                    ))
                })
            }
        }
        d.deserialize_str(Name)
    }
}

/// A mesh's name in the language and in netlist cells: its style's name
/// and the cell's suffix (`clements`, `clements3`, `clements_crossing`,
/// `reck`, `reck3`, `reck_crossing`).
pub fn mesh_name(style: MeshStyle, cell: MziCell) -> String {
    let suffix = match cell {
        MziCell::Standard => "",
        MziCell::ThreeSplitter => "3",
        MziCell::Crossing => "_crossing",
    };
    format!("{}{suffix}", style.name())
}

/// The (style, cell) a mesh name stands for ([`mesh_name`]'s inverse).
pub fn parse_mesh_name(name: &str) -> Option<(MeshStyle, MziCell)> {
    MeshStyle::ALL
        .into_iter()
        .flat_map(|s| MziCell::ALL.into_iter().map(move |c| (s, c)))
        .find(|&(s, c)| mesh_name(s, c) == name)
}

/// Every mesh name, styles first, cells in `MziCell::ALL` order.
pub const MESH_NAMES: [&str; 6] = [
    "clements",
    "clements3",
    "clements_crossing",
    "reck",
    "reck3",
    "reck_crossing",
];

/// A mesh of MZIs on `modes` modes. `mzis` are stored in propagation order:
/// light meets `mzis[0]` first. The realized matrix is
/// `diag(e^{i·output_phases}) · T_K ··· T_1`, each T the ideal transfer of
/// `cell`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mesh {
    pub modes: usize,
    pub style: MeshStyle,
    /// The 2×2 cell every MZI of the mesh is.
    #[serde(default)]
    pub cell: MziCell,
    pub mzis: Vec<MziSetting>,
    /// The output phase screen, one phase per mode, in [0, 2π).
    pub output_phases: Vec<f64>,
}

impl Mesh {
    /// The same matrix realised with `cell`s on the same positions: each MZI
    /// in propagation order, with the phases pushed to its inputs so far,
    /// is re-expressed as diag(δ) · T_cell ([`MziCell::settings_for`]) and δ
    /// is pushed on; the output phase screen takes what is left. Exact
    /// (to rounding) for every cell, as every cell reaches every 2×2 unitary
    /// up to output phases.
    pub fn with_cell(&self, cell: MziCell) -> Mesh {
        let mut pending = vec![0.0; self.modes];
        let mut mzis = Vec::with_capacity(self.mzis.len());
        for m in &self.mzis {
            let t = mzi::Mzi::ideal(self.cell).transfer(m.theta, m.phi);
            let d = [pending[m.mode], pending[m.mode + 1]].map(|p| Complex64::from_polar(1.0, p));
            let w = [
                [t[0][0] * d[0], t[0][1] * d[1]],
                [t[1][0] * d[0], t[1][1] * d[1]],
            ];
            let (theta, phi, delta) = cell.settings_for(&w);
            pending[m.mode] = delta[0];
            pending[m.mode + 1] = delta[1];
            mzis.push(MziSetting { theta, phi, ..*m });
        }
        let output_phases = self
            .output_phases
            .iter()
            .zip(&pending)
            .map(|(&p, &d)| mzi::wrap_phase(p + d))
            .collect();
        Mesh {
            modes: self.modes,
            style: self.style,
            cell,
            mzis,
            output_phases,
        }
    }

    /// Optical depth in MZI columns.
    pub fn depth(&self) -> usize {
        self.mzis.iter().map(|m| m.column + 1).max().unwrap_or(0)
    }

    /// Propagates one field vector in place (length `modes`).
    pub fn apply(&self, field: &mut [Complex64]) {
        debug_assert_eq!(field.len(), self.modes);
        let cell = mzi::Mzi::ideal(self.cell);
        for m in &self.mzis {
            apply_pair(&cell.transfer(m.theta, m.phi), field, m.mode);
        }
        for (x, &p) in field.iter_mut().zip(&self.output_phases) {
            *x *= Complex64::from_polar(1.0, p);
        }
    }

    /// The realized N×N transfer matrix: column j is the mesh applied to
    /// the unit vector e_j ([`Mesh::apply`]'s 2×2 updates, O(N) per MZI,
    /// O(N³) in all). Columns go in blocks of `COLUMNS_PER_PASS`, in
    /// parallel, held mode-major with real and imaginary parts apart, so one
    /// pass over the MZIs (N²/2 of them, far more than a cache holds)
    /// updates a whole block with contiguous, vectorizable rows.
    pub fn matrix(&self) -> nalgebra::DMatrix<Complex64> {
        use rayon::prelude::*;
        const COLUMNS_PER_PASS: usize = 32;
        let n = self.modes;
        let cell = mzi::Mzi::ideal(self.cell);
        let transfers: Vec<(usize, Mat2)> = self
            .mzis
            .iter()
            .map(|m| (m.mode, cell.transfer(m.theta, m.phi)))
            .collect();
        let screen: Vec<Complex64> = self
            .output_phases
            .iter()
            .map(|&p| Complex64::from_polar(1.0, p))
            .collect();
        let mut out = nalgebra::DMatrix::<Complex64>::zeros(n, n);
        const B: usize = COLUMNS_PER_PASS;
        // nalgebra is column-major: each chunk of n is one column.
        out.as_mut_slice()
            .par_chunks_mut(n.max(1) * B)
            .enumerate()
            .for_each(|(b, cols)| {
                let width = cols.len() / n.max(1);
                // re[mode * B + j]: column b·B + j at `mode`.
                let mut re = vec![0.0; n * B];
                let mut im = vec![0.0; n * B];
                for j in 0..width {
                    re[(b * B + j) * B + j] = 1.0;
                }
                for (mode, t) in &transfers {
                    let (top, bottom) = re[mode * B..(mode + 2) * B].split_at_mut(B);
                    let (top_i, bottom_i) = im[mode * B..(mode + 2) * B].split_at_mut(B);
                    apply_pair_planes(t, top, top_i, bottom, bottom_i);
                }
                for (j, col) in cols.chunks_mut(n.max(1)).enumerate() {
                    for (mode, x) in col.iter_mut().enumerate() {
                        *x = Complex64::new(re[mode * B + j], im[mode * B + j]) * screen[mode];
                    }
                }
            });
        out
    }
}

/// A 2×2 transfer applied to two modes' rows of a block of fields, real
/// and imaginary parts in separate rows (structure of arrays, so the loop
/// vectorizes): the one kernel of `Mesh::matrix` and the simulator's batch
/// propagation (`optc_sim::simulate::batch`).
#[inline]
pub fn apply_pair_planes(t: &Mat2, xr: &mut [f64], xi: &mut [f64], yr: &mut [f64], yi: &mut [f64]) {
    let [[a, b], [c, d]] = *t;
    for (((xr, xi), yr), yi) in xr
        .iter_mut()
        .zip(xi.iter_mut())
        .zip(yr.iter_mut())
        .zip(yi.iter_mut())
    {
        let (x_r, x_i, y_r, y_i) = (*xr, *xi, *yr, *yi);
        *xr = a.re * x_r - a.im * x_i + b.re * y_r - b.im * y_i;
        *xi = a.re * x_i + a.im * x_r + b.re * y_i + b.im * y_r;
        *yr = c.re * x_r - c.im * x_i + d.re * y_r - d.im * y_i;
        *yi = c.re * x_i + c.im * x_r + d.re * y_i + d.im * y_r;
    }
}

/// A mesh of `style` with uniformly random settings: θ ∈ [0, π), φ ∈ [0, 2π)
/// per MZI in `MeshStyle::positions` order, then the output phases ∈ [0, 2π).
pub fn random_mesh<R: rand::Rng + ?Sized>(style: MeshStyle, n: usize, rng: &mut R) -> Mesh {
    use std::f64::consts::{PI, TAU};
    let mzis = style
        .positions(n)
        .into_iter()
        .map(|(column, mode)| MziSetting {
            mode,
            column,
            theta: rng.gen_range(0.0..PI),
            phi: rng.gen_range(0.0..TAU),
        })
        .collect();
    Mesh {
        modes: n,
        style,
        cell: MziCell::Standard,
        mzis,
        output_phases: (0..n).map(|_| rng.gen_range(0.0..TAU)).collect(),
    }
}

/// A Clements-placed mesh with random settings (`random_mesh`): the test
/// and benchmark circuit of the simulator.
pub fn random_clements<R: rand::Rng + ?Sized>(n: usize, rng: &mut R) -> Mesh {
    random_mesh(MeshStyle::Clements, n, rng)
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
    fn layouts_are_the_published_ones() {
        // Clements: column c holds the MZIs at modes ≡ c mod 2.
        assert_eq!(
            MeshStyle::Clements.positions(4),
            [(0, 0), (0, 2), (1, 1), (2, 0), (2, 2), (3, 1)]
        );
        // Reck: the triangle of depth 2N − 3.
        assert_eq!(
            MeshStyle::Reck.positions(4),
            [(0, 0), (1, 1), (2, 0), (2, 2), (3, 1), (4, 0)]
        );
        for n in 0..40 {
            for style in MeshStyle::ALL {
                let p = style.positions(n);
                assert_eq!(p.len(), n * n.saturating_sub(1) / 2, "{style:?} {n}");
                let depth = p.iter().map(|&(c, _)| c + 1).max().unwrap_or(0);
                let expected = match (style, n) {
                    (_, 0 | 1) => 0,
                    (_, 2) => 1,
                    (MeshStyle::Clements, n) => n,
                    (MeshStyle::Reck, n) => 2 * n - 3,
                };
                assert_eq!(depth, expected, "{style:?} {n}");
            }
        }
        let mut rng = rand::rngs::mock::StepRng::new(0, 1);
        let mesh = random_clements(7, &mut rng);
        let placed: Vec<_> = mesh.mzis.iter().map(|m| (m.column, m.mode)).collect();
        assert_eq!(placed, MeshStyle::Clements.positions(7));
    }

    #[test]
    fn every_cell_realises_the_same_matrix() {
        use rand::SeedableRng;
        for style in MeshStyle::ALL {
            let mesh = random_mesh(style, 9, &mut rand_chacha::ChaCha8Rng::seed_from_u64(3));
            let u = mesh.matrix();
            for cell in MziCell::ALL {
                let other = mesh.with_cell(cell);
                assert_eq!(other.cell, cell);
                let v = other.matrix();
                let err = (&u - &v).iter().map(|x| x.norm()).fold(0.0, f64::max);
                assert!(err < 1e-13, "{style:?} {cell:?}: {err}");
                // And back.
                let back = other.with_cell(MziCell::Standard).matrix();
                let err = (&u - &back).iter().map(|x| x.norm()).fold(0.0, f64::max);
                assert!(err < 1e-13, "{style:?} {cell:?} back: {err}");
            }
        }
        let all: Vec<String> = MeshStyle::ALL
            .into_iter()
            .flat_map(|s| MziCell::ALL.into_iter().map(move |c| mesh_name(s, c)))
            .collect();
        assert_eq!(all, MESH_NAMES);
        for name in MESH_NAMES {
            let (s, c) = parse_mesh_name(name).unwrap();
            assert_eq!(mesh_name(s, c), name);
        }
        assert_eq!(
            parse_mesh_name("clements3"),
            Some((MeshStyle::Clements, MziCell::ThreeSplitter))
        );
        assert_eq!(parse_mesh_name("clements4"), None);
    }

    #[test]
    fn blocked_matrix_matches_apply_across_blocks() {
        use rand::SeedableRng;
        // 70 modes: two full blocks of 32 columns and a partial one.
        let mesh = random_clements(70, &mut rand_chacha::ChaCha8Rng::seed_from_u64(7));
        let u = mesh.matrix();
        for j in [0, 31, 32, 63, 64, 69] {
            let mut f = vec![Complex64::new(0.0, 0.0); 70];
            f[j] = Complex64::new(1.0, 0.0);
            mesh.apply(&mut f);
            for (i, x) in f.iter().enumerate() {
                assert!((x - u[(i, j)]).norm() < 1e-13, "({i}, {j})");
            }
        }
    }

    #[test]
    fn apply_matches_matrix() {
        let mesh = Mesh {
            modes: 3,
            style: MeshStyle::Reck,
            cell: MziCell::Standard,
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

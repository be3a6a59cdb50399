//! The realizations a later emission pass turns into a netlist. Every variant
//! carries its meshes (runtime `Mesh`), attenuator power transmissions
//! t ∈ [0, 1] (field √t), the gain that scales the physical (passive,
//! ‖·‖ ≤ 1) circuit back to the target, its port usage, and block structure.

use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_model::mesh::Mesh;
use serde::{Deserialize, Serialize};

/// Port usage of a realization of an m×n matrix on `modes` = max(m, n)
/// modes (per block for segmented): light enters on modes 0..cols, the
/// result is read on modes 0..rows; the other inputs are dark and the other
/// outputs are discarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ports {
    pub rows: usize,
    pub cols: usize,
    pub modes: usize,
}

impl Ports {
    pub fn padded(rows: usize, cols: usize) -> Self {
        Ports {
            rows,
            cols,
            modes: rows.max(cols),
        }
    }
}

/// W ≈ gain · U_mesh · diag(√t) · V†_mesh (zero-padded to `ports.modes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SvdRealization {
    pub ports: Ports,
    /// The V† mesh, met first by the light.
    pub v_dagger: Mesh,
    /// Power transmissions (σ_i/σ_max)², one per mode, between the meshes.
    pub transmissions: Vec<f64>,
    /// The U mesh, met last.
    pub u: Mesh,
    /// σ_max (0 for the zero matrix).
    pub gain: f64,
}

/// W ≈ gain · U_mesh · diag(√t): attenuators first, then one mesh.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitaryDiagRealization {
    pub ports: Ports,
    /// Power transmissions (d_j/d_max)², one per input mode.
    pub transmissions: Vec<f64>,
    pub mesh: Mesh,
    /// d_max (0 for the zero matrix).
    pub gain: f64,
    /// Alternating least-squares iterations used.
    pub iterations: usize,
}

/// One k×k block of a segmented realization; its gain is the segmented
/// realization's common block gain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// Block row (output segment) and column (input segment).
    pub row: usize,
    pub col: usize,
    pub realization: Realization,
}

/// W (m×n, zero-padded to (p·k)×(q·k)) as p×q blocks of k×k. Input segment j
/// is split 1→p (field 1/√p each) to the blocks of column j; the p blocks'
/// outputs of row i are combined q→1 coherently (field 1/√q). The physical
/// circuit realizes W/gain with gain = G·√(p·q), G the largest block gain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentedRealization {
    pub ports: Ports,
    pub block_size: usize,
    pub block_rows: usize,
    pub block_cols: usize,
    /// Field factor of each input splitter, 1/√block_rows.
    pub fan_out_field: f64,
    /// Field factor of each output combiner, 1/√block_cols.
    pub fan_in_field: f64,
    pub blocks: Vec<Block>,
    /// Global scale: W ≈ gain · (physical circuit).
    pub gain: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Realization {
    /// A unitary on its own mesh (gain 1, no attenuators).
    Unitary(Mesh),
    Svd(SvdRealization),
    UnitaryDiag(UnitaryDiagRealization),
    Segmented(SegmentedRealization),
}

/// MZIs of a full SVD realization of an m×n matrix: two meshes on max(m, n) modes.
pub fn svd_mzi_count(rows: usize, cols: usize) -> usize {
    let n = rows.max(cols);
    n * n.saturating_sub(1)
}

fn scaled_columns(mut m: DMatrix<Complex64>, field: &[f64]) -> DMatrix<Complex64> {
    for (j, f) in field.iter().enumerate() {
        m.column_mut(j).scale_mut(*f);
    }
    m
}

impl Realization {
    pub fn ports(&self) -> Ports {
        match self {
            Realization::Unitary(m) => Ports::padded(m.modes, m.modes),
            Realization::Svd(s) => s.ports,
            Realization::UnitaryDiag(s) => s.ports,
            Realization::Segmented(s) => s.ports,
        }
    }

    /// The factor between the physical circuit and the realized matrix.
    pub fn gain(&self) -> f64 {
        match self {
            Realization::Unitary(_) => 1.0,
            Realization::Svd(s) => s.gain,
            Realization::UnitaryDiag(s) => s.gain,
            Realization::Segmented(s) => s.gain,
        }
    }

    /// Number of MZIs (splitters, combiners and attenuators not counted).
    pub fn mzi_count(&self) -> usize {
        match self {
            Realization::Unitary(m) => m.mzis.len(),
            Realization::Svd(s) => s.u.mzis.len() + s.v_dagger.mzis.len(),
            Realization::UnitaryDiag(s) => s.mesh.mzis.len(),
            Realization::Segmented(s) => s.blocks.iter().map(|b| b.realization.mzi_count()).sum(),
        }
    }

    /// MZIs saved against a full SVD realization of the same m×n matrix
    /// (negative if this one uses more).
    pub fn mzis_saved_vs_svd(&self) -> i64 {
        let p = self.ports();
        svd_mzi_count(p.rows, p.cols) as i64 - self.mzi_count() as i64
    }

    /// The transfer matrix of the passive circuit on all its modes
    /// (outputs × inputs, padding included).
    pub fn physical_matrix(&self) -> DMatrix<Complex64> {
        match self {
            Realization::Unitary(m) => m.matrix(),
            Realization::Svd(s) => {
                let field: Vec<f64> = s.transmissions.iter().map(|t| t.sqrt()).collect();
                let middle = scaled_columns(s.u.matrix(), &field);
                middle * s.v_dagger.matrix()
            }
            Realization::UnitaryDiag(s) => {
                let field: Vec<f64> = s.transmissions.iter().map(|t| t.sqrt()).collect();
                scaled_columns(s.mesh.matrix(), &field)
            }
            Realization::Segmented(s) => {
                let k = s.block_size;
                let mut out = DMatrix::<Complex64>::zeros(s.block_rows * k, s.block_cols * k);
                let factor = s.fan_out_field * s.fan_in_field;
                for b in &s.blocks {
                    let m = b.realization.physical_matrix() * Complex64::new(factor, 0.0);
                    out.view_mut((b.row * k, b.col * k), (k, k)).copy_from(&m);
                }
                out
            }
        }
    }

    /// The realized m×n matrix: gain · physical, cropped to the used ports.
    pub fn matrix(&self) -> DMatrix<Complex64> {
        let p = self.ports();
        let full = self.physical_matrix() * Complex64::new(self.gain(), 0.0);
        full.view((0, 0), (p.rows, p.cols)).into_owned()
    }
}

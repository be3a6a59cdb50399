//! A large W realized as k×k blocks, each its own SVD or unitary×diagonal
//! realization, joined by passive 1→p splitters on the inputs and q→1
//! coherent combiners on the outputs (p×q blocks).
//!
//! With every block physically realizing W_ij/G (G the largest block gain,
//! shared so the coherent sums add in the right proportions), output segment
//! i carries (1/√q)·Σ_j (W_ij/G)·(1/√p)·x_j = W·x/(G·√(p·q)); the global
//! scale G·√(p·q) is reported as the realization's gain.

use super::error::{FactorError, FactorWarning};
use super::realization::{Block, Ports, Realization, SegmentedRealization};
use super::svd::realize_svd;
use super::unitary_diag::realize_unitary_diag;
use super::unitary_input::check_finite;
use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_model::mesh::MeshDesign;
use serde::{Deserialize, Serialize};

/// How each block is realized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Svd,
    UnitaryDiag,
}

/// Realizes a finite m×n matrix as ⌈m/k⌉×⌈n/k⌉ blocks of size k.
pub fn realize_segmented(
    w: &DMatrix<Complex64>,
    block_size: usize,
    kind: BlockKind,
    style: MeshDesign,
) -> Result<(SegmentedRealization, Vec<FactorWarning>), FactorError> {
    check_finite(w)?;
    if block_size == 0 {
        return Err(FactorError::BadSegment(block_size));
    }
    let k = block_size;
    let (m, n) = w.shape();
    let (p, q) = (m.div_ceil(k), n.div_ceil(k));
    let mut padded = DMatrix::<Complex64>::zeros(p * k, q * k);
    padded.view_mut((0, 0), (m, n)).copy_from(w);

    let mut blocks = Vec::with_capacity(p * q);
    for row in 0..p {
        for col in 0..q {
            let sub = padded.view((row * k, col * k), (k, k)).into_owned();
            // A zero block is expected in a padded or sparse W: no warning.
            let realization = match kind {
                BlockKind::Svd => Realization::Svd(realize_svd(&sub, style)?.0),
                BlockKind::UnitaryDiag => {
                    Realization::UnitaryDiag(realize_unitary_diag(&sub, style)?.0)
                }
            };
            blocks.push(Block {
                row,
                col,
                realization,
            });
        }
    }
    let common = blocks
        .iter()
        .map(|b| b.realization.gain())
        .fold(0.0, f64::max);
    for b in &mut blocks {
        rescale(&mut b.realization, common);
    }
    let mut warnings = Vec::new();
    if common == 0.0 {
        warnings.push(FactorWarning::ZeroMatrix);
    }
    let real = SegmentedRealization {
        ports: Ports {
            rows: m,
            cols: n,
            modes: (p * k).max(q * k),
        },
        block_size: k,
        block_rows: p,
        block_cols: q,
        fan_out_field: 1.0 / (p as f64).sqrt(),
        fan_in_field: 1.0 / (q as f64).sqrt(),
        blocks,
        gain: common * ((p * q) as f64).sqrt(),
    };
    Ok((real, warnings))
}

/// Moves a block onto the shared gain: its attenuators take the ratio.
fn rescale(r: &mut Realization, common: f64) {
    let (gain, transmissions) = match r {
        Realization::Svd(s) => (&mut s.gain, &mut s.transmissions),
        Realization::UnitaryDiag(s) => (&mut s.gain, &mut s.transmissions),
        Realization::Unitary(_) | Realization::Segmented(_) => return,
    };
    if common > 0.0 {
        let ratio = (*gain / common).powi(2);
        for t in transmissions.iter_mut() {
            *t = (*t * ratio).min(1.0);
        }
    }
    *gain = common;
}

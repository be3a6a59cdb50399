//! `realize`: factor a linear network's matrix into its chosen realization
//! (a unitary mesh, SVD, unitary×diagonal or segmented blocks).

use super::{Pass, PassError};
use crate::check::program::LinearRealization;
use crate::factor::{
    factor_unitary, realize_segmented, realize_svd, realize_unitary_diag, relative_frobenius_error,
    BlockKind, Realization, UnitaryTolerance,
};
use crate::ir::Stage;
use crate::unit::{CompileUnit, LinearLowering};

pub struct RealizeMatrix;

/// Below this ‖UU†−I‖_F a matrix counts as unitary without projection.
const EXACTLY_UNITARY: f64 = 1e-11;

impl Pass for RealizeMatrix {
    fn name(&self) -> &'static str {
        "realize"
    }

    fn description(&self) -> &'static str {
        "factor each matrix into meshes, attenuators and fan-out (unitary, svd, unitary_diag, segmented)"
    }

    fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError> {
        let network = unit.name().to_string();
        let Some((matrix, realize, mesh, tolerance)) =
            unit.ir.stages().find_map(|(_, s)| match s {
                Stage::Matrix {
                    matrix,
                    realize,
                    mesh,
                    tolerance,
                    ..
                } => Some((matrix.clone(), *realize, *mesh, *tolerance)),
                _ => None,
            })
        else {
            return Ok(());
        };
        let factor_err = |source| PassError::Factor {
            network: network.clone(),
            source,
        };
        let (realization, warnings) = match realize {
            LinearRealization::Unitary => {
                // The front end bounds the max entry of |UU†−I| by `tolerance`;
                // the Frobenius norm of an n×n matrix is at most n times that.
                let n = matrix.nrows().max(1) as f64;
                let tol = UnitaryTolerance {
                    exact: EXACTLY_UNITARY,
                    project: (tolerance * n).max(EXACTLY_UNITARY),
                };
                let (m, w) = factor_unitary(&matrix, mesh, tol).map_err(factor_err)?;
                (Realization::Unitary(m), w)
            }
            LinearRealization::Svd => {
                let (r, w) = realize_svd(&matrix, mesh).map_err(factor_err)?;
                (Realization::Svd(r), w)
            }
            LinearRealization::UnitaryDiag => {
                let (r, w) = realize_unitary_diag(&matrix, mesh).map_err(factor_err)?;
                (Realization::UnitaryDiag(r), w)
            }
            LinearRealization::Segmented { block } => {
                let (r, w) = realize_segmented(&matrix, block, BlockKind::UnitaryDiag, mesh)
                    .map_err(factor_err)?;
                (Realization::Segmented(r), w)
            }
        };
        let span = unit.ir.span;
        for w in &warnings {
            unit.warn(span, w.to_string());
        }
        let realized = realization.matrix();
        let approximation = relative_frobenius_error(&matrix, &realized);
        unit.report
            .linear
            .get_or_insert_with(Default::default)
            .approximation_error = approximation;
        unit.linear = Some(LinearLowering {
            target: matrix,
            realize,
            mesh,
            realization,
            realized,
        });
        Ok(())
    }
}

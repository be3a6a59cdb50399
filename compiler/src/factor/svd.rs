//! General matrices through the SVD: W = U·Σ·V† realized as a V† mesh, a
//! column of attenuators t_i = (σ_i/σ_max)² and a U mesh, with σ_max
//! reported as the gain. Rectangular W is zero-padded to max(m, n) modes.

use super::error::{FactorError, FactorWarning};
use super::realization::{Ports, SvdRealization};
use super::unitary_input::{check_finite, decompose, nearest_unitary, unitarity_error};
use nalgebra::{DMatrix, DVector};
use num_complex::Complex64;
use optc_model::mesh::MeshDesign;

/// Singular factors below this ‖·‖_F unitarity error are used as returned.
const SVD_UNITARY_SLACK: f64 = 1e-11;

/// W zero-padded into the top-left corner of a max(m, n) square.
pub(crate) fn pad_square(w: &DMatrix<Complex64>) -> DMatrix<Complex64> {
    let n = w.nrows().max(w.ncols());
    let mut out = DMatrix::zeros(n, n);
    out.view_mut((0, 0), w.shape()).copy_from(w);
    out
}

/// (U, σ, V†) with W = U·diag(σ)·V†.
pub(crate) type FullSvd = (DMatrix<Complex64>, DVector<f64>, DMatrix<Complex64>);

/// A full SVD with unitary U and V† (re-projected if rounding left them
/// measurably non-unitary, which happens for repeated zero singular values).
pub(crate) fn full_svd(w: &DMatrix<Complex64>) -> Result<FullSvd, FactorError> {
    let (rows, cols) = w.shape();
    let failed = FactorError::SvdFailed { rows, cols };
    let svd = nalgebra::linalg::SVD::try_new(w.clone(), true, true, f64::EPSILON, 0)
        .ok_or(failed.clone())?;
    let (Some(mut u), Some(mut v_t)) = (svd.u, svd.v_t) else {
        return Err(failed);
    };
    if unitarity_error(&u) > SVD_UNITARY_SLACK {
        u = nearest_unitary(&u)?;
    }
    if unitarity_error(&v_t) > SVD_UNITARY_SLACK {
        v_t = nearest_unitary(&v_t)?;
    }
    Ok((u, svd.singular_values, v_t))
}

/// Realizes any finite m×n complex matrix with two meshes of `style`.
pub fn realize_svd(
    w: &DMatrix<Complex64>,
    style: MeshDesign,
) -> Result<(SvdRealization, Vec<FactorWarning>), FactorError> {
    check_finite(w)?;
    let ports = Ports::padded(w.nrows(), w.ncols());
    let n = ports.modes;
    let padded = pad_square(w);
    if padded.iter().all(|x| *x == Complex64::new(0.0, 0.0)) {
        let identity = decompose(&DMatrix::identity(n, n), style);
        let real = SvdRealization {
            ports,
            v_dagger: identity.clone(),
            transmissions: vec![0.0; n],
            u: identity,
            gain: 0.0,
        };
        return Ok((real, vec![FactorWarning::ZeroMatrix]));
    }
    let (u, sigma, v_t) = full_svd(&padded)?;
    let gain = sigma.max();
    let transmissions = sigma.iter().map(|s| (s / gain).powi(2).min(1.0)).collect();
    let real = SvdRealization {
        ports,
        v_dagger: decompose(&v_t, style),
        transmissions,
        u: decompose(&u, style),
        gain,
    };
    Ok((real, Vec::new()))
}

//! Turns the nulling result into a physical mesh: pushes the residual
//! diagonal through the left rotations, converts the phase-free cores R into
//! physical MZIs T = g·R (moving every pair phase g into the output screen),
//! and places each MZI in the earliest free column.
//!
//! Identities used (unit-modulus d's, angles δ = arg d):
//! * R†(θ, φ)·diag(d1, d2) = diag(e^{−iφ}·d2, d2)·R(θ, δ1 − δ2)
//! * T(θ, φ)·diag(d1, d2)  = diag(d2, d2)·T(θ, φ + δ1 − δ2)
//! * R(θ, φ) = T(θ, φ)/g,  arg g = π/2 + θ/2

use super::rotation::{wrap, Rot};
use optc_model::mesh::{Mesh, MeshStyle, MziSetting};
use std::f64::consts::FRAC_PI_2;

/// `right`: rotations nulled as U·R†, in the order found (= propagation
/// order). `left`: rotations nulled as R·U, in the order found. `diag`: the
/// angles of the residual diagonal D, so that U = L_1†···L_k†·D·R_m···R_1.
pub(crate) fn assemble(
    modes: usize,
    style: MeshStyle,
    right: &[Rot],
    left: &[Rot],
    mut diag: Vec<f64>,
) -> Mesh {
    let mut cores: Vec<(usize, f64, f64)> =
        right.iter().map(|r| (r.mode, r.theta, r.phi)).collect();
    // L_t†·D = D'·R'_t, innermost (last found) first; R'_t then propagate last-found first.
    let mut pushed = Vec::with_capacity(left.len());
    for r in left.iter().rev() {
        let (d1, d2) = (diag[r.mode], diag[r.mode + 1]);
        pushed.push((r.mode, r.theta, wrap(d1 - d2)));
        diag[r.mode] = d2 - r.phi;
    }
    cores.extend(pushed);

    // R_k···R_1 = Δ·T'_k···T'_1, accumulated in propagation order.
    let mut delta = vec![0.0; modes];
    let mut next_free = vec![0usize; modes];
    let mut mzis = Vec::with_capacity(cores.len());
    for (mode, theta, phi) in cores {
        let (d1, d2) = (delta[mode], delta[mode + 1]);
        let phi = wrap(phi + d1 - d2);
        let shared = d2 - (FRAC_PI_2 + 0.5 * theta);
        delta[mode] = shared;
        delta[mode + 1] = shared;
        // Earliest column after the last MZI on either mode.
        let column = next_free[mode].max(next_free[mode + 1]);
        next_free[mode] = column + 1;
        next_free[mode + 1] = column + 1;
        mzis.push(MziSetting {
            mode,
            column,
            theta,
            phi,
        });
    }
    let output_phases = diag.iter().zip(&delta).map(|(d, e)| wrap(d + e)).collect();
    Mesh {
        modes,
        style,
        cell: optc_model::mzi::MziCell::Standard,
        mzis,
        output_phases,
    }
}

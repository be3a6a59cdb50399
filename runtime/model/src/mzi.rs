//! The 2×2 Mach-Zehnder interferometer in the project's binding convention
//! (BRIEF §3): external phase φ on the top input arm, 50:50 coupler, internal
//! phase θ on the top arm, 50:50 coupler.
//!
//! ```text
//! T(θ, φ) = B · diag(e^{iθ}, 1) · B · diag(e^{iφ}, 1)
//!         = i·e^{iθ/2} · [[e^{iφ}·sin(θ/2),  cos(θ/2)],
//!                         [e^{iφ}·cos(θ/2), −sin(θ/2)]]
//! ```
//! θ = 0 is the cross state, θ = π the bar state.

use num_complex::Complex64;
use std::f64::consts::{FRAC_1_SQRT_2, PI, TAU};

/// A 2×2 complex matrix in row-major order `[[a, b], [c, d]]`.
pub type Mat2 = [[Complex64; 2]; 2];

/// The 50:50 directional coupler B = (1/√2)[[1, i], [i, 1]].
pub fn coupler() -> Mat2 {
    let r = Complex64::new(FRAC_1_SQRT_2, 0.0);
    let t = Complex64::new(0.0, FRAC_1_SQRT_2);
    [[r, t], [t, r]]
}

/// The closed form of T(θ, φ).
pub fn transfer(theta: f64, phi: f64) -> Mat2 {
    let (s, c) = (0.5 * theta).sin_cos();
    let g = Complex64::i() * Complex64::from_polar(1.0, 0.5 * theta);
    let e = Complex64::from_polar(1.0, phi);
    [[g * e * s, g * c], [g * e * c, -g * s]]
}

/// Product of two 2×2 matrices.
pub fn mul2(a: &Mat2, b: &Mat2) -> Mat2 {
    [
        [
            a[0][0] * b[0][0] + a[0][1] * b[1][0],
            a[0][0] * b[0][1] + a[0][1] * b[1][1],
        ],
        [
            a[1][0] * b[0][0] + a[1][1] * b[1][0],
            a[1][0] * b[0][1] + a[1][1] * b[1][1],
        ],
    ]
}

/// Wraps an angle into [0, 2π).
pub fn wrap_phase(x: f64) -> f64 {
    let r = x.rem_euclid(TAU);
    // rem_euclid can return exactly TAU for tiny negative inputs.
    if r >= TAU {
        0.0
    } else {
        r
    }
}

/// The ranges the decompositions produce: θ ∈ [0, π], φ ∈ [0, 2π).
/// (Phase files accept θ ∈ [0, 2π); see spec/phases.md.)
pub fn settings_in_range(theta: f64, phi: f64) -> bool {
    (0.0..=PI).contains(&theta) && (0.0..TAU).contains(&phi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &Mat2, b: &Mat2) -> bool {
        (0..2).all(|i| (0..2).all(|j| (a[i][j] - b[i][j]).norm() < 1e-14))
    }

    #[test]
    fn closed_form_matches_component_product() {
        for &(theta, phi) in &[(0.0, 0.0), (PI, 0.0), (0.3, 1.7), (2.9, 5.9), (1.0, 3.0)] {
            let b = coupler();
            let p = |x: f64| -> Mat2 {
                [
                    [Complex64::from_polar(1.0, x), Complex64::new(0.0, 0.0)],
                    [Complex64::new(0.0, 0.0), Complex64::new(1.0, 0.0)],
                ]
            };
            let product = mul2(&b, &mul2(&p(theta), &mul2(&b, &p(phi))));
            assert!(close(&product, &transfer(theta, phi)), "θ={theta} φ={phi}");
        }
    }

    #[test]
    fn cross_and_bar_states() {
        // θ = 0: all power crosses; θ = π: all power stays.
        let cross = transfer(0.0, 0.0);
        assert!(cross[0][0].norm() < 1e-15 && (cross[1][0].norm() - 1.0).abs() < 1e-15);
        let bar = transfer(PI, 0.0);
        assert!(bar[1][0].norm() < 1e-15 && (bar[0][0].norm() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn wrap_phase_is_in_range() {
        for x in [-1e-300, -TAU, -0.1, 0.0, TAU, 3.0 * TAU + 0.5, 1e6] {
            let w = wrap_phase(x);
            assert!((0.0..TAU).contains(&w), "{x} -> {w}");
        }
    }
}

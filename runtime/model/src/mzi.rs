//! The 2×2 Mach-Zehnder interferometer in the project's binding convention
//! (spec/factorization.md): external phase φ on the top input arm, 50:50 coupler, internal
//! phase θ on the top arm, 50:50 coupler.
//!
//! ```text
//! T(θ, φ) = B · diag(e^{iθ}, 1) · B · diag(e^{iφ}, 1)
//!         = i·e^{iθ/2} · [[e^{iφ}·sin(θ/2),  cos(θ/2)],
//!                         [e^{iφ}·cos(θ/2), −sin(θ/2)]]
//! ```
//! θ = 0 is the cross state, θ = π the bar state.

use num_complex::Complex64;
use std::f64::consts::{PI, TAU};

/// A 2×2 complex matrix in row-major order `[[a, b], [c, d]]`.
pub type Mat2 = [[Complex64; 2]; 2];

/// A directional coupler of power cross-coupling ratio κ (the share of
/// power that crosses to the other waveguide):
/// [[√(1−κ), i√κ], [i√κ, √(1−κ)]]. κ = 0.5 is B = (1/√2)[[1, i], [i, 1]].
/// This is the only coupler convention in optc (spec/device.md).
pub fn coupler(kappa: f64) -> Mat2 {
    let t = Complex64::new((1.0 - kappa).max(0.0).sqrt(), 0.0);
    let x = Complex64::new(0.0, kappa.clamp(0.0, 1.0).sqrt());
    [[t, x], [x, t]]
}

/// The physical MZI of one chip: the cross ratios κ of its first and second
/// coupler and its field transmission (√ of the power transmission).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mzi {
    pub kappa: [f64; 2],
    pub field_loss: f64,
}

impl Mzi {
    /// 50:50 couplers, no loss.
    pub const IDEAL: Mzi = Mzi {
        kappa: [0.5, 0.5],
        field_loss: 1.0,
    };

    /// T(θ, φ) = a·C(κ₂)·diag(e^{iθ}, 1)·C(κ₁)·diag(e^{iφ}, 1).
    pub fn transfer(&self, theta: f64, phi: f64) -> Mat2 {
        self.transfer_and_derivatives(theta, phi, false)[0]
    }

    /// `[T, ∂T/∂θ, ∂T/∂φ]`; the derivatives only when `derivatives` (else
    /// zero), so the forward path pays nothing for them.
    pub fn transfer_and_derivatives(&self, theta: f64, phi: f64, derivatives: bool) -> [Mat2; 3] {
        let zero = [[ZERO; 2]; 2];
        let a = self.field_loss;
        let scale = |m: Mat2| m.map(|row| row.map(|x| x * a));
        let t = if self.kappa == [0.5, 0.5] {
            // The closed form of the 50:50 product (tested equal below).
            let (s, c) = (0.5 * theta).sin_cos();
            let g = Complex64::i() * Complex64::from_polar(1.0, 0.5 * theta);
            let e = Complex64::from_polar(1.0, phi);
            scale([[g * e * s, g * c], [g * e * c, -g * s]])
        } else {
            scale(mul2(
                &coupler(self.kappa[1]),
                &mul2(
                    &phase_top(theta, false),
                    &mul2(&coupler(self.kappa[0]), &phase_top(phi, false)),
                ),
            ))
        };
        if !derivatives {
            return [t, zero, zero];
        }
        let (c1, c2) = (coupler(self.kappa[0]), coupler(self.kappa[1]));
        let dt = scale(mul2(
            &c2,
            &mul2(&phase_top(theta, true), &mul2(&c1, &phase_top(phi, false))),
        ));
        let dp = scale(mul2(
            &c2,
            &mul2(&phase_top(theta, false), &mul2(&c1, &phase_top(phi, true))),
        ));
        [t, dt, dp]
    }
}

const ZERO: Complex64 = Complex64::new(0.0, 0.0);

/// diag(e^{ix}, 1), or its derivative in x, diag(i·e^{ix}, 0).
fn phase_top(x: f64, derivative: bool) -> Mat2 {
    let e = Complex64::from_polar(1.0, x);
    if derivative {
        [[Complex64::i() * e, ZERO], [ZERO, ZERO]]
    } else {
        [[e, ZERO], [ZERO, Complex64::new(1.0, 0.0)]]
    }
}

/// T(θ, φ) of the ideal MZI.
pub fn transfer(theta: f64, phi: f64) -> Mat2 {
    Mzi::IDEAL.transfer(theta, phi)
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
            let b = coupler(0.5);
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
    fn derivatives_match_finite_differences_with_errors() {
        let m = Mzi {
            kappa: [0.47, 0.52],
            field_loss: 0.98,
        };
        let h = 1e-6;
        for &(theta, phi) in &[(0.3, 1.7), (2.9, 5.9)] {
            let [t, dt, dp] = m.transfer_and_derivatives(theta, phi, true);
            for i in 0..2 {
                for j in 0..2 {
                    let fd_t = (m.transfer(theta + h, phi)[i][j]
                        - m.transfer(theta - h, phi)[i][j])
                        / (2.0 * h);
                    let fd_p = (m.transfer(theta, phi + h)[i][j]
                        - m.transfer(theta, phi - h)[i][j])
                        / (2.0 * h);
                    assert!((fd_t - dt[i][j]).norm() < 1e-8);
                    assert!((fd_p - dp[i][j]).norm() < 1e-8);
                }
            }
            assert_eq!(t, m.transfer(theta, phi));
        }
    }

    #[test]
    fn coupler_ratio_is_the_cross_share() {
        let c = coupler(0.3);
        assert!((c[1][0].norm_sqr() - 0.3).abs() < 1e-15);
        assert!((c[0][0].norm_sqr() - 0.7).abs() < 1e-15);
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

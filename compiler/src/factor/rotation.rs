//! The phase-free MZI core R(θ, φ) used while nulling, its nulling conditions,
//! and the in-place 2×2 kernels.
//!
//! The physical MZI is T(θ, φ) = g·R(θ, φ) with g = i·e^{iθ/2} and
//!
//! ```text
//! R(θ, φ) = [[e^{iφ}·s,  c],
//!            [e^{iφ}·c, −s]],   s = sin(θ/2), c = cos(θ/2).
//! ```
//!
//! Dropping the pair phase g while nulling saves a third of the arithmetic per
//! 2×2 update; `assemble` moves the g's into the output phase screen at the end.
//! Both the right update `[a, b] ← [a, b]·R†` and the left update
//! `[x; y] ← R·[x; y]` have the form `p ← q·first; (s·p + c·second, c·p − s·second)`
//! with q = e^{−iφ} (right) or q = e^{iφ} (left).

use num_complex::Complex64;

/// One nulling rotation on the mode pair (`mode`, `mode + 1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rot {
    pub mode: usize,
    pub theta: f64,
    pub phi: f64,
    /// The phase multiplied into the first element before the real rotation.
    q: Complex64,
    s: f64,
    c: f64,
}

impl Rot {
    fn new(mode: usize, theta: f64, phi: f64, q_sign: f64) -> Self {
        // cos(π/2) rounds to 6e-17; an exact bar state must not leak light,
        // or later nulling steps would chase that residue.
        let (s, c) = if theta == std::f64::consts::PI {
            (1.0, 0.0)
        } else {
            (0.5 * theta).sin_cos()
        };
        Rot {
            mode,
            theta,
            phi,
            q: Complex64::from_polar(1.0, q_sign * phi),
            s,
            c,
        }
    }

    /// The rotation R†(θ, φ) applied from the right to columns (`mode`,
    /// `mode + 1`) that nulls the first element `a` of a row `[a, b]`:
    /// a·e^{−iφ}·s + b·c = 0 ⇔ θ/2 = atan2(|b|, |a|), φ = arg a − arg b − π.
    pub fn null_first_from_right(mode: usize, a: Complex64, b: Complex64) -> Self {
        let theta = bar_if_both_zero(a, b, 2.0 * b.norm().atan2(a.norm()));
        let phi = wrap(a.arg() - b.arg() - std::f64::consts::PI);
        Rot::new(mode, theta, phi, -1.0)
    }

    /// The rotation R(θ, φ) applied from the left to rows (`mode`, `mode + 1`)
    /// that nulls the second element `y` of a column `[x; y]`:
    /// e^{iφ}·c·x − s·y = 0 ⇔ θ/2 = atan2(|x|, |y|), φ = arg y − arg x.
    pub fn null_second_from_left(mode: usize, x: Complex64, y: Complex64) -> Self {
        let theta = bar_if_both_zero(x, y, 2.0 * x.norm().atan2(y.norm()));
        let phi = wrap(y.arg() - x.arg());
        Rot::new(mode, theta, phi, 1.0)
    }

    /// Updates one pair in place: (first, second) ← rotated.
    #[inline(always)]
    pub fn apply(&self, first: &mut Complex64, second: &mut Complex64) {
        let p = self.q * *first;
        let b = *second;
        *first = Complex64::new(self.s * p.re + self.c * b.re, self.s * p.im + self.c * b.im);
        *second = Complex64::new(self.c * p.re - self.s * b.re, self.c * p.im - self.s * b.im);
    }

    /// Applies the rotation to two equally long slices (two rows of a
    /// row-major matrix under a left update).
    #[inline]
    pub fn apply_slices(&self, first: &mut [Complex64], second: &mut [Complex64]) {
        for (x, y) in first.iter_mut().zip(second.iter_mut()) {
            self.apply(x, y);
        }
    }
}

/// With nothing to null any θ works; the bar state (θ = π, no mixing) keeps
/// an already-diagonal block diagonal, so the identity maps to all-bar MZIs.
fn bar_if_both_zero(a: Complex64, b: Complex64, theta: f64) -> f64 {
    if a.norm_sqr() == 0.0 && b.norm_sqr() == 0.0 {
        std::f64::consts::PI
    } else {
        theta
    }
}

/// Wraps into [0, 2π).
pub(crate) fn wrap(x: f64) -> f64 {
    optc_model::mzi::wrap_phase(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(re: f64, im: f64) -> Complex64 {
        Complex64::new(re, im)
    }

    #[test]
    fn right_nulling_zeroes_first() {
        for (a, b) in [
            (c(0.3, -0.7), c(1.2, 0.4)),
            (c(0.0, 1.0), c(0.0, 0.0)),
            (c(0.0, 0.0), c(2.0, 1.0)),
        ] {
            let r = Rot::null_first_from_right(0, a, b);
            let (mut x, mut y) = (a, b);
            r.apply(&mut x, &mut y);
            assert!(x.norm() < 1e-15, "{x}");
            assert!((y.norm() - (a.norm_sqr() + b.norm_sqr()).sqrt()).abs() < 1e-14);
        }
    }

    #[test]
    fn left_nulling_zeroes_second() {
        for (a, b) in [
            (c(0.3, -0.7), c(1.2, 0.4)),
            (c(0.0, 1.0), c(0.0, 0.0)),
            (c(0.0, 0.0), c(2.0, 1.0)),
        ] {
            let r = Rot::null_second_from_left(0, a, b);
            let (mut x, mut y) = (a, b);
            r.apply(&mut x, &mut y);
            assert!(y.norm() < 1e-15, "{y}");
        }
    }

    #[test]
    fn left_update_is_r_and_right_update_is_r_dagger() {
        let (theta, phi) = (1.1, 2.3);
        let t = optc_model::mzi::transfer(theta, phi);
        let g = Complex64::i() * Complex64::from_polar(1.0, 0.5 * theta);
        let rm = [[t[0][0] / g, t[0][1] / g], [t[1][0] / g, t[1][1] / g]];
        let (x, y) = (c(0.2, 0.9), c(-1.0, 0.5));
        let left = Rot::new(0, theta, phi, 1.0);
        let (mut p, mut q) = (x, y);
        left.apply(&mut p, &mut q);
        assert!((p - (rm[0][0] * x + rm[0][1] * y)).norm() < 1e-15);
        assert!((q - (rm[1][0] * x + rm[1][1] * y)).norm() < 1e-15);
        // [x, y]·R† : first = x·conj(R00) + y·conj(R01), second = x·conj(R10) + y·conj(R11)
        let right = Rot::new(0, theta, phi, -1.0);
        let (mut p, mut q) = (x, y);
        right.apply(&mut p, &mut q);
        assert!((p - (x * rm[0][0].conj() + y * rm[0][1].conj())).norm() < 1e-15);
        assert!((q - (x * rm[1][0].conj() + y * rm[1][1].conj())).norm() < 1e-15);
    }
}

//! The electro-optic activation of Williamson et al. (2020): a tap α of the
//! field is detected and drives a phase modulator on the rest,
//! f(z) = i·√(1−α)·e^{−iΔ/2}·cos(Δ/2)·z with Δ = g·|z|² + φ_b
//! (spec/netlist.md, `eo_activation`).

use num_complex::Complex64;

/// h(Δ) with f(z) = h·z: h = i·√(1−α)·e^{−iΔ/2}·cos(Δ/2) = (i√(1−α)/2)(1 + e^{−iΔ}).
#[inline]
pub fn transmission(alpha: f64, delta: f64) -> Complex64 {
    let k = (1.0 - alpha).max(0.0).sqrt();
    Complex64::new(0.0, 0.5 * k) * (Complex64::new(1.0, 0.0) + Complex64::from_polar(1.0, -delta))
}

/// dh/dΔ = (√(1−α)/2)·e^{−iΔ}.
#[inline]
pub fn transmission_derivative(alpha: f64, delta: f64) -> Complex64 {
    Complex64::from_polar(0.5 * (1.0 - alpha).max(0.0).sqrt(), -delta)
}

/// f(z) for gain g and bias φ_b.
#[inline]
pub fn activation(z: Complex64, alpha: f64, gain: f64, bias: f64) -> Complex64 {
    transmission(alpha, gain * z.norm_sqr() + bias) * z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_form_and_derivative() {
        let (alpha, gain, bias): (f64, f64, f64) = (0.1, 0.7, 0.3);
        let z = Complex64::new(0.4, -0.2);
        let d = gain * z.norm_sqr() + bias;
        let closed = Complex64::i()
            * (1.0 - alpha).sqrt()
            * Complex64::from_polar((0.5 * d).cos(), -0.5 * d)
            * z;
        assert!((activation(z, alpha, gain, bias) - closed).norm() < 1e-15);
        let h = 1e-6;
        let fd = (transmission(alpha, d + h) - transmission(alpha, d - h)) / (2.0 * h);
        assert!((fd - transmission_derivative(alpha, d)).norm() < 1e-9);
    }
}

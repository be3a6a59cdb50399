//! A PAM modulator: a push-pull Mach–Zehnder modulator biased at null whose
//! drive levels are predistorted so that its L output fields are equally
//! spaced and bipolar (spec/device.md, "PAM modulators"). The servers' PAM4
//! link transmitters (L = 4) and the digit-serial reducer's carry
//! remodulators (L = N) are this one model.
//!
//! Level v ∈ [0, L−1] has the target field f_v = (2v − (L−1))/(L−1) and the
//! nominal drive x_v = (2/π)·asin(f_v) (in units of Vπ). The emitted field is
//!
//! ```text
//! E_v = A·√p·e^{iδφ}·[sin(ψ_v) − i·ε·cos(ψ_v)],  ψ_v = (π/2)·(x_v + δx_v)/(1 + δV)
//! ```
//!
//! with A the full-swing field, p = max(0, 1 + σ_p·z₀) the power factor,
//! δφ = σ_φ·z₁ the static phase, δV = σ_V·z₂ the Vπ error, δx_v = σ_x·z_{4+v}
//! each level's drive error and ε = σ_ε·z₃ the leakage at null (finite
//! extinction, in quadrature to the signal as an arm imbalance makes it;
//! random because it drifts with the bias point). Drive errors use z_{4+v}.

use crate::device::DeviceParams;
use crate::sampling::InstanceNormals;
use num_complex::Complex64;
use std::f64::consts::FRAC_PI_2;

/// One modulator instance: its levels' emitted fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Modulator {
    fields: Vec<Complex64>,
}

impl Modulator {
    /// The modulator `name` with `levels` levels and full-swing field
    /// `amplitude`, on chip `seed` of device `p`.
    pub fn sample(levels: usize, amplitude: f64, name: &str, seed: u64, p: &DeviceParams) -> Self {
        let n = InstanceNormals::new(seed, name);
        let e = |sigma: f64, j: u64| if sigma > 0.0 { sigma * n.z(j) } else { 0.0 };
        let power = (1.0 + e(p.modulator_power_error, 0)).max(0.0);
        let rot =
            Complex64::from_polar(amplitude * power.sqrt(), e(p.modulator_phase_error_rad, 1));
        let vpi = 1.0 + e(p.modulator_vpi_error, 2);
        let leak = e(p.modulator_leakage, 3);
        let span = levels.saturating_sub(1).max(1) as f64;
        let fields = (0..levels)
            .map(|v| {
                let f = (2.0 * v as f64 - span) / span;
                let x = f.clamp(-1.0, 1.0).asin() / FRAC_PI_2;
                let psi = FRAC_PI_2 * (x + e(p.modulator_drive_error, 4 + v as u64)) / vpi;
                rot * Complex64::new(psi.sin(), -leak * psi.cos())
            })
            .collect();
        Modulator { fields }
    }

    /// The ideal modulator: E_v = A·f_v.
    pub fn ideal(levels: usize, amplitude: f64) -> Self {
        Self::sample(levels, amplitude, "", 0, &DeviceParams::IDEAL)
    }

    /// The field emitted at level v (levels outside the range emit nothing).
    pub fn field(&self, v: i32) -> Complex64 {
        usize::try_from(v)
            .ok()
            .and_then(|v| self.fields.get(v))
            .copied()
            .unwrap_or_default()
    }

    pub fn levels(&self) -> usize {
        self.fields.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ideal_levels_are_equally_spaced_and_bipolar() {
        let m = Modulator::ideal(4, 1.0);
        let want = [-1.0, -1.0 / 3.0, 1.0 / 3.0, 1.0];
        for (v, w) in want.iter().enumerate() {
            let f = m.field(v as i32);
            assert!((f.re - w).abs() < 1e-15 && f.im.abs() < 1e-15, "{v}: {f}");
        }
        assert_eq!(m.field(4), Complex64::default());
        assert_eq!(m.field(-1), Complex64::default());
        let c = Modulator::ideal(8, 7.0 / 3.0);
        for v in 0..7 {
            let step = c.field(v + 1) - c.field(v);
            assert!((step.re - 2.0 / 3.0).abs() < 1e-12);
        }
    }

    #[test]
    fn errors_are_static_per_name_and_leakage_is_in_quadrature() {
        let p = DeviceParams::REALISTIC;
        let a = Modulator::sample(4, 1.0, "s0_in1", 7, &p);
        assert_eq!(a, Modulator::sample(4, 1.0, "s0_in1", 7, &p));
        assert_ne!(a, Modulator::sample(4, 1.0, "s0_in2", 7, &p));
        let leak = DeviceParams {
            modulator_leakage: 0.03,
            ..DeviceParams::IDEAL
        };
        let m = Modulator::sample(4, 1.0, "x", 1, &leak);
        let leak = m.field(1).im / -(1.0f64 - 1.0 / 9.0).sqrt();
        assert!(leak != 0.0 && leak.abs() < 0.2);
        for v in 0..4 {
            let f = m.field(v);
            let ideal = Modulator::ideal(4, 1.0).field(v);
            assert!((f.re - ideal.re).abs() < 1e-15);
            let want = -leak * (1.0 - ideal.re * ideal.re).max(0.0).sqrt();
            assert!((f.im - want).abs() < 1e-12, "{v}: {f}");
        }
    }
}

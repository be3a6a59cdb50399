//! The heater DAC: phases in [0, 2π) quantized to `bits` bits.

use std::f64::consts::{PI, TAU};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dac {
    pub bits: u32,
}

impl Dac {
    /// Bits are clamped to 1..=32 so codes always fit.
    pub fn new(bits: u32) -> Dac {
        Dac {
            bits: bits.clamp(1, 32),
        }
    }

    pub fn step(&self) -> f64 {
        TAU / (1u64 << self.bits) as f64
    }

    /// The nearest code (round half to even) to `phase`, modulo 2^bits.
    pub fn code(&self, phase: f64) -> i64 {
        let levels = 1i64 << self.bits;
        ((phase / self.step()).round_ties_even() as i64).rem_euclid(levels)
    }

    /// The phase the DAC realizes: code·step, in [0, 2π). This is the only
    /// quantization rule in optc (ties to even, then modulo 2π, which
    /// changes no MZI: T(θ, φ) is 2π-periodic in both). θ = π is exactly a
    /// code, so θ ∈ [0, π] stays in range.
    pub fn quantize(&self, phase: f64) -> f64 {
        self.code(phase) as f64 * self.step()
    }

    /// `quantize` for a DAC of `bits`, or the phase wrapped to [0, 2π) for a
    /// continuous one (`None`): the phase a heater really holds.
    pub fn realize(bits: Option<u32>, phase: f64) -> f64 {
        match bits {
            Some(b) => Dac::new(b).quantize(phase),
            None => crate::mzi::wrap_phase(phase),
        }
    }

    /// Realized minus requested phase, in (−π, π].
    pub fn error(&self, phase: f64) -> f64 {
        let d = self.quantize(phase) - phase;
        d - TAU * ((d + PI) / TAU).floor()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn quantization_error_is_at_most_half_a_step() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for bits in [1, 4, 8, 12] {
            let dac = Dac::new(bits);
            for _ in 0..1000 {
                let p: f64 = rng.gen_range(0.0..TAU);
                let e = dac.error(p);
                assert!(e.abs() <= 0.5 * dac.step() + 1e-12, "{bits} {p} {e}");
                let c = dac.code(p);
                assert!((0..1i64 << bits).contains(&c));
                let realized = c as f64 * dac.step();
                let diff = (realized - (p + e)).rem_euclid(TAU);
                assert!(diff < 1e-9 || TAU - diff < 1e-9);
            }
        }
        assert_eq!(Dac::new(8).quantize(PI), PI);
        // Negative and ≥ 2π requests land on the same code as their wrap.
        let dac = Dac::new(6);
        for p in [-0.3, -TAU + 0.01, TAU + 0.2, 3.0 * TAU - 0.04] {
            assert!((dac.quantize(p) - dac.quantize(crate::mzi::wrap_phase(p))).abs() < 1e-12);
            assert!((0.0..TAU).contains(&dac.quantize(p)));
        }
    }
}

//! The α–β communication model of the training emulation (spec/train.md),
//! built from `optc model`'s scheme formulas (spec/model.md). Times are per training
//! step, for P gradient elements with T shared scales (one per tensor, or
//! one per bucket) and N workers:
//!
//! - ring (fp32): 2(N−1) steps, each α + (32·P/N)/B.
//! - quantized (electronic): a ring all-reduce of the T per-tensor maxima
//!   (2(N−1) steps of α + 32·T/N/B) to agree on the scales, then a ring of
//!   the code sums, which need w = ⌈log2(2·N·Q + 1)⌉ bits each:
//!   2(N−1) steps of α + (w·P/N)/B.
//! - optical: one pass through the switch for the scales (the T maxima,
//!   α_opt + 32·T/B) and one pass of the b-bit codes (α_opt + b·P/B); the
//!   switch averages and broadcasts in flight, so there is no ring.
//!
//! B is the per-link bandwidth in bits/s, α the per-hop latency of an
//! electronic ring step, α_opt the latency of one pass through the optical
//! switch (serialization at B is charged separately).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CommParams {
    /// Per-link bandwidth B in Gb/s.
    pub link_gbps: f64,
    /// Per-hop latency α of a ring step, in µs.
    pub hop_latency_us: f64,
    /// Latency α_opt of one pass through the optical reducer, in µs.
    pub optical_latency_us: f64,
}

impl Default for CommParams {
    fn default() -> Self {
        Self {
            link_gbps: 100.0,
            hop_latency_us: 5.0,
            optical_latency_us: 1.0,
        }
    }
}

/// What is reduced each step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Payload {
    pub workers: usize,
    pub elements: usize,
    /// Shared fp32 scales sent per step (tensors, or buckets).
    pub tensors: usize,
    /// Code bits b of the quantized and optical reducers.
    pub bits: u32,
}

impl CommParams {
    fn bits_per_s(&self) -> f64 {
        self.link_gbps * 1e9
    }
    fn alpha(&self) -> f64 {
        self.hop_latency_us * 1e-6
    }
    fn alpha_opt(&self) -> f64 {
        self.optical_latency_us * 1e-6
    }

    fn ring_of_bits(&self, n: usize, total_bits: f64) -> f64 {
        crate::step_model::schemes::ring_s(n, self.alpha(), total_bits, self.bits_per_s())
    }

    /// Ring all-reduce of fp32 gradients.
    pub fn ring_s(&self, p: &Payload) -> f64 {
        self.ring_of_bits(p.workers, 32.0 * p.elements as f64)
    }

    /// Bits of an exact code sum: ⌈log2(2·N·Q + 1)⌉.
    pub fn sum_bits(p: &Payload) -> u32 {
        let q = (1u64 << (p.bits - 1)) - 1;
        let levels = 2 * p.workers as u64 * q + 1;
        u64::BITS - (levels - 1).leading_zeros()
    }

    /// Electronic quantized all-reduce: scale agreement + ring of code sums.
    pub fn quantized_s(&self, p: &Payload) -> f64 {
        self.ring_of_bits(p.workers, 32.0 * p.tensors as f64)
            + self.ring_of_bits(p.workers, f64::from(Self::sum_bits(p)) * p.elements as f64)
    }

    /// Optical reduction: `optc model`'s OptINC with no hop latency and one
    /// pass of α_opt for the codes (the switch's whole latency).
    pub fn optical_s(&self, p: &Payload) -> f64 {
        crate::step_model::schemes::optinc_s(
            p.workers,
            0.0,
            self.alpha_opt(),
            1,
            p.tensors as f64,
            f64::from(p.bits) * p.elements as f64,
            self.bits_per_s(),
        )
    }

    /// The modeled time of the named reducer.
    pub fn for_reducer(&self, name: &str, p: &Payload) -> f64 {
        match name {
            "ring" => self.ring_s(p),
            "quantized" => self.quantized_s(p),
            _ => self.optical_s(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_forms() {
        let c = CommParams {
            link_gbps: 1.0,
            hop_latency_us: 10.0,
            optical_latency_us: 2.0,
        };
        let p = Payload {
            workers: 4,
            elements: 1000,
            tensors: 2,
            bits: 4,
        };
        // 6 steps of 10 µs + 8000 bits / 1e9.
        assert!((c.ring_s(&p) - 6.0 * (10e-6 + 8000.0 / 1e9)).abs() < 1e-15);
        // 2·4·7 + 1 = 57 levels → 6 bits.
        assert_eq!(CommParams::sum_bits(&p), 6);
        let q = 6.0 * (10e-6 + 16.0 / 1e9) + 6.0 * (10e-6 + 1500.0 / 1e9);
        assert!((c.quantized_s(&p) - q).abs() < 1e-15);
        assert!((c.optical_s(&p) - (4e-6 + 4064.0 / 1e9)).abs() < 1e-15);
        assert_eq!(c.optical_s(&Payload { workers: 1, ..p }), 0.0);
        assert_eq!(c.ring_s(&Payload { workers: 1, ..p }), 0.0);
        // 8 servers × 4 bits: 113 levels → 7 bits.
        assert_eq!(CommParams::sum_bits(&Payload { workers: 8, ..p }), 7);
    }
}

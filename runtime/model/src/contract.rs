//! The reducer contract (spec/reducer.md, "Contract"): code range, round-half-to-even, the
//! reference result for each reduction, and the distinct-sum table that makes
//! exact evaluation cheap.

use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Problems with a contract's parameters.
#[derive(Debug, Error, PartialEq)]
pub enum ContractError {
    #[error("servers must be ≥ 1 (got {0})")]
    Servers(usize),
    #[error("bits must be in 2..=16 (got {0})")]
    Bits(u32),
    #[error("weighted reduction needs {servers} positive weights, got {got:?}")]
    Weights { servers: usize, got: Vec<u32> },
}

/// What the reducer computes from the N codes q_i.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduction {
    /// r = round_half_even(Σ q_i / N).
    Mean,
    /// r = Σ q_i, exact (needs ⌈log2(2·N·Q+1)⌉ output bits).
    Sum,
    /// r = round_half_even(Σ w_i·q_i / Σ w_i) with positive integer weights.
    Weighted(Vec<u32>),
}

/// N servers, b-bit signed codes, one reduction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub servers: usize,
    pub bits: u32,
    pub reduction: Reduction,
}

/// Rounds num/den (den > 0) to the nearest integer, ties to even, exactly.
pub fn round_half_even_div(num: i64, den: i64) -> i64 {
    debug_assert!(den > 0);
    let q = num.div_euclid(den);
    let r = num.rem_euclid(den);
    // Compare 2r with den without overflow for the ranges we use.
    match (2 * r).cmp(&den) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => {
            if q % 2 == 0 {
                q
            } else {
                q + 1
            }
        }
    }
}

/// Round half to even on a float (used by receivers; exact for integer/2 ties).
pub fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

impl Contract {
    pub fn new(servers: usize, bits: u32, reduction: Reduction) -> Result<Self, ContractError> {
        if servers == 0 {
            return Err(ContractError::Servers(servers));
        }
        if !(2..=16).contains(&bits) {
            return Err(ContractError::Bits(bits));
        }
        if let Reduction::Weighted(w) = &reduction {
            if w.len() != servers || w.contains(&0) {
                return Err(ContractError::Weights {
                    servers,
                    got: w.clone(),
                });
            }
        }
        Ok(Self {
            servers,
            bits,
            reduction,
        })
    }

    /// The mean reducer, the one the optical circuit realizes.
    pub fn mean(servers: usize, bits: u32) -> Result<Self, ContractError> {
        Self::new(servers, bits, Reduction::Mean)
    }

    /// Q = 2^(b−1) − 1: codes are in [−Q, Q] (2^b − 1 values, symmetric).
    pub fn max_code(&self) -> i32 {
        (1i32 << (self.bits - 1)) - 1
    }

    pub fn code_range(&self) -> std::ops::RangeInclusive<i32> {
        -self.max_code()..=self.max_code()
    }

    pub fn is_valid_code(&self, q: i32) -> bool {
        self.code_range().contains(&q)
    }

    /// The largest |Σ q_i|: A = N·Q.
    pub fn max_sum(&self) -> i64 {
        self.servers as i64 * self.max_code() as i64
    }

    /// The reference result for one input vector (length N).
    pub fn reference(&self, codes: &[i32]) -> i64 {
        match &self.reduction {
            Reduction::Mean => self.reference_from_sum(codes.iter().map(|&q| q as i64).sum()),
            Reduction::Sum => codes.iter().map(|&q| q as i64).sum(),
            Reduction::Weighted(w) => {
                let num: i64 = codes
                    .iter()
                    .zip(w)
                    .map(|(&q, &w)| q as i64 * w as i64)
                    .sum();
                let den: i64 = w.iter().map(|&w| w as i64).sum();
                round_half_even_div(num, den)
            }
        }
    }

    /// The reference for the mean and sum reductions, which depend on S only.
    pub fn reference_from_sum(&self, sum: i64) -> i64 {
        match &self.reduction {
            Reduction::Sum => sum,
            _ => round_half_even_div(sum, self.servers as i64),
        }
    }

    /// (2^b − 1)^N: the number of raw input combinations (saturating).
    pub fn dataset_size_raw(&self) -> u128 {
        let v = (2 * self.max_code() + 1) as u128;
        (0..self.servers).fold(1u128, |acc, _| acc.saturating_mul(v))
    }

    /// N·(2^b − 2) + 1 = 2·N·Q + 1: distinct values of the full sum.
    pub fn dataset_size_preprocessed(&self) -> usize {
        (2 * self.max_sum() + 1) as usize
    }

    /// Every distinct sum S ∈ [−A, A] with the number of input vectors that
    /// produce it (exact, by convolution). Evaluating a sum-only circuit over
    /// this table, weighted by multiplicity, is exact over all (2^b−1)^N inputs.
    pub fn distinct_sums(&self) -> Vec<(i64, f64)> {
        let q = self.max_code() as usize;
        let width = 2 * q + 1;
        let mut counts = vec![1.0f64];
        for _ in 0..self.servers {
            let mut next = vec![0.0f64; counts.len() + width - 1];
            for (i, &c) in counts.iter().enumerate() {
                for slot in next.iter_mut().skip(i).take(width) {
                    *slot += c;
                }
            }
            counts = next;
        }
        let a = self.max_sum();
        counts
            .into_iter()
            .enumerate()
            .map(|(i, c)| (i as i64 - a, c))
            .collect()
    }

    /// Visits every input vector, server 0's code fastest (an odometer over
    /// [−Q, Q]^N).
    pub fn for_each_vector(&self, mut visit: impl FnMut(&[i32])) {
        let n = self.servers;
        let q = self.max_code();
        let mut codes = vec![-q; n];
        loop {
            visit(&codes);
            let Some(i) = codes.iter().position(|&c| c < q) else {
                return;
            };
            codes[i] += 1;
            codes[..i].fill(-q);
        }
    }

    /// A canonical input vector with sum S (codes spread as evenly as possible).
    pub fn representative(&self, sum: i64) -> Vec<i32> {
        let n = self.servers as i64;
        let base = sum.div_euclid(n);
        let extra = sum.rem_euclid(n);
        (0..n)
            .map(|i| (base + i64::from(i < extra)) as i32)
            .collect()
    }
}

/// How an exact-match figure was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// Every combination (or every distinct sum, weighted): exact.
    Exhaustive,
    /// This many seeded uniform samples.
    Sampled(u64),
}

/// Result of an exact-match evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MatchReport {
    pub exact_match_rate: f64,
    pub max_error_lsb: i64,
    pub coverage: Coverage,
}

/// Above this many combinations, evaluation samples instead of enumerating.
pub const EXHAUSTIVE_LIMIT: u128 = 1_000_000;
/// Number of seeded samples when the input space is larger.
pub const SAMPLES: u64 = 1_000_000;

/// Exact-match of `delivered` against the contract over all input vectors
/// when there are ≤ 10^6 of them, else over `samples` seeded uniform vectors.
pub fn exact_match_vectors<F>(
    contract: &Contract,
    samples: u64,
    seed: u64,
    mut delivered: F,
) -> MatchReport
where
    F: FnMut(&[i32]) -> i64,
{
    let n = contract.servers;
    let q = contract.max_code();
    let mut hits = 0u64;
    let mut total = 0u64;
    let mut worst = 0i64;
    let mut codes = vec![-q; n];
    let mut visit = |codes: &[i32]| {
        let r = contract.reference(codes);
        let d = delivered(codes);
        total += 1;
        if r == d {
            hits += 1;
        }
        worst = worst.max((r - d).abs());
    };
    let coverage = if contract.dataset_size_raw() <= EXHAUSTIVE_LIMIT {
        contract.for_each_vector(&mut visit);
        Coverage::Exhaustive
    } else {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for _ in 0..samples {
            for c in codes.iter_mut() {
                *c = rng.gen_range(-q..=q);
            }
            visit(&codes);
        }
        Coverage::Sampled(samples)
    };
    MatchReport {
        exact_match_rate: hits as f64 / total.max(1) as f64,
        max_error_lsb: worst,
        coverage,
    }
}

/// Exact-match of a sum-only delivery function over the distinct sums,
/// weighted by multiplicity: exact over all inputs and O(N·2^b) cheap.
pub fn exact_match_sums<F>(contract: &Contract, mut delivered: F) -> MatchReport
where
    F: FnMut(i64) -> i64,
{
    let sums = contract.distinct_sums();
    let total: f64 = sums.iter().map(|s| s.1).sum();
    let mut good = 0.0;
    let mut worst = 0i64;
    for (s, m) in sums {
        let r = contract.reference_from_sum(s);
        let d = delivered(s);
        if r == d {
            good += m;
        }
        worst = worst.max((r - d).abs());
    }
    MatchReport {
        exact_match_rate: good / total,
        max_error_lsb: worst,
        coverage: Coverage::Exhaustive,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vector_is_visited_once_in_odometer_order() {
        let c = Contract::mean(3, 3).unwrap();
        let mut seen = Vec::new();
        c.for_each_vector(|v| seen.push(v.to_vec()));
        assert_eq!(seen.len(), 7 * 7 * 7);
        assert_eq!(seen[0], vec![-3, -3, -3]);
        assert_eq!(seen[1], vec![-2, -3, -3]);
        assert_eq!(seen[7], vec![-3, -2, -3]);
        assert_eq!(seen.last(), Some(&vec![3, 3, 3]));
        let distinct: std::collections::HashSet<_> = seen.iter().collect();
        assert_eq!(distinct.len(), seen.len());
    }

    #[test]
    fn half_even_ties() {
        assert_eq!(round_half_even_div(1, 2), 0);
        assert_eq!(round_half_even_div(3, 2), 2);
        assert_eq!(round_half_even_div(5, 2), 2);
        assert_eq!(round_half_even_div(-1, 2), 0);
        assert_eq!(round_half_even_div(-3, 2), -2);
        assert_eq!(round_half_even_div(-5, 2), -2);
        assert_eq!(round_half_even_div(6, 4), 2);
        assert_eq!(round_half_even_div(7, 4), 2);
        assert_eq!(round_half_even_div(-7, 4), -2);
        assert_eq!(round_half_even_div(-9, 4), -2);
        for (x, r) in [
            (0.5, 0.0),
            (1.5, 2.0),
            (2.5, 2.0),
            (-0.5, 0.0),
            (-1.5, -2.0),
            (2.4, 2.0),
        ] {
            assert_eq!(round_half_even(x), r, "{x}");
        }
        // The integer and float versions agree on every n/4.
        for n in -40..=40 {
            assert_eq!(
                round_half_even_div(n, 4) as f64,
                round_half_even(n as f64 / 4.0)
            );
        }
    }

    #[test]
    fn code_ranges_and_sizes() {
        let c = Contract::mean(8, 4).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.max_code(), 7);
        assert!(
            c.is_valid_code(-7)
                && c.is_valid_code(7)
                && !c.is_valid_code(8)
                && !c.is_valid_code(-8)
        );
        assert_eq!(c.dataset_size_preprocessed(), 113);
        assert_eq!(c.dataset_size_raw(), 15u128.pow(8));
        let total: f64 = c.distinct_sums().iter().map(|s| s.1).sum();
        assert_eq!(total, 15f64.powi(8));
        assert!(Contract::mean(0, 4).is_err());
        assert!(Contract::mean(4, 1).is_err());
        assert!(Contract::new(2, 4, Reduction::Weighted(vec![1, 0])).is_err());
    }

    #[test]
    fn reference_reductions() {
        let m = Contract::mean(4, 4).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.reference(&[1, 1, 0, 0]), 0); // 0.5 → 0
        assert_eq!(m.reference(&[3, 3, 0, 0]), 2); // 1.5 → 2
        assert_eq!(m.reference(&[-3, -3, 0, 0]), -2);
        let s = Contract::new(3, 4, Reduction::Sum).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.reference(&[7, 7, -1]), 13);
        let w =
            Contract::new(2, 4, Reduction::Weighted(vec![1, 3])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(w.reference(&[2, 0]), 0); // 2/4 = 0.5 → 0
        assert_eq!(w.reference(&[0, 2]), 2); // 6/4 = 1.5 → 2
        for s in -28..=28 {
            assert_eq!(
                m.representative(s).iter().map(|&x| x as i64).sum::<i64>(),
                s
            );
            assert!(m.representative(s).iter().all(|&q| m.is_valid_code(q)));
        }
    }

    #[test]
    fn distinct_sums_agree_with_enumeration() {
        let c = Contract::mean(3, 3).unwrap_or_else(|e| panic!("{e}"));
        let sums = exact_match_sums(&c, |s| c.reference_from_sum(s) + i64::from(s == 2));
        let vecs = exact_match_vectors(&c, 0, 0, |v| {
            let s: i64 = v.iter().map(|&x| x as i64).sum();
            c.reference_from_sum(s) + i64::from(s == 2)
        });
        assert!((sums.exact_match_rate - vecs.exact_match_rate).abs() < 1e-12);
        assert_eq!(vecs.coverage, Coverage::Exhaustive);
        assert_eq!(sums.max_error_lsb, 1);
    }
}

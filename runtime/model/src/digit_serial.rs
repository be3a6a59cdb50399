//! Digit-serial reduction over PAM4 links (spec/reducer.md, "Digit-serial
//! reducer"): the arithmetic that makes a chain of small stages compute the
//! contract exactly, whatever the code width.
//!
//! Server i sends its offset code u_i = q_i + Q ∈ [0, 2Q] as m = ⌈b/2⌉ base-4
//! digits d_ij (digit j on its own waveguide). Stage j resolves the level
//! ℓ_j = D_j + c_j, D_j = Σ_i d_ij, into an output digit ℓ_j mod 4 and the
//! carry c_{j+1} = ℓ_j div 4 for the next stage. Stage 0's carry is the
//! constant K = N/2 − 1, so the chain produces the base-4 digits of U + K,
//! U = Σ u_i, and (N = 2^p)
//!
//! ```text
//! r + Q = ⌊(U + K)/N⌋ | tie,   tie = [(U + K) mod N = N − 1]
//! ```
//!
//! which is round-half-to-even of S/N = (U − NQ)/N: Q is odd, so half to
//! even of S/N is half to odd of U/N; ⌊(U + N/2 − 1)/N⌋ rounds ties down and
//! setting the lowest bit at a tie moves exactly the even results up.

use crate::contract::{round_half_even_div, Contract};
use thiserror::Error;

/// Levels per PAM4 symbol.
pub const PAM4_LEVELS: i32 = 4;

#[derive(Debug, Error, PartialEq)]
pub enum DigitSerialError {
    #[error("digit-serial reduction needs a power-of-two number of servers ≥ 2 (got {0}); the mean's rounding is a shift by log2 N")]
    Servers(usize),
    #[error("bits must be in 2..=16 (got {0})")]
    Bits(u32),
    #[error("a cascade has 1 to 6 levels (got {0})")]
    Levels(usize),
    #[error("every unit's fan-in must be a power of two in 2..=64 (got {0})")]
    FanIn(usize),
    #[error("a digit-serial reducer serves at most 1024 servers")]
    TooMany,
}

/// Deepest cascade.
pub const MAX_LEVELS: usize = 6;
/// Most servers a digit-serial reducer serves (the DSL's limit).
pub const MAX_SERVERS: usize = 1024;

/// A digit-serial reducer: N servers, b bits, as one unit (a chain of
/// stages) or a cascade, a tree of units whose fan-ins `fan_in` (leaves
/// first) multiply to N. Inner units forward their exact partial sums as
/// PAM4 digits; only the root divides by N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigitSerial {
    pub servers: usize,
    pub bits: u32,
    fan_in: [usize; MAX_LEVELS],
    levels: usize,
}

impl DigitSerial {
    /// One unit of N servers.
    pub fn new(servers: usize, bits: u32) -> Result<Self, DigitSerialError> {
        Self::cascade(bits, &[servers])
    }

    /// A tree of units: level ℓ's units each take `fan_in[ℓ]` inputs.
    pub fn cascade(bits: u32, fan_in: &[usize]) -> Result<Self, DigitSerialError> {
        if fan_in.is_empty() || fan_in.len() > MAX_LEVELS {
            return Err(DigitSerialError::Levels(fan_in.len()));
        }
        // One unit: its fan-in is the server count (that error reads better).
        if let [n] = fan_in {
            if *n < 2 || !n.is_power_of_two() {
                return Err(DigitSerialError::Servers(*n));
            }
        }
        if let Some(&bad) = fan_in
            .iter()
            .find(|&&f| f < 2 || !f.is_power_of_two() || f > 64)
        {
            return Err(DigitSerialError::FanIn(bad));
        }
        let servers = fan_in
            .iter()
            .try_fold(1usize, |acc, &f| acc.checked_mul(f))
            .filter(|&n| n <= MAX_SERVERS)
            .ok_or(DigitSerialError::TooMany)?;
        if !(2..=16).contains(&bits) {
            return Err(DigitSerialError::Bits(bits));
        }
        let mut f = [0usize; MAX_LEVELS];
        f[..fan_in.len()].copy_from_slice(fan_in);
        Ok(Self {
            servers,
            bits,
            fan_in: f,
            levels: fan_in.len(),
        })
    }

    /// Levels of the tree (1: a single unit).
    pub fn levels(&self) -> usize {
        self.levels
    }

    pub fn fan_in(&self) -> &[usize] {
        &self.fan_in[..self.levels]
    }

    /// Units at level ℓ.
    pub fn units(&self, level: usize) -> usize {
        self.fan_in()[level + 1..].iter().product()
    }

    /// Stages of each unit at level ℓ: the PAM4 digits of its inputs
    /// (level 0: ⌈b/2⌉; then each level adds its carry's digits).
    pub fn stages_at(&self, level: usize) -> usize {
        (0..level).fold(self.stages(), |m, l| m + carry_digits(self.fan_in()[l]))
    }

    /// Initial carry of unit `unit` at `level`: K = N/2 − 1 spread over the
    /// leaf units, at most fan_in − 1 each, in unit order; inner units 0.
    pub fn initial_carry_of(&self, level: usize, unit: usize) -> i32 {
        if level > 0 {
            return 0;
        }
        let cap = self.fan_in()[0] - 1;
        let k = self.servers / 2 - 1;
        k.saturating_sub(unit * cap).min(cap) as i32
    }

    /// p = log2 N.
    pub fn shift(&self) -> u32 {
        self.servers.trailing_zeros()
    }

    /// Q = 2^(b−1) − 1.
    pub fn max_code(&self) -> i32 {
        (1i32 << (self.bits - 1)) - 1
    }

    /// m = ⌈b/2⌉ PAM4 symbols per code, one stage each.
    pub fn stages(&self) -> usize {
        self.bits.div_ceil(2) as usize
    }

    /// The constant carry into stage 0: K = N/2 − 1.
    pub fn initial_carry(&self) -> i32 {
        (self.servers / 2) as i32 - 1
    }

    /// The largest carry between a leaf unit's stages: F − 1 for fan-in F
    /// (N − 1 for a single unit).
    pub fn max_carry(&self) -> i32 {
        self.fan_in[0] as i32 - 1
    }

    /// Levels a leaf unit's stage resolves: ℓ ∈ [0, 4F − 1].
    pub fn stage_levels(&self) -> usize {
        4 * self.fan_in[0]
    }

    /// Result bits per leaf stage: log2(4F) (the digit's 2, the carry's rest).
    pub fn stage_bits(&self) -> u32 {
        self.fan_in[0].trailing_zeros() + 2
    }

    /// Stages of every unit: Σ over levels of units × stages per unit.
    pub fn total_stages(&self) -> usize {
        (0..self.levels)
            .map(|l| self.units(l) * self.stages_at(l))
            .sum()
    }

    /// Optical passes in series: each level waits for its children, and a
    /// unit's stages wait for each other's carries.
    pub fn latency_passes(&self) -> usize {
        (0..self.levels).map(|l| self.stages_at(l)).sum()
    }

    /// ⌊T/N⌋ | [T mod N = N − 1] − Q for T = U + K.
    pub fn finish(&self, total: u64) -> i64 {
        let p = self.shift();
        let low = total & ((1u64 << p) - 1);
        let tie = u64::from(low == (1u64 << p) - 1);
        ((total >> p) | tie) as i64 - self.max_code() as i64
    }

    /// The exact tree on one code vector: every unit's chain, inner units
    /// forwarding their partial sums T (digits and final carry) as digits.
    pub fn reduce(&self, codes: &[i32]) -> i64 {
        let q = self.max_code() as u64;
        let mut values: Vec<u64> = codes
            .iter()
            .map(|&c| (c as i64 + q as i64) as u64)
            .collect();
        for level in 0..self.levels {
            let f = self.fan_in()[level];
            let m = self.stages_at(level);
            values = values
                .chunks(f)
                .enumerate()
                .map(|(unit, inputs)| {
                    let mut carry = self.initial_carry_of(level, unit) as u64;
                    let mut total = 0u64;
                    for j in 0..m {
                        let d: u64 = inputs.iter().map(|v| (v >> (2 * j)) & 3).sum();
                        let l = d + carry;
                        total |= (l & 3) << (2 * j);
                        carry = l >> 2;
                    }
                    total | carry << (2 * m)
                })
                .collect();
        }
        self.finish(values[0])
    }

    /// The contract this chain realizes.
    pub fn contract(&self) -> Contract {
        Contract::mean(self.servers, self.bits).expect("validated in new")
    }
}

/// Base-4 digits of a carry in [0, N − 1]: ⌈log2(N)/2⌉.
pub fn carry_digits(fan_in: usize) -> usize {
    (fan_in.trailing_zeros() as usize).div_ceil(2)
}

/// r = round_half_even(S/N) from the offset sum: the reference the chain is
/// checked against.
pub fn reference_from_offset_sum(servers: usize, bits: u32, offset_sum: i64) -> i64 {
    let q = (1i64 << (bits - 1)) - 1;
    round_half_even_div(offset_sum - servers as i64 * q, servers as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn chain_meets_the_contract_for_every_offset_sum() {
        // The chain depends on the codes through the digit sums; checking
        // every U with digit sums spread as a real vector would give them.
        for n in [2usize, 4, 8, 16, 32, 64] {
            for b in 2..=16u32 {
                let ds = DigitSerial::new(n, b).unwrap();
                let q = ds.max_code();
                let mut rng = ChaCha8Rng::seed_from_u64(n as u64 * 100 + b as u64);
                let span = 2 * q as i64 * n as i64;
                let step = (span / 4000).max(1);
                let mut u = 0i64;
                while u <= span {
                    // A vector with offset sum u: spread evenly, then shuffle noise.
                    let mut codes: Vec<i32> = (0..n)
                        .map(|i| ((u / n as i64) + i64::from((i as i64) < u % n as i64)) as i32 - q)
                        .collect();
                    for _ in 0..n {
                        let (a, c) = (rng.gen_range(0..n), rng.gen_range(0..n));
                        let d = rng.gen_range(0..=q);
                        let room = (q - codes[a]).min(codes[c] + q).min(d);
                        codes[a] += room;
                        codes[c] -= room;
                    }
                    let want = ds.contract().reference(&codes);
                    assert_eq!(ds.reduce(&codes), want, "N={n} b={b} codes={codes:?}");
                    assert_eq!(reference_from_offset_sum(n, b, u), want);
                    u += if u < 3 * n as i64 || span - u < 3 * n as i64 {
                        1
                    } else {
                        step
                    };
                }
            }
        }
    }

    #[test]
    fn rounding_is_exact_for_every_offset_sum() {
        // The shift, tie bit and offset against the contract for every U.
        for n in [2usize, 4, 8, 16, 32, 64] {
            for b in [2u32, 3, 4, 5, 8, 12] {
                let ds = DigitSerial::new(n, b).unwrap();
                let k = ds.initial_carry() as u64;
                for u in 0..=(2 * ds.max_code() as u64 * n as u64) {
                    assert_eq!(
                        ds.finish(u + k),
                        reference_from_offset_sum(n, b, u as i64),
                        "N={n} b={b} U={u}"
                    );
                }
            }
        }
    }

    #[test]
    fn exhaustive_small_widths() {
        for (n, b) in [(2usize, 4u32), (4, 4), (4, 5), (2, 8), (8, 3)] {
            let ds = DigitSerial::new(n, b).unwrap();
            let c = ds.contract();
            c.for_each_vector(|codes| assert_eq!(ds.reduce(codes), c.reference(codes)));
        }
    }

    #[test]
    fn stage_domains() {
        for n in [2usize, 4, 8, 16] {
            let ds = DigitSerial::new(n, 8).unwrap();
            // Largest level: 3N + N − 1 → carry N − 1 at most, forever.
            let top = 3 * n as i32 + ds.max_carry();
            assert_eq!(top as usize, ds.stage_levels() - 1);
            assert_eq!(top >> 2, ds.max_carry());
            assert!(ds.initial_carry() <= ds.max_carry());
            assert_eq!(1usize << ds.stage_bits(), ds.stage_levels());
        }
    }

    #[test]
    fn cascades_meet_the_contract() {
        for fan in [&[4usize, 4][..], &[4, 4, 4], &[2, 8], &[8, 2], &[4, 2, 2]] {
            for b in [2u32, 4, 5, 8, 12, 16] {
                let ds = DigitSerial::cascade(b, fan).unwrap();
                let n = ds.servers;
                let q = ds.max_code();
                let c = ds.contract();
                let mut rng = ChaCha8Rng::seed_from_u64(b as u64 + 7 * n as u64);
                // Extremes, ties and random vectors.
                let mut rows: Vec<Vec<i32>> = vec![vec![-q; n], vec![q; n], vec![0; n]];
                for k in [-q + 1, -1, 0, 1, q - 1] {
                    let mut row = vec![k; n];
                    row[0] += (n / 2) as i32;
                    if row[0] <= q {
                        rows.push(row);
                    }
                }
                for _ in 0..3000 {
                    rows.push((0..n).map(|_| rng.gen_range(-q..=q)).collect());
                }
                for row in rows {
                    assert_eq!(ds.reduce(&row), c.reference(&row), "{fan:?} b={b} {row:?}");
                }
                // Every leaf's initial carry fits its carry range, and they sum to K.
                let k: i32 = (0..ds.units(0)).map(|u| ds.initial_carry_of(0, u)).sum();
                assert_eq!(k as usize, n / 2 - 1);
            }
        }
    }

    #[test]
    fn rejects_non_power_of_two() {
        assert_eq!(DigitSerial::new(3, 8), Err(DigitSerialError::Servers(3)));
        assert_eq!(DigitSerial::new(1, 8), Err(DigitSerialError::Servers(1)));
        assert!(DigitSerial::new(4, 17).is_err());
    }
}

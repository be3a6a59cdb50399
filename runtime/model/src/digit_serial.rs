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
}

/// The stage chain of one digit-serial reducer: N servers, b bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigitSerial {
    pub servers: usize,
    pub bits: u32,
}

impl DigitSerial {
    pub fn new(servers: usize, bits: u32) -> Result<Self, DigitSerialError> {
        if servers < 2 || !servers.is_power_of_two() {
            return Err(DigitSerialError::Servers(servers));
        }
        if !(2..=16).contains(&bits) {
            return Err(DigitSerialError::Bits(bits));
        }
        Ok(Self { servers, bits })
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

    /// The largest carry between stages: N − 1.
    pub fn max_carry(&self) -> i32 {
        self.servers as i32 - 1
    }

    /// Levels a stage resolves: ℓ ∈ [0, 4N − 1].
    pub fn stage_levels(&self) -> usize {
        4 * self.servers
    }

    /// Result bits per stage: log2(4N) = p + 2 (the digit's 2, the carry's p).
    pub fn stage_bits(&self) -> u32 {
        self.shift() + 2
    }

    /// The m base-4 digits of a code's offset u = q + Q, least significant first.
    pub fn digits(&self, code: i32, out: &mut [i32]) {
        let mut u = (code + self.max_code()) as u32;
        for d in out.iter_mut().take(self.stages()) {
            *d = (u & 3) as i32;
            u >>= 2;
        }
    }

    /// One stage: level ℓ = D + c → (digit ℓ mod 4, carry ℓ div 4).
    pub fn stage(level: i32) -> (i32, i32) {
        (level & 3, level >> 2)
    }

    /// Composes the stages' levels (least significant first) into the
    /// delivered code: the digits and the last carry give U + K, then the
    /// shift by p with the tie bit, minus the offset Q.
    pub fn combine(&self, levels: &[i32]) -> i64 {
        let mut total: u64 = 0;
        let mut shift = 0u32;
        for (j, &l) in levels.iter().enumerate() {
            let (digit, carry) = Self::stage(l);
            total |= (digit as u64) << shift;
            if j + 1 == levels.len() {
                total |= (carry as u64) << (shift + 2);
            }
            shift += 2;
        }
        self.finish(total)
    }

    /// ⌊T/N⌋ | [T mod N = N − 1] − Q for T = U + K.
    pub fn finish(&self, total: u64) -> i64 {
        let p = self.shift();
        let low = total & ((1u64 << p) - 1);
        let tie = u64::from(low == (1u64 << p) - 1);
        ((total >> p) | tie) as i64 - self.max_code() as i64
    }

    /// The exact chain on one code vector (what ideal stages compute).
    pub fn reduce(&self, codes: &[i32]) -> i64 {
        let m = self.stages();
        let mut levels = vec![0i32; m];
        let mut carry = self.initial_carry();
        let mut digits = vec![0i32; m];
        let mut sums = vec![0i32; m];
        for &q in codes {
            self.digits(q, &mut digits);
            for (s, d) in sums.iter_mut().zip(&digits) {
                *s += d;
            }
        }
        for (l, &s) in levels.iter_mut().zip(&sums) {
            *l = s + carry;
            carry = Self::stage(*l).1;
        }
        self.combine(&levels)
    }

    /// The contract this chain realizes.
    pub fn contract(&self) -> Contract {
        Contract::mean(self.servers, self.bits).expect("validated in new")
    }
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
            assert_eq!(DigitSerial::stage(top).1, ds.max_carry());
            assert!(ds.initial_carry() <= ds.max_carry());
            assert_eq!(1usize << ds.stage_bits(), ds.stage_levels());
        }
    }

    #[test]
    fn rejects_non_power_of_two() {
        assert_eq!(DigitSerial::new(3, 8), Err(DigitSerialError::Servers(3)));
        assert_eq!(DigitSerial::new(1, 8), Err(DigitSerialError::Servers(1)));
        assert!(DigitSerial::new(4, 17).is_err());
    }
}

//! The fast reducer: when a chip's response depends only on the sum S (the
//! ideal and nominal chips of a full-sum design; `netlist_run` checks it),
//! a table over the 2·N·Q + 1 sums, filled by running the netlist's plan,
//! reproduces the chip exactly.
//!
//! Detector noise is per sample: for each S the table keeps every bit's
//! noiseless margin in units of σ·full_scale. A bit can flip only if that
//! margin is small; for those (S, bit) pairs the executor draws the noise
//! per element (the same Gaussian comparison the model makes), everything
//! else is a table lookup. Noise draws come from ChaCha8Rng seeded with
//! (noise_seed, chunk index), so results are reproducible for any thread count.

use super::code_word::CodeWord;
use optc_model::contract::Contract;
use optc_model::encoding::{decode_bits, decode_unsigned, BitCode};
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rayon::prelude::*;
use thiserror::Error;

/// Margins beyond this many σ never flip (P < 1e-23 per comparison).
const SAFE_SIGMAS: f64 = 10.0;
/// Elements per rayon task / noise-stream chunk.
const CHUNK: usize = 1 << 14;

#[derive(Debug, Error, PartialEq)]
pub enum ExecutorError {
    #[error("codes has {codes} values, not a multiple of {servers} servers")]
    Shape { codes: usize, servers: usize },
    #[error("out has room for {out} results, need {need}")]
    Output { out: usize, need: usize },
    #[error("the per-sum table has {found} entries, need {need}")]
    Table { found: usize, need: usize },
    #[error("element {element}, server {server}: code {code} outside [-{max}, {max}]")]
    Code {
        element: usize,
        server: usize,
        code: i32,
        max: i32,
    },
}

/// The response of the circuit to one sum: comparator inputs P₊ − P₋ per
/// bit, or (coherent readout) the delivered code itself.
#[derive(Debug, Clone, PartialEq)]
pub enum SumResponse {
    Signals(Vec<f64>),
    Code(i32),
}

/// The comparators of a bit readout: (threshold, full_scale) per bit.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparators {
    pub code: BitCode,
    pub detectors: Vec<(f64, f64)>,
}

/// A bit that may flip under detector noise: flips when n·σ·FS crosses it.
#[derive(Debug, Clone, Copy)]
struct Risky {
    bit: u32,
    /// (threshold − D)/(σ·FS): the bit is set iff N(0,1) > this.
    z: f64,
}

/// Per level: the noiseless delivered value, its bit pattern and the bits
/// that detector noise can flip. Both executors (the mean reducer's per-sum
/// table and each digit-serial stage's per-level table) are made of it.
#[derive(Debug, Clone)]
pub struct LevelTable {
    lut: Vec<i32>,
    patterns: Vec<u32>,
    risky: Vec<Vec<Risky>>,
    code: BitCode,
    bits: u32,
    signed: bool,
}

impl LevelTable {
    /// From one response per level; `signed` decodes two's-complement
    /// (sign-extended) values, else unsigned ones.
    pub fn new(
        bits: u32,
        signed: bool,
        comparators: &Comparators,
        table: &[SumResponse],
        detector_noise: f64,
    ) -> Result<Self, ExecutorError> {
        let mut t = LevelTable {
            lut: Vec::with_capacity(table.len()),
            patterns: Vec::with_capacity(table.len()),
            risky: Vec::with_capacity(table.len()),
            code: comparators.code,
            bits,
            signed,
        };
        for entry in table {
            let mut r = Vec::new();
            let mut pattern = 0u32;
            match entry {
                SumResponse::Code(c) => t.lut.push(*c),
                SumResponse::Signals(signals) => {
                    if signals.len() != comparators.detectors.len() {
                        return Err(ExecutorError::Table {
                            found: signals.len(),
                            need: comparators.detectors.len(),
                        });
                    }
                    for (k, (&sig, &(threshold, full_scale))) in
                        signals.iter().zip(&comparators.detectors).enumerate()
                    {
                        if sig > threshold {
                            pattern |= 1 << k;
                        }
                        let sd = detector_noise * full_scale;
                        if sd > 0.0 {
                            let z = (threshold - sig) / sd;
                            if z.abs() < SAFE_SIGMAS {
                                r.push(Risky { bit: k as u32, z });
                            }
                        }
                    }
                    let v = t.decode(pattern);
                    t.lut.push(v);
                }
            }
            t.patterns.push(pattern);
            t.risky.push(r);
        }
        Ok(t)
    }

    fn decode(&self, pattern: u32) -> i32 {
        if self.signed {
            decode_bits(pattern, self.bits, self.code) as i32
        } else {
            decode_unsigned(pattern, self.bits, self.code) as i32
        }
    }

    pub fn len(&self) -> usize {
        self.lut.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lut.is_empty()
    }

    /// The noiseless value at level index i.
    pub fn noiseless(&self, i: usize) -> Option<i32> {
        self.lut.get(i).copied()
    }

    /// Whether any (level, bit) can flip under detector noise.
    pub fn has_noise(&self) -> bool {
        self.risky.iter().any(|r| !r.is_empty())
    }

    /// The delivered value at level index `i` (< len), with the detector
    /// noise drawn from `rng` for the bits that can flip.
    #[inline]
    pub fn deliver<R: Rng>(&self, i: usize, rng: Option<&mut R>) -> i32 {
        let v = self.lut[i];
        let Some(rng) = rng else {
            return v;
        };
        let risky = &self.risky[i];
        if risky.is_empty() {
            return v;
        }
        let mut p = self.patterns[i];
        for r in risky {
            let x: f64 = rng.sample(StandardNormal);
            if x > r.z {
                p |= 1 << r.bit;
            } else {
                p &= !(1 << r.bit);
            }
        }
        self.decode(p)
    }
}

#[derive(Debug, Clone)]
pub struct ReducerExecutor {
    servers: usize,
    max_code: i32,
    max_sum: i64,
    table: LevelTable,
    noise_seed: u64,
}

impl ReducerExecutor {
    /// Builds the executor from a measured per-sum table: entry i is the
    /// response to sum S = i − N·Q (e.g. from simulating a netlist on one
    /// representative vector per sum). `detector_noise` is σ relative to
    /// each comparator's full scale, drawn per element.
    pub fn from_sum_table(
        contract: &Contract,
        comparators: &Comparators,
        table: &[SumResponse],
        detector_noise: f64,
        noise_seed: u64,
    ) -> Result<Self, ExecutorError> {
        let need = contract.dataset_size_preprocessed();
        if table.len() != need {
            return Err(ExecutorError::Table {
                found: table.len(),
                need,
            });
        }
        Ok(Self {
            servers: contract.servers,
            max_code: contract.max_code(),
            max_sum: contract.max_sum(),
            table: LevelTable::new(contract.bits, true, comparators, table, detector_noise)?,
            noise_seed,
        })
    }

    /// The noiseless table entry for sum S (for tests and reports).
    pub fn table(&self, sum: i64) -> Option<i32> {
        usize::try_from(sum + self.max_sum)
            .ok()
            .and_then(|i| self.table.noiseless(i))
    }

    /// Q, the largest code magnitude.
    pub fn max_code(&self) -> i32 {
        self.max_code
    }

    /// Re-seeds the detector noise so successive calls (for example training
    /// steps) draw fresh, still reproducible, noise.
    pub fn set_noise_seed(&mut self, seed: u64) {
        self.noise_seed = seed;
    }

    /// Whether any (S, bit) can flip under detector noise.
    pub fn has_noise(&self) -> bool {
        self.table.has_noise()
    }

    fn chunk<T: CodeWord>(
        &self,
        codes: &[T],
        out: &mut [T],
        chunk_index: usize,
    ) -> Result<(), ExecutorError> {
        let n = self.servers;
        let noisy = self.has_noise();
        let mut rng = noisy.then(|| {
            ChaCha8Rng::seed_from_u64(
                self.noise_seed ^ (chunk_index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            )
        });
        for (e, (row, o)) in codes.chunks_exact(n).zip(out.iter_mut()).enumerate() {
            let mut s = 0i64;
            for (i, &c) in row.iter().enumerate() {
                let c: i32 = c.into();
                if c < -self.max_code || c > self.max_code {
                    return Err(ExecutorError::Code {
                        element: chunk_index * CHUNK + e,
                        server: i,
                        code: c,
                        max: self.max_code,
                    });
                }
                s += c as i64;
            }
            let idx = (s + self.max_sum) as usize;
            *o = T::from_code(self.table.deliver(idx, rng.as_mut()));
        }
        Ok(())
    }

    /// Reduces `codes` (row-major, elements × N) into `out` (one result per
    /// element, delivered identically to every server).
    pub fn reduce<T: CodeWord>(&self, codes: &[T], out: &mut [T]) -> Result<(), ExecutorError> {
        let n = self.servers;
        if n == 0 || !codes.len().is_multiple_of(n) {
            return Err(ExecutorError::Shape {
                codes: codes.len(),
                servers: n,
            });
        }
        let elements = codes.len() / n;
        if out.len() < elements {
            return Err(ExecutorError::Output {
                out: out.len(),
                need: elements,
            });
        }
        let out = &mut out[..elements];
        if elements <= CHUNK {
            return self.chunk(codes, out, 0);
        }
        codes
            .par_chunks(CHUNK * n)
            .zip(out.par_chunks_mut(CHUNK))
            .enumerate()
            .try_for_each(|(i, (c, o))| self.chunk(c, o, i))
    }
}

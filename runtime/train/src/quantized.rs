//! Quantized reduction (spec/train.md, Reducers): per tensor, or per bucket of K
//! consecutive elements of a tensor, a scale shared by all workers,
//! s = max_w max_i |g_w,i| / Q with Q = 2^(b−1) − 1, codes q = round(g/s)
//! (ties to even, or stochastic), the exact integer mean
//! r = round_half_even(Σ_w q_w / N), and every worker receives s·r.
//! With error feedback each worker adds its previous quantization error
//! g − s·q to its next gradient before quantizing.
//!
//! The code reduction is pluggable: `QuantizedReducer` computes the
//! contract in integers; the optical reducer runs the same codes through a
//! compiled netlist.

use super::error::TrainError;
use super::reduce::{check_shapes, GradReducer};
use super::replicas::WorkerGrads;
use optc_model::contract::round_half_even_div;
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantOptions {
    pub bits: u32,
    /// Round g/s up with probability equal to its fractional part (unbiased).
    pub stochastic: bool,
    /// Carry each worker's quantization error into its next step.
    pub error_feedback: bool,
    /// Seed of the stochastic-rounding stream.
    pub seed: u64,
    /// Elements per scale within a tensor; 0: one scale per tensor.
    pub bucket: usize,
}

impl QuantOptions {
    /// Number of shared scales for tensors of these sizes.
    pub fn scales(&self, sizes: impl IntoIterator<Item = usize>) -> usize {
        sizes
            .into_iter()
            .map(|n| match self.bucket {
                0 => 1,
                k => n.div_ceil(k).max(1),
            })
            .sum()
    }
}

/// Reduces a block of codes: `codes` is elements × N row-major, `out` gets
/// one delivered code per element.
pub type CodeReduce<'a> = dyn FnMut(&[i32], &mut [i32]) -> Result<(), TrainError> + 'a;

/// The contract in integers: r = round_half_even(Σ q / N) per element.
pub fn contract_mean(servers: usize, codes: &[i32], out: &mut [i32]) {
    for (row, o) in codes.chunks_exact(servers).zip(out.iter_mut()) {
        let s: i64 = row.iter().map(|&q| i64::from(q)).sum();
        *o = round_half_even_div(s, servers as i64) as i32;
    }
}

/// Shared scale, codes, residuals: the part every quantized reducer shares.
#[derive(Debug)]
pub struct Quantizer {
    pub opts: QuantOptions,
    residuals: Vec<Vec<Vec<f32>>>,
    rng: ChaCha8Rng,
    codes: Vec<i32>,
    out: Vec<i32>,
    scales: Vec<f32>,
}

impl Quantizer {
    pub fn new(opts: QuantOptions) -> Result<Self, TrainError> {
        if !(2..=16).contains(&opts.bits) {
            return Err(TrainError::Bits(opts.bits));
        }
        Ok(Self {
            opts,
            residuals: Vec::new(),
            rng: ChaCha8Rng::seed_from_u64(opts.seed),
            codes: Vec::new(),
            out: Vec::new(),
            scales: Vec::new(),
        })
    }

    pub fn max_code(&self) -> i32 {
        (1i32 << (self.opts.bits - 1)) - 1
    }

    /// Quantizes every tensor, reduces its codes with `reduce_codes`, and
    /// writes s·r into every worker's gradient.
    pub fn reduce_with(
        &mut self,
        grads: &mut WorkerGrads,
        reduce_codes: &mut CodeReduce<'_>,
    ) -> Result<(), TrainError> {
        check_shapes(grads)?;
        let n = grads.len();
        let q_max = self.max_code();
        if self.opts.error_feedback {
            if self.residuals.is_empty() {
                self.residuals = grads
                    .iter()
                    .map(|g| g.iter().map(|t| vec![0.0; t.len()]).collect())
                    .collect();
            }
            for (g, e) in grads.iter_mut().zip(&self.residuals) {
                for (gt, et) in g.iter_mut().zip(e) {
                    for (x, r) in gt.iter_mut().zip(et) {
                        *x += r;
                    }
                }
            }
        }
        for t in 0..grads[0].len() {
            let len = grads[0][t].len();
            let k = if self.opts.bucket == 0 {
                len.max(1)
            } else {
                self.opts.bucket
            };
            // One scale per bucket; 0 marks a bucket with nothing (or nothing
            // sane) to send, whose mean is zero.
            self.scales.clear();
            for start in (0..len).step_by(k) {
                let end = (start + k).min(len);
                let amax = grads
                    .iter()
                    .flat_map(|g| g[t][start..end].iter())
                    .fold(0.0f32, |m, x| m.max(x.abs()));
                let ok = amax > 0.0 && amax.is_finite();
                self.scales.push(if ok { amax / q_max as f32 } else { 0.0 });
            }
            if self.scales.iter().all(|&s| s == 0.0) {
                for g in grads.iter_mut() {
                    g[t].iter_mut().for_each(|x| *x = 0.0);
                }
                continue;
            }
            self.codes.clear();
            self.codes.resize(len * n, 0);
            for (w, g) in grads.iter().enumerate() {
                for (i, &x) in g[t].iter().enumerate() {
                    let scale = self.scales[i / k];
                    if scale == 0.0 {
                        continue;
                    }
                    let y = x / scale;
                    let q = if self.opts.stochastic {
                        (y + self.rng.gen::<f32>()).floor()
                    } else {
                        y.round_ties_even()
                    };
                    self.codes[i * n + w] = (q as i32).clamp(-q_max, q_max);
                }
            }
            if self.opts.error_feedback {
                for (w, g) in grads.iter().enumerate() {
                    for (i, &x) in g[t].iter().enumerate() {
                        let scale = self.scales[i / k];
                        self.residuals[w][t][i] = if scale == 0.0 {
                            0.0
                        } else {
                            x - scale * self.codes[i * n + w] as f32
                        };
                    }
                }
            }
            self.out.clear();
            self.out.resize(len, 0);
            reduce_codes(&self.codes, &mut self.out)?;
            for g in grads.iter_mut() {
                for (i, (x, &r)) in g[t].iter_mut().zip(&self.out).enumerate() {
                    *x = self.scales[i / k] * r as f32;
                }
            }
        }
        Ok(())
    }
}

/// Quantized reduction with the exact integer contract (no optics).
#[derive(Debug)]
pub struct QuantizedReducer {
    pub quantizer: Quantizer,
}

impl QuantizedReducer {
    pub fn new(opts: QuantOptions) -> Result<Self, TrainError> {
        Ok(Self {
            quantizer: Quantizer::new(opts)?,
        })
    }
}

impl GradReducer for QuantizedReducer {
    fn name(&self) -> &'static str {
        "quantized"
    }

    fn reduce(&mut self, grads: &mut WorkerGrads) -> Result<(), TrainError> {
        let n = grads.len();
        self.quantizer.reduce_with(grads, &mut |codes, out| {
            contract_mean(n, codes, out);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use optc_model::contract::Contract;

    fn random_grads(rng: &mut ChaCha8Rng, n: usize, sizes: &[usize]) -> WorkerGrads {
        (0..n)
            .map(|_| {
                sizes
                    .iter()
                    .map(|&s| (0..s).map(|_| rng.gen_range(-0.3f32..0.3)).collect())
                    .collect()
            })
            .collect()
    }

    fn opts(bits: u32) -> QuantOptions {
        QuantOptions {
            bits,
            stochastic: false,
            error_feedback: false,
            seed: 0,
            bucket: 0,
        }
    }

    #[test]
    fn quantized_equals_the_integer_contract() -> Result<(), TrainError> {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for (n, bits) in [(2usize, 4u32), (4, 4), (8, 4), (8, 6), (3, 2)] {
            let g = random_grads(&mut rng, n, &[17, 40]);
            let mut red = QuantizedReducer::new(opts(bits))?;
            let mut got = g.clone();
            red.reduce(&mut got)?;
            let contract = Contract::mean(n, bits).map_err(|e| TrainError::Data(e.to_string()))?;
            let q = contract.max_code();
            for t in 0..2 {
                let amax = g
                    .iter()
                    .flat_map(|w| w[t].iter())
                    .fold(0f32, |m, x| m.max(x.abs()));
                let s = amax / q as f32;
                for i in 0..g[0][t].len() {
                    let codes: Vec<i32> = g
                        .iter()
                        .map(|w| (w[t][i] / s).round_ties_even() as i32)
                        .collect();
                    assert!(codes.iter().all(|&c| contract.is_valid_code(c)));
                    let want = s * contract.reference(&codes) as f32;
                    for w in &got {
                        assert_eq!(w[t][i].to_bits(), want.to_bits());
                    }
                    // Within one LSB of the true mean plus rounding of inputs.
                    let mean = g.iter().map(|w| w[t][i]).sum::<f32>() / n as f32;
                    assert!((got[0][t][i] - mean).abs() <= s * 1.0 + 1e-6);
                }
            }
        }
        Ok(())
    }

    #[test]
    fn stochastic_rounding_is_unbiased_and_seeded() -> Result<(), TrainError> {
        // One worker, a constant 0.3 LSB: nearest rounding always gives 0
        // after the shared scale is set by a large element.
        let mut sum = 0.0f64;
        let steps = 2000;
        let mut red = QuantizedReducer::new(QuantOptions {
            stochastic: true,
            ..opts(4)
        })?;
        let mut first = None;
        for _ in 0..steps {
            let mut g = vec![vec![vec![7.0f32, 0.3]]];
            red.reduce(&mut g)?;
            sum += f64::from(g[0][0][1]);
            first.get_or_insert(g);
        }
        assert!(
            (sum / steps as f64 - 0.3).abs() < 0.03,
            "{}",
            sum / steps as f64
        );
        let mut again = QuantizedReducer::new(QuantOptions {
            stochastic: true,
            ..opts(4)
        })?;
        let mut g = vec![vec![vec![7.0f32, 0.3]]];
        again.reduce(&mut g)?;
        assert_eq!(Some(g), first);
        Ok(())
    }

    #[test]
    fn error_feedback_carries_the_residual() -> Result<(), TrainError> {
        // 0.3 LSB per step: without feedback always 0; with feedback the
        // delivered values sum to within one LSB of the true total.
        let mut red = QuantizedReducer::new(QuantOptions {
            error_feedback: true,
            ..opts(4)
        })?;
        let mut total = 0.0f32;
        for _ in 0..10 {
            let mut g = vec![vec![vec![7.0f32, 0.3]]];
            red.reduce(&mut g)?;
            total += g[0][0][1];
        }
        assert!((total - 3.0).abs() <= 1.0 + 1e-5, "{total}");
        assert!(total >= 2.0);
        Ok(())
    }

    #[test]
    fn buckets_have_their_own_scales() -> Result<(), TrainError> {
        // Bucket 0 holds a large value, bucket 1 only small ones: with one
        // scale per tensor bucket 1 rounds to 0, with buckets of 2 it is exact.
        let g = vec![vec![vec![7.0f32, 1.0, 0.3, -0.1, 0.2]]; 2];
        let mut per_tensor = g.clone();
        QuantizedReducer::new(opts(4))?.reduce(&mut per_tensor)?;
        assert_eq!(per_tensor[0][0][2..], [0.0, 0.0, 0.0]);
        let mut bucketed = g.clone();
        let o = QuantOptions {
            bucket: 2,
            ..opts(4)
        };
        QuantizedReducer::new(o)?.reduce(&mut bucketed)?;
        assert_eq!(bucketed[0][0][..2], [7.0, 1.0]);
        // Bucket [0.3, −0.1]: s = 0.3/7, codes 7 and −2 (−2.33 → −2).
        let s = 0.3f32 / 7.0;
        assert_eq!(bucketed[0][0][2..4], [s * 7.0, s * -2.0]);
        // The last, short bucket [0.2]: exact.
        assert_eq!(bucketed[0][0][4], 0.2f32 / 7.0 * 7.0);
        assert_eq!(bucketed[1], bucketed[0]);
        assert_eq!(o.scales([5, 4, 1]), 3 + 2 + 1);
        assert_eq!(opts(4).scales([5, 4, 1]), 3);
        Ok(())
    }

    #[test]
    fn rejects_bad_bits_and_shapes() {
        assert!(QuantizedReducer::new(opts(1)).is_err());
        assert!(QuantizedReducer::new(opts(17)).is_err());
        let Ok(mut r) = QuantizedReducer::new(opts(4)) else {
            panic!("4 bits is valid")
        };
        assert!(r
            .reduce(&mut vec![vec![vec![1.0]], vec![vec![1.0, 2.0]]])
            .is_err());
    }
}

//! The `wiki-llama` workload: a small LLaMA-style decoder trained on the
//! WikiText-2 validation text and evaluated (perplexity) on its test text.
//! Each worker owns one contiguous shard of the training sequences.

pub mod corpus;
pub mod model;

use super::error::TrainError;
use super::workload::{epoch_seed, EpochBatches, Metric, TensorSpec, Workload};
use candle_core::{Tensor, Var};
use corpus::{Corpus, Windows};
use model::{Llama, LlamaConfig};
use rand::seq::SliceRandom;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Sequences per forward pass when evaluating.
const EVAL_BATCH: usize = 32;

/// What the user chooses about the model and the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LlamaOptions {
    pub d_model: usize,
    pub layers: usize,
    pub heads: usize,
    pub context: usize,
    /// Words seen fewer times in the training text become `<unk>`.
    pub min_count: usize,
    /// Keep only the first N training tokens (quick runs).
    pub train_tokens: Option<usize>,
    /// Test tokens evaluated (a fixed prefix of the test text); None: all.
    pub eval_tokens: Option<usize>,
}

pub struct WikiLlama {
    pub corpus: Corpus,
    pub model: Llama,
    pub opts: LlamaOptions,
    layout: Vec<TensorSpec>,
}

impl WikiLlama {
    pub fn load(opts: LlamaOptions) -> Result<Self, TrainError> {
        let corpus = corpus::load(opts.min_count, opts.train_tokens)?;
        let cfg = LlamaConfig {
            vocab: corpus.vocab.len(),
            d_model: opts.d_model,
            layers: opts.layers,
            heads: opts.heads,
            context: opts.context,
            hidden: LlamaConfig::swiglu_hidden(opts.d_model),
        };
        let model = Llama::new(cfg)?;
        Ok(Self {
            corpus,
            model,
            opts,
            layout: cfg.layout(),
        })
    }

    fn train_windows(&self) -> Windows<'_> {
        Windows {
            tokens: &self.corpus.train,
            context: self.opts.context,
        }
    }

    /// The evaluated test sequences: the first eval_tokens / T windows.
    pub fn test_sequences(&self) -> usize {
        let all = Windows {
            tokens: &self.corpus.test,
            context: self.opts.context,
        }
        .len();
        match self.opts.eval_tokens {
            Some(n) => (n / self.opts.context).clamp(1, all.max(1)),
            None => all,
        }
    }

    /// exp(mean cross-entropy) over the first `n` windows of `tokens`.
    fn perplexity_of(&self, vars: &[Var], tokens: &[u32], n: usize) -> Result<f64, TrainError> {
        let w = Windows {
            tokens,
            context: self.opts.context,
        };
        let n = n.min(w.len());
        let idx: Vec<usize> = (0..n).collect();
        let (x, y) = w.gather(&idx);
        if x.is_empty() {
            return Err(TrainError::Data("no evaluation tokens".into()));
        }
        let nll = model::total_nll(&self.model, vars, &x, &y, EVAL_BATCH)?;
        Ok((nll / x.len() as f64).exp())
    }
}

impl Workload for WikiLlama {
    fn name(&self) -> &'static str {
        "wiki-llama"
    }
    fn metric(&self) -> Metric {
        Metric::Perplexity
    }
    fn layout(&self) -> &[TensorSpec] {
        &self.layout
    }
    fn initial_params(&self, seed: u64) -> Vec<Vec<f32>> {
        self.model.cfg.initial_params(seed)
    }
    fn train_len(&self) -> usize {
        self.train_windows().len()
    }
    fn loss(&self, vars: &[Var], idx: &[usize]) -> Result<Tensor, TrainError> {
        let (x, y) = self.train_windows().gather(idx);
        self.model.loss(&model::tracked(vars), &x, &y)
    }
    /// Mean cross-entropy of the first (as many as evaluated on test)
    /// training windows.
    fn initial_train_loss(&self, vars: &[Var]) -> Result<f64, TrainError> {
        let n = self.test_sequences();
        Ok(self.perplexity_of(vars, &self.corpus.train, n)?.ln())
    }
    fn evaluate(&self, vars: &[Var]) -> Result<f64, TrainError> {
        self.perplexity_of(vars, &self.corpus.test, self.test_sequences())
    }
    /// Worker w owns windows [w·S/N, (w+1)·S/N) (S/N rounded down, the
    /// remainder unused) and visits them in its own seeded order each epoch.
    fn epoch_batches(&self, epoch: usize, seed: u64, workers: usize, shard: usize) -> EpochBatches {
        let per_worker = self.train_len() / workers.max(1);
        let orders: Vec<Vec<usize>> = (0..workers)
            .map(|w| {
                let mut o: Vec<usize> = (w * per_worker..(w + 1) * per_worker).collect();
                o.shuffle(&mut ChaCha8Rng::seed_from_u64(
                    epoch_seed(seed, epoch) ^ (w as u64 + 1).wrapping_mul(0xD6E8_FEB8_6659_FD93),
                ));
                o
            })
            .collect();
        let steps = per_worker / shard.max(1);
        (0..steps)
            .map(|s| {
                orders
                    .iter()
                    .map(|o| o[s * shard..(s + 1) * shard].to_vec())
                    .collect()
            })
            .collect()
    }
    fn details(&self) -> Result<serde_yaml::Value, serde_yaml::Error> {
        #[derive(Serialize)]
        struct Details<'a> {
            model: &'a LlamaConfig,
            min_count: usize,
            train_tokens: usize,
            train_sequences: usize,
            test_tokens_evaluated: usize,
            test_unk_rate: f64,
        }
        serde_yaml::to_value(Details {
            model: &self.model.cfg,
            min_count: self.opts.min_count,
            train_tokens: self.corpus.train.len(),
            train_sequences: self.train_len(),
            test_tokens_evaluated: self.test_sequences() * self.opts.context,
            test_unk_rate: self.corpus.test_unk_rate(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> LlamaOptions {
        LlamaOptions {
            d_model: 16,
            layers: 1,
            heads: 2,
            context: 16,
            min_count: 50,
            train_tokens: Some(4096),
            eval_tokens: Some(512),
        }
    }

    #[test]
    fn shards_are_contiguous_disjoint_and_seeded() -> Result<(), TrainError> {
        let w = WikiLlama::load(tiny())?;
        assert_eq!(w.train_len(), 4095 / 16);
        let b = w.epoch_batches(1, 0, 4, 3);
        // 255 windows → 63 per worker → 21 steps of 3.
        assert_eq!(b.len(), 21);
        let mut seen = vec![0usize; w.train_len()];
        for step in &b {
            for (k, shard) in step.iter().enumerate() {
                assert_eq!(shard.len(), 3);
                assert!(shard.iter().all(|&i| i / 63 == k));
                shard.iter().for_each(|&i| seen[i] += 1);
            }
        }
        assert!(seen[..252].iter().all(|&c| c == 1));
        assert_eq!(b, w.epoch_batches(1, 0, 4, 3));
        assert_ne!(b, w.epoch_batches(2, 0, 4, 3));
        assert_eq!(w.test_sequences(), 32);
        Ok(())
    }

    #[test]
    fn initial_perplexity_is_about_the_vocabulary() -> Result<(), TrainError> {
        let w = WikiLlama::load(tiny())?;
        let vars: Vec<Var> = w
            .layout()
            .iter()
            .zip(w.initial_params(0))
            .map(|(s, v)| Var::from_vec(v, s.shape.as_slice(), &candle_core::Device::Cpu))
            .collect::<Result<_, _>>()?;
        let ppl = w.evaluate(&vars)?;
        let v = w.corpus.vocab.len() as f64;
        assert!(ppl > 0.8 * v && ppl < 1.25 * v, "ppl {ppl}, vocab {v}");
        Ok(())
    }
}

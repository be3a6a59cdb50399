//! What a training workload supplies to the data-parallel run: its
//! parameter tensors, seeded initial values, per-shard loss (a candle
//! tensor to differentiate), the batches of every epoch, and its test
//! metric. The run, the replicas and the reducers know nothing else.

use super::error::TrainError;
use candle_core::{Tensor, Var};
use rand::seq::SliceRandom;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// The test figure a workload reports after every evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Fraction of test samples classified correctly (0..1; higher is better).
    Accuracy,
    /// exp(mean next-token cross-entropy) on the test tokens (lower is better).
    Perplexity,
}

impl Metric {
    /// The metrics.csv column and the summary.yaml key suffix.
    pub fn column(self) -> &'static str {
        match self {
            Metric::Accuracy => "test_accuracy",
            Metric::Perplexity => "test_perplexity",
        }
    }
}

/// One parameter tensor: its name and shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TensorSpec {
    pub name: String,
    pub shape: Vec<usize>,
}

impl TensorSpec {
    pub fn new(name: impl Into<String>, shape: &[usize]) -> Self {
        Self {
            name: name.into(),
            shape: shape.to_vec(),
        }
    }
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The sample indices of every step of one epoch: `steps[s][w]` is worker
/// w's shard of step s.
pub type EpochBatches = Vec<Vec<Vec<usize>>>;

pub trait Workload {
    /// The `--workload` name.
    fn name(&self) -> &'static str;
    fn metric(&self) -> Metric;
    /// Every parameter tensor, in a fixed order.
    fn layout(&self) -> &[TensorSpec];
    /// Initial parameter values (one flat vector per tensor) for `seed`.
    fn initial_params(&self, seed: u64) -> Vec<Vec<f32>>;
    /// Number of training samples (images, or token sequences).
    fn train_len(&self) -> usize;
    /// Mean training loss of the samples `idx` under parameters `vars`.
    fn loss(&self, vars: &[Var], idx: &[usize]) -> Result<Tensor, TrainError>;
    /// The loss of `vars` on the training data (or a fixed part of it) for
    /// the step-0 row.
    fn initial_train_loss(&self, vars: &[Var]) -> Result<f64, TrainError>;
    /// The test metric of `vars`.
    fn evaluate(&self, vars: &[Var]) -> Result<f64, TrainError>;
    /// Model and data figures for summary.yaml (vocabulary, sizes, …).
    fn details(&self) -> Result<serde_yaml::Value, serde_yaml::Error> {
        Ok(serde_yaml::Value::Null)
    }
    /// Worker shards of every step of `epoch`. Default: one seeded shuffle
    /// of all samples per epoch, cut into global batches; worker w takes
    /// the w-th contiguous part of each.
    fn epoch_batches(&self, epoch: usize, seed: u64, workers: usize, shard: usize) -> EpochBatches {
        let mut order: Vec<usize> = (0..self.train_len()).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(epoch_seed(seed, epoch)));
        order
            .chunks_exact(workers * shard)
            .map(|b| b.chunks_exact(shard).map(<[usize]>::to_vec).collect())
            .collect()
    }
}

/// The shuffle seed of `epoch` (the same for every reducer).
pub fn epoch_seed(seed: u64, epoch: usize) -> u64 {
    seed ^ (epoch as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Total number of scalar parameters of a layout.
pub fn parameter_count(layout: &[TensorSpec]) -> usize {
    layout.iter().map(TensorSpec::len).sum()
}

//! Errors of the training emulation.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum TrainError {
    #[error("the embedded data set is malformed: {0}")]
    Data(String),
    #[error("tensor backend (candle): {0}")]
    Candle(#[from] candle_core::Error),
    #[error("--workers must be ≥ 1 (got {0})")]
    Workers(usize),
    #[error(
        "the global batch ({batch}) must be a positive multiple of --workers ({workers}) \
         so every worker gets an equal shard; try --batch {suggest}"
    )]
    Batch {
        batch: usize,
        workers: usize,
        suggest: usize,
    },
    #[error(
        "only {samples} training samples (images, or token windows), fewer than the global \
         batch {batch}: no full step; raise --train-samples / --train-tokens or lower --batch"
    )]
    TooFewSamples { samples: usize, batch: usize },
    #[error("quantization bits must be in 2..=16 (got {0})")]
    Bits(u32),
    #[error("the optical reducer serves {netlist} servers but --workers is {workers}")]
    ServersMismatch { netlist: usize, workers: usize },
    #[error("the optical reducer's executor failed: {0}")]
    Executor(String),
    #[error(
        "replicas diverged after epoch {epoch}: replica {replica} has parameter hash \
         {hash:016x}, replica 0 has {reference:016x}"
    )]
    Diverged {
        epoch: usize,
        replica: usize,
        hash: u64,
        reference: u64,
    },
    #[error("gradient shapes differ between workers (worker {worker})")]
    GradShape { worker: usize },
    #[error("cannot draw the curves: {0}")]
    Plot(String),
    #[error("invalid model configuration: {0}")]
    Model(String),
}

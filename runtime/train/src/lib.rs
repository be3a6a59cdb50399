//! `optc train`: emulated data-parallel training (spec/train.md).
//! N replicas of a workload's model average their gradients with one of
//! three reducers (ring all-reduce in fp32, the quantized integer contract,
//! or the compiled optical reducer), and the α–β model prices each
//! reducer's communication.
//!
//! Workloads: `digits-cnn` (a CNN on the 8×8 digits, test accuracy) and
//! `wiki-llama` (a small LLaMA-style decoder on WikiText-2, test perplexity).

pub mod comm_model;
pub mod digits;
pub mod error;
pub mod llama;
pub mod metrics;
pub mod optical;
pub mod plot;
pub mod quantized;
pub mod reduce;
pub mod replicas;
pub mod ring;
pub mod run;
pub mod step_model;
pub mod workload;

pub use error::TrainError;
pub use workload::{Metric, Workload};

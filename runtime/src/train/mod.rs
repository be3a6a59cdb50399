//! `optc train`: emulated data-parallel training (BRIEF §2, spec/train.md).
//! N replicas of a small CNN on the digits data set average their
//! gradients with one of three reducers (ring all-reduce in fp32, the
//! quantized integer contract, or the compiled optical reducer), and the
//! α–β model prices each reducer's communication.
//!
//! Workloads: `digits-cnn` only (the language-model workload is not built).

pub mod comm_model;
pub mod data;
pub mod error;
pub mod metrics;
pub mod model;
pub mod optical;
pub mod plot;
pub mod quantized;
pub mod reduce;
pub mod replicas;
pub mod ring;
pub mod run;

pub use error::TrainError;

//! The `digits-cnn` workload: a small CNN on the 8×8 handwritten digits,
//! test accuracy on the fixed 360-image test split.

pub mod data;
pub mod model;

use super::error::TrainError;
use super::workload::{Metric, TensorSpec, Workload};
use candle_core::{Tensor, Var};
use data::Digits;
use model::Cnn;

pub struct DigitsCnn {
    pub data: Digits,
    layout: Vec<TensorSpec>,
}

impl DigitsCnn {
    /// The embedded data set; `train_samples` keeps only the first N
    /// training samples.
    pub fn load(train_samples: Option<usize>) -> Result<Self, TrainError> {
        Ok(Self {
            data: data::load(train_samples)?,
            layout: model::layout(),
        })
    }
}

impl Workload for DigitsCnn {
    fn name(&self) -> &'static str {
        "digits-cnn"
    }
    fn metric(&self) -> Metric {
        Metric::Accuracy
    }
    fn layout(&self) -> &[TensorSpec] {
        &self.layout
    }
    fn initial_params(&self, seed: u64) -> Vec<Vec<f32>> {
        model::initial_params(seed)
    }
    fn train_len(&self) -> usize {
        self.data.train.len()
    }
    fn loss(&self, vars: &[Var], idx: &[usize]) -> Result<Tensor, TrainError> {
        let (x, y) = self.data.train.gather(idx);
        Cnn::from_vars(vars).loss(&x, &y)
    }
    fn initial_train_loss(&self, vars: &[Var]) -> Result<f64, TrainError> {
        let t = &self.data.train;
        Ok(f64::from(
            Cnn::from_vars(vars)
                .loss(&t.images, &t.labels)?
                .to_scalar::<f32>()?,
        ))
    }
    fn evaluate(&self, vars: &[Var]) -> Result<f64, TrainError> {
        let t = &self.data.test;
        Cnn::from_vars(vars).accuracy(&t.images, &t.labels)
    }
}

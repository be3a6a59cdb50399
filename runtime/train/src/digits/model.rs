//! The digits-cnn model: conv 3×3 (1→8) → relu → conv 3×3 (8→16) → relu →
//! max-pool 2 → linear (256→10), built on candle tensors (candle does the
//! autograd). Parameters are plain `Var`s so replicas can be created with
//! identical values and gradients can be read and replaced per tensor.

use super::data::{CLASSES, PIXELS};
use crate::error::TrainError;
use crate::workload::TensorSpec;
use candle_core::{DType, Device, Tensor, Var};
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// (name, shape, fan_in) of every parameter tensor, in a fixed order.
pub const LAYOUT: [(&str, &[usize], usize); 6] = [
    ("conv1.weight", &[8, 1, 3, 3], 9),
    ("conv1.bias", &[8], 9),
    ("conv2.weight", &[16, 8, 3, 3], 72),
    ("conv2.bias", &[16], 72),
    ("fc.weight", &[CLASSES, 256], 256),
    ("fc.bias", &[CLASSES], 256),
];

/// The initial parameter values for `seed`: U(−1/√fan_in, 1/√fan_in) per
/// tensor (PyTorch's default), drawn from ChaCha8 so every replica and every
/// run with the same seed starts bit-identical.
pub fn initial_params(seed: u64) -> Vec<Vec<f32>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    LAYOUT
        .iter()
        .map(|(_, shape, fan_in)| {
            let bound = 1.0 / (*fan_in as f32).sqrt();
            (0..shape.iter().product::<usize>())
                .map(|_| rng.gen_range(-bound..bound))
                .collect()
        })
        .collect()
}

/// LAYOUT as tensor specs.
pub fn layout() -> Vec<TensorSpec> {
    LAYOUT
        .iter()
        .map(|(name, shape, _)| TensorSpec::new(*name, shape))
        .collect()
}

#[derive(Debug)]
pub struct Cnn {
    pub vars: Vec<Var>,
}

impl Cnn {
    /// A model over existing parameters (shared storage, cheap).
    pub fn from_vars(vars: &[Var]) -> Self {
        Self {
            vars: vars.to_vec(),
        }
    }

    pub fn new(params: &[Vec<f32>]) -> Result<Self, TrainError> {
        let vars = LAYOUT
            .iter()
            .zip(params)
            .map(|((_, shape, _), p)| Var::from_vec(p.clone(), *shape, &Device::Cpu))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { vars })
    }

    /// Logits [batch, 10] for images [batch·64] in [0, 1].
    pub fn forward(&self, images: &[f32]) -> Result<Tensor, TrainError> {
        let b = images.len() / PIXELS;
        let x = Tensor::from_slice(images, (b, 1, 8, 8), &Device::Cpu)?;
        let v = &self.vars;
        let x = x
            .conv2d(v[0].as_tensor(), 1, 1, 1, 1)?
            .broadcast_add(&v[1].as_tensor().reshape((1, 8, 1, 1))?)?
            .relu()?;
        let x = x
            .conv2d(v[2].as_tensor(), 1, 1, 1, 1)?
            .broadcast_add(&v[3].as_tensor().reshape((1, 16, 1, 1))?)?
            .relu()?
            .max_pool2d(2)?
            .flatten_from(1)?;
        Ok(x.matmul(&v[4].as_tensor().t()?)?
            .broadcast_add(v[5].as_tensor())?)
    }

    /// Mean cross-entropy of the batch.
    pub fn loss(&self, images: &[f32], labels: &[u32]) -> Result<Tensor, TrainError> {
        let logits = self.forward(images)?;
        let y = Tensor::from_slice(labels, labels.len(), &Device::Cpu)?;
        Ok(candle_nn::loss::cross_entropy(&logits, &y)?)
    }

    /// Fraction of `labels` predicted correctly.
    pub fn accuracy(&self, images: &[f32], labels: &[u32]) -> Result<f64, TrainError> {
        if labels.is_empty() {
            return Ok(0.0);
        }
        let pred = self.forward(images)?.argmax(1)?.to_dtype(DType::U32)?;
        let pred = pred.to_vec1::<u32>()?;
        let hits = pred.iter().zip(labels).filter(|(p, y)| p == y).count();
        Ok(hits as f64 / labels.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_seeded_init() -> Result<(), TrainError> {
        let p = initial_params(3);
        let total: usize = layout().iter().map(TensorSpec::len).sum();
        assert_eq!(p.iter().map(Vec::len).sum::<usize>(), total);
        assert_eq!(total, 3818);
        assert_eq!(p, initial_params(3));
        assert_ne!(p, initial_params(4));
        let m = Cnn::new(&p)?;
        let logits = m.forward(&vec![0.5; 5 * PIXELS])?;
        assert_eq!(logits.dims(), &[5, CLASSES]);
        Ok(())
    }
}

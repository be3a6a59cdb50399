//! N data-parallel replicas: identical initial parameters, each computes the
//! gradient of its own shard (candle backward), all apply the same averaged
//! gradient with their own (identical) AdamW state, and their parameters are
//! checked to be bit-identical.

use super::error::TrainError;
use super::model::{Cnn, LAYOUT};
use candle_core::backprop::GradStore;
use candle_core::{Device, Tensor};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};

/// Per-worker, per-tensor flat gradients: `grads[worker][tensor][i]`.
pub type WorkerGrads = Vec<Vec<Vec<f32>>>;

pub struct Replica {
    pub model: Cnn,
    opt: AdamW,
}

impl Replica {
    pub fn new(params: &[Vec<f32>], lr: f64) -> Result<Self, TrainError> {
        let model = Cnn::new(params)?;
        let opt = AdamW::new(
            model.vars.clone(),
            ParamsAdamW {
                lr,
                weight_decay: 0.0,
                ..ParamsAdamW::default()
            },
        )?;
        Ok(Self { model, opt })
    }

    /// The local loss and per-tensor gradient of one shard.
    pub fn local_gradient(
        &self,
        images: &[f32],
        labels: &[u32],
    ) -> Result<(f32, Vec<Vec<f32>>), TrainError> {
        let loss = self.model.loss(images, labels)?;
        let grads = loss.backward()?;
        let mut out = Vec::with_capacity(self.model.vars.len());
        for v in &self.model.vars {
            let g = match grads.get(v.as_tensor()) {
                Some(g) => g.flatten_all()?.to_vec1::<f32>()?,
                // A parameter the loss does not reach has zero gradient.
                None => vec![0.0; v.as_tensor().elem_count()],
            };
            out.push(g);
        }
        Ok((loss.to_scalar::<f32>()?, out))
    }

    /// One optimizer step with the (averaged) gradient `grads`.
    pub fn apply(&mut self, grads: &[Vec<f32>]) -> Result<(), TrainError> {
        let mut store = GradStore::default();
        for ((v, g), (_, shape, _)) in self.model.vars.iter().zip(grads).zip(LAYOUT.iter()) {
            store.insert(v.as_tensor(), Tensor::from_slice(g, *shape, &Device::Cpu)?);
        }
        self.opt.step(&store)?;
        Ok(())
    }
}

/// Errors unless every replica's parameters are bit-identical to replica 0's.
pub fn check_identical(replicas: &[Replica], epoch: usize) -> Result<u64, TrainError> {
    let mut reference = None;
    for (i, r) in replicas.iter().enumerate() {
        let h = r.model.param_hash()?;
        match reference {
            None => reference = Some(h),
            Some(h0) if h0 != h => {
                return Err(TrainError::Diverged {
                    epoch,
                    replica: i,
                    hash: h,
                    reference: h0,
                })
            }
            Some(_) => {}
        }
    }
    Ok(reference.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::data::PIXELS;
    use crate::train::model::initial_params;

    #[test]
    fn same_gradient_keeps_replicas_identical_and_different_ones_diverge() -> Result<(), TrainError>
    {
        let p = initial_params(1);
        let mut reps = vec![Replica::new(&p, 1e-3)?, Replica::new(&p, 1e-3)?];
        let x: Vec<f32> = (0..4 * PIXELS).map(|i| (i % 17) as f32 / 16.0).collect();
        let y = [0u32, 3, 5, 9];
        let (loss, g) = reps[0].local_gradient(&x, &y)?;
        assert!(loss.is_finite() && loss > 0.0);
        assert!(g.iter().flatten().any(|&v| v != 0.0));
        for r in reps.iter_mut() {
            r.apply(&g)?;
        }
        check_identical(&reps, 0)?;
        // A replica fed a different gradient is caught.
        let (_, g2) = reps[1].local_gradient(&x[..2 * PIXELS], &y[..2])?;
        reps[1].apply(&g2)?;
        reps[0].apply(&g)?;
        assert!(matches!(
            check_identical(&reps, 1),
            Err(TrainError::Diverged { replica: 1, .. })
        ));
        Ok(())
    }
}

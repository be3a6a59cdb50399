//! N data-parallel replicas: identical initial parameters, each computes the
//! gradient of its own shard (candle backward), all apply the same averaged
//! gradient with their own (identical) AdamW state, and their parameters are
//! checked to be bit-identical.

use super::error::TrainError;
use super::workload::TensorSpec;
use candle_core::backprop::GradStore;
use candle_core::{Device, Tensor, Var};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};

/// Per-worker, per-tensor flat gradients: `grads[worker][tensor][i]`.
pub type WorkerGrads = Vec<Vec<Vec<f32>>>;

pub struct Replica {
    pub vars: Vec<Var>,
    shapes: Vec<Vec<usize>>,
    opt: AdamW,
}

impl Replica {
    pub fn new(layout: &[TensorSpec], params: &[Vec<f32>], lr: f64) -> Result<Self, TrainError> {
        let vars = layout
            .iter()
            .zip(params)
            .map(|(spec, p)| Var::from_vec(p.clone(), spec.shape.as_slice(), &Device::Cpu))
            .collect::<Result<Vec<_>, _>>()?;
        let opt = AdamW::new(
            vars.clone(),
            ParamsAdamW {
                lr,
                weight_decay: 0.0,
                ..ParamsAdamW::default()
            },
        )?;
        Ok(Self {
            vars,
            shapes: layout.iter().map(|s| s.shape.clone()).collect(),
            opt,
        })
    }

    /// The value and per-tensor gradient of `loss` (a scalar computed from
    /// this replica's `vars`).
    pub fn local_gradient(&self, loss: &Tensor) -> Result<(f32, Vec<Vec<f32>>), TrainError> {
        let grads = loss.backward()?;
        let mut out = Vec::with_capacity(self.vars.len());
        for v in &self.vars {
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
        for ((v, g), shape) in self.vars.iter().zip(grads).zip(&self.shapes) {
            store.insert(
                v.as_tensor(),
                Tensor::from_slice(g, shape.as_slice(), &Device::Cpu)?,
            );
        }
        self.opt.step(&store)?;
        Ok(())
    }

    /// The parameters as flat vectors, in layout order.
    pub fn params(&self) -> Result<Vec<Vec<f32>>, TrainError> {
        self.vars
            .iter()
            .map(|v| Ok(v.as_tensor().flatten_all()?.to_vec1::<f32>()?))
            .collect()
    }

    /// FNV-1a over the bit patterns of every parameter: equal iff bit-identical.
    pub fn param_hash(&self) -> Result<u64, TrainError> {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for p in self.params()? {
            for x in p {
                for byte in x.to_bits().to_le_bytes() {
                    h ^= u64::from(byte);
                    h = h.wrapping_mul(0x0000_0100_0000_01b3);
                }
            }
        }
        Ok(h)
    }
}

/// Errors unless every replica's parameters are bit-identical to replica 0's.
pub fn check_identical(replicas: &[Replica], epoch: usize) -> Result<u64, TrainError> {
    let mut reference = None;
    for (i, r) in replicas.iter().enumerate() {
        let h = r.param_hash()?;
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
    use crate::digits::data::PIXELS;
    use crate::digits::model::{initial_params, layout, Cnn};

    #[test]
    fn same_gradient_keeps_replicas_identical_and_different_ones_diverge() -> Result<(), TrainError>
    {
        let p = initial_params(1);
        let l = layout();
        let mut reps = vec![Replica::new(&l, &p, 1e-3)?, Replica::new(&l, &p, 1e-3)?];
        assert_eq!(reps[0].params()?, p);
        let x: Vec<f32> = (0..4 * PIXELS).map(|i| (i % 17) as f32 / 16.0).collect();
        let y = [0u32, 3, 5, 9];
        let loss = |r: &Replica, n: usize| Cnn::from_vars(&r.vars).loss(&x[..n * PIXELS], &y[..n]);
        let (l0, g) = reps[0].local_gradient(&loss(&reps[0], 4)?)?;
        assert!(l0.is_finite() && l0 > 0.0);
        assert!(g.iter().flatten().any(|&v| v != 0.0));
        for r in reps.iter_mut() {
            r.apply(&g)?;
        }
        check_identical(&reps, 0)?;
        // A replica fed a different gradient is caught.
        let (_, g2) = reps[1].local_gradient(&loss(&reps[1], 2)?)?;
        reps[1].apply(&g2)?;
        reps[0].apply(&g)?;
        assert!(matches!(
            check_identical(&reps, 1),
            Err(TrainError::Diverged { replica: 1, .. })
        ));
        Ok(())
    }
}

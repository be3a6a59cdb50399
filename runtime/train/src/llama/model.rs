//! A small LLaMA-style decoder on candle tensors (candle does the
//! autograd): token embedding → L × [RMSNorm → causal multi-head
//! self-attention with rotary position embeddings → residual, RMSNorm →
//! SwiGLU MLP → residual] → RMSNorm → LM head tied to the embedding.
//!
//! candle-nn's fused kernels (`ops::rms_norm`, `rotary_emb::rope`,
//! `ops::softmax_last_dim`) have no backward pass, so training uses the
//! composed, differentiable forms: `RmsNorm::forward_diff`,
//! `rotary_emb::rope_slow` and `ops::softmax`.

use crate::error::TrainError;
use crate::workload::TensorSpec;
use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::rotary_emb::rope_slow;
use candle_nn::RmsNorm;
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use serde::Serialize;

const RMS_EPS: f64 = 1e-5;
const ROPE_BASE: f64 = 10_000.0;
/// Standard deviation of the initial projection and embedding weights.
const INIT_STD: f64 = 0.02;
/// Tensors per block: attn_norm, wq, wk, wv, wo, mlp_norm, w_gate, w_up, w_down.
const PER_BLOCK: usize = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LlamaConfig {
    pub vocab: usize,
    pub d_model: usize,
    pub layers: usize,
    pub heads: usize,
    /// Tokens per training sequence (and the rotary table's length).
    pub context: usize,
    /// SwiGLU hidden width.
    pub hidden: usize,
}

impl LlamaConfig {
    /// The LLaMA hidden width for `d_model`: 2/3 of 4·d, rounded up to a
    /// multiple of 8.
    pub fn swiglu_hidden(d_model: usize) -> usize {
        (8 * d_model / 3).div_ceil(8) * 8
    }

    pub fn head_dim(&self) -> usize {
        self.d_model / self.heads.max(1)
    }

    pub fn validate(&self) -> Result<(), TrainError> {
        let bad = |m: String| Err(TrainError::Model(m));
        if self.vocab < 2 || self.d_model == 0 || self.layers == 0 || self.context == 0 {
            return bad(format!(
                "vocab ({}), d_model ({}), layers ({}) and context ({}) must be positive",
                self.vocab, self.d_model, self.layers, self.context
            ));
        }
        if self.heads == 0 || !self.d_model.is_multiple_of(self.heads) {
            return bad(format!(
                "--d-model {} must be a multiple of --heads {}",
                self.d_model, self.heads
            ));
        }
        if !self.head_dim().is_multiple_of(2) {
            return bad(format!(
                "the head width d_model/heads = {} must be even for rotary embeddings",
                self.head_dim()
            ));
        }
        Ok(())
    }

    /// Every parameter tensor, in order.
    pub fn layout(&self) -> Vec<TensorSpec> {
        let (d, f) = (self.d_model, self.hidden);
        let mut l = vec![TensorSpec::new("tok_emb", &[self.vocab, d])];
        for b in 0..self.layers {
            let p = |n: &str| format!("block{b}.{n}");
            l.push(TensorSpec::new(p("attn_norm"), &[d]));
            for w in ["wq", "wk", "wv", "wo"] {
                l.push(TensorSpec::new(p(w), &[d, d]));
            }
            l.push(TensorSpec::new(p("mlp_norm"), &[d]));
            l.push(TensorSpec::new(p("w_gate"), &[f, d]));
            l.push(TensorSpec::new(p("w_up"), &[f, d]));
            l.push(TensorSpec::new(p("w_down"), &[d, f]));
        }
        l.push(TensorSpec::new("final_norm", &[d]));
        l
    }

    /// Initial values for `seed` (ChaCha8): norms 1, weights N(0, 0.02²),
    /// the residual outputs (wo, w_down) scaled by 1/√(2L) as in GPT-2.
    pub fn initial_params(&self, seed: u64) -> Vec<Vec<f32>> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let residual = INIT_STD / (2.0 * self.layers as f64).sqrt();
        self.layout()
            .iter()
            .map(|spec| {
                let std = if spec.name.ends_with("norm") {
                    return vec![1.0; spec.len()];
                } else if spec.name.ends_with(".wo") || spec.name.ends_with(".w_down") {
                    residual
                } else {
                    INIT_STD
                };
                (0..spec.len())
                    .map(|_| (std * rng.sample::<f64, _>(StandardNormal)) as f32)
                    .collect()
            })
            .collect()
    }
}

/// The model's constants (rotary tables, causal mask) for one config.
#[derive(Debug, Clone)]
pub struct Llama {
    pub cfg: LlamaConfig,
    cos: Tensor,
    sin: Tensor,
    mask: Tensor,
}

/// x [M, in] · Wᵀ for W [out, in].
fn linear(x: &Tensor, w: &Tensor) -> candle_core::Result<Tensor> {
    x.matmul(&w.t()?)
}

impl Llama {
    pub fn new(cfg: LlamaConfig) -> Result<Self, TrainError> {
        cfg.validate()?;
        let (t, half) = (cfg.context, cfg.head_dim() / 2);
        let mut cos = Vec::with_capacity(t * half);
        let mut sin = Vec::with_capacity(t * half);
        for pos in 0..t {
            for i in 0..half {
                let freq = ROPE_BASE.powf(-(2.0 * i as f64) / cfg.head_dim() as f64);
                let a = pos as f64 * freq;
                cos.push(a.cos() as f32);
                sin.push(a.sin() as f32);
            }
        }
        // Large negative rather than −∞: exp underflows to exactly 0 and no
        // inf − inf can appear.
        let mask: Vec<f32> = (0..t * t)
            .map(|k| if k % t > k / t { -1e9 } else { 0.0 })
            .collect();
        let dev = &Device::Cpu;
        Ok(Self {
            cfg,
            cos: Tensor::from_vec(cos, (t, half), dev)?,
            sin: Tensor::from_vec(sin, (t, half), dev)?,
            mask: Tensor::from_vec(mask, (t, t), dev)?,
        })
    }

    fn rms(x: &Tensor, w: &Tensor) -> candle_core::Result<Tensor> {
        RmsNorm::new(w.clone(), RMS_EPS).forward_diff(x)
    }

    /// Logits [B·T, vocab] for `tokens` (B sequences of T = context tokens,
    /// concatenated); `w` are the parameters in layout order.
    pub fn forward(&self, w: &[Tensor], tokens: &[u32]) -> Result<Tensor, TrainError> {
        let c = &self.cfg;
        let (t, d, nh, hd) = (c.context, c.d_model, c.heads, c.head_dim());
        if w.len() != 2 + PER_BLOCK * c.layers
            || tokens.is_empty()
            || !tokens.len().is_multiple_of(t)
        {
            return Err(TrainError::Model(format!(
                "{} tensors and {} tokens do not fit the model",
                w.len(),
                tokens.len()
            )));
        }
        let b = tokens.len() / t;
        let ids = Tensor::from_slice(tokens, tokens.len(), &Device::Cpu)?;
        let emb = &w[0];
        let mut x = emb.index_select(&ids, 0)?; // [B·T, d]
        let heads = |y: Tensor| -> candle_core::Result<Tensor> {
            y.reshape((b, t, nh, hd))?.transpose(1, 2)?.contiguous()
        };
        let scale = 1.0 / (hd as f64).sqrt();
        for blk in w[1..1 + PER_BLOCK * c.layers].chunks_exact(PER_BLOCK) {
            let h = Self::rms(&x, &blk[0])?;
            let q = rope_slow(&heads(linear(&h, &blk[1])?)?, &self.cos, &self.sin)?;
            let k = rope_slow(&heads(linear(&h, &blk[2])?)?, &self.cos, &self.sin)?;
            let v = heads(linear(&h, &blk[3])?)?;
            let att = (q.matmul(&k.t()?.contiguous()?)? * scale)?.broadcast_add(&self.mask)?;
            let att = candle_nn::ops::softmax(&att, D::Minus1)?;
            let y = att
                .matmul(&v)?
                .transpose(1, 2)?
                .contiguous()?
                .reshape((b * t, d))?;
            x = (x + linear(&y, &blk[4])?)?;
            let h = Self::rms(&x, &blk[5])?;
            let gate = linear(&h, &blk[6])?.silu()?;
            let up = linear(&h, &blk[7])?;
            x = (x + linear(&(gate * up)?, &blk[8])?)?;
        }
        let x = Self::rms(&x, &w[w.len() - 1])?;
        Ok(linear(&x, emb)?)
    }

    /// Mean next-token cross-entropy of `targets` given `tokens`.
    pub fn loss(
        &self,
        w: &[Tensor],
        tokens: &[u32],
        targets: &[u32],
    ) -> Result<Tensor, TrainError> {
        let logits = self.forward(w, tokens)?;
        let y = Tensor::from_slice(targets, targets.len(), &Device::Cpu)?;
        Ok(candle_nn::loss::cross_entropy(&logits, &y)?)
    }
}

/// The parameters as tensors that record the graph (training).
pub fn tracked(vars: &[Var]) -> Vec<Tensor> {
    vars.iter().map(|v| v.as_tensor().clone()).collect()
}

/// The parameters as constants (evaluation: no graph is built).
pub fn detached(vars: &[Var]) -> Vec<Tensor> {
    vars.iter().map(|v| v.as_tensor().detach()).collect()
}

/// Sum of next-token cross-entropy over `tokens`/`targets`, in batches of
/// `batch` sequences, without building a graph.
pub fn total_nll(
    model: &Llama,
    vars: &[Var],
    tokens: &[u32],
    targets: &[u32],
    batch: usize,
) -> Result<f64, TrainError> {
    let w = detached(vars);
    let per = batch.max(1) * model.cfg.context;
    let mut sum = 0.0f64;
    for (x, y) in tokens.chunks(per).zip(targets.chunks(per)) {
        let mean = model
            .loss(&w, x, y)?
            .to_dtype(DType::F64)?
            .to_scalar::<f64>()?;
        sum += mean * x.len() as f64;
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> LlamaConfig {
        LlamaConfig {
            vocab: 11,
            d_model: 8,
            layers: 2,
            heads: 2,
            context: 5,
            hidden: LlamaConfig::swiglu_hidden(8),
        }
    }

    #[test]
    fn shapes_init_and_validation() -> Result<(), TrainError> {
        let c = tiny();
        assert_eq!(c.hidden, 24);
        assert_eq!(LlamaConfig::swiglu_hidden(64), 176);
        let p = c.initial_params(1);
        assert_eq!(p.len(), c.layout().len());
        assert_eq!(p, c.initial_params(1));
        assert_ne!(p, c.initial_params(2));
        assert!(p[1].iter().all(|&x| x == 1.0));
        let m = Llama::new(c)?;
        let w: Vec<Tensor> = c
            .layout()
            .iter()
            .zip(&p)
            .map(|(s, v)| Tensor::from_slice(v, s.shape.as_slice(), &Device::Cpu))
            .collect::<Result<_, _>>()?;
        let tokens: Vec<u32> = (0..10).map(|i| i % 11).collect();
        assert_eq!(m.forward(&w, &tokens)?.dims(), &[10, 11]);
        // Near-uniform at init: loss ≈ ln(vocab) for targets other than the
        // input (the tied head favours the input token itself).
        let next: Vec<u32> = tokens.iter().map(|t| (t + 1) % 11).collect();
        let l = m.loss(&w, &tokens, &next)?.to_scalar::<f32>()?;
        assert!((f64::from(l) - 11f64.ln()).abs() < 0.3, "{l}");
        assert!(m.forward(&w, &tokens[..7]).is_err());
        assert!(Llama::new(LlamaConfig { heads: 3, ..c }).is_err());
        assert!(Llama::new(LlamaConfig {
            d_model: 6,
            heads: 2,
            ..c
        })
        .is_err());
        Ok(())
    }

    /// `optc train --llama-config paper`: 8 layers, d = 384, 8 heads on the
    /// corpus's 3,188-word vocabulary (spec/train.md).
    #[test]
    fn paper_shape_parameter_count() {
        let c = LlamaConfig {
            vocab: 3188,
            d_model: 384,
            layers: 8,
            heads: 8,
            context: 128,
            hidden: LlamaConfig::swiglu_hidden(384),
        };
        assert_eq!(c.hidden, 1024);
        let count: usize = c
            .layout()
            .iter()
            .map(|t| t.shape.iter().product::<usize>())
            .sum();
        // V·d + L·(4d² + 3·d·h + 2d) + d.
        assert_eq!(
            count,
            3188 * 384 + 8 * (4 * 384 * 384 + 3 * 384 * 1024 + 2 * 384) + 384
        );
        assert_eq!(count, 15_386_496);
        assert!(c.validate().is_ok());
    }

    #[test]
    fn attention_is_causal() -> Result<(), TrainError> {
        // Changing a later token must not change earlier positions' logits.
        let c = tiny();
        let m = Llama::new(c)?;
        let w: Vec<Tensor> = c
            .layout()
            .iter()
            .zip(c.initial_params(3))
            .map(|(s, v)| Tensor::from_vec(v, s.shape.as_slice(), &Device::Cpu))
            .collect::<Result<_, _>>()?;
        let a = m.forward(&w, &[1, 2, 3, 4, 5])?.to_vec2::<f32>()?;
        let b = m.forward(&w, &[1, 2, 3, 9, 10])?.to_vec2::<f32>()?;
        assert_eq!(a[..3], b[..3]);
        assert_ne!(a[3], b[3]);
        Ok(())
    }

    #[test]
    fn gradients_reach_every_tensor() -> Result<(), TrainError> {
        let c = tiny();
        let m = Llama::new(c)?;
        let vars: Vec<Var> = c
            .layout()
            .iter()
            .zip(c.initial_params(4))
            .map(|(s, v)| Var::from_vec(v, s.shape.as_slice(), &Device::Cpu))
            .collect::<Result<_, _>>()?;
        let loss = m.loss(&tracked(&vars), &[1, 2, 3, 4, 5], &[2, 3, 4, 5, 6])?;
        let g = loss.backward()?;
        for (v, s) in vars.iter().zip(c.layout()) {
            let gv = g
                .get(v.as_tensor())
                .ok_or_else(|| TrainError::Model(format!("no gradient for {}", s.name)))?;
            let n = gv.sqr()?.sum_all()?.to_scalar::<f32>()?;
            assert!(n > 0.0 && n.is_finite(), "{}: |g|² = {n}", s.name);
        }
        Ok(())
    }
}

//! Named workloads and accelerators of `optc model` (spec/model.md,
//! "Presets", derives every number).

use super::setting::{Accelerator, Workload};

/// A LLaMA-style decoder's shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decoder {
    pub vocab: usize,
    pub d_model: usize,
    pub layers: usize,
    pub heads: usize,
    /// Key/value heads (grouped-query attention; = heads without it).
    pub kv_heads: usize,
    /// SwiGLU hidden width.
    pub hidden: usize,
    /// Tokens per sequence.
    pub context: usize,
    /// Output head shares the embedding.
    pub tied: bool,
}

impl Decoder {
    /// Embedding, per block 2 RMSNorm gains + q, k, v, o + SwiGLU, final
    /// norm, and the output head unless tied.
    pub fn params(&self) -> f64 {
        let d = self.d_model as f64;
        let kv = (self.kv_heads * (self.d_model / self.heads)) as f64;
        let block = 2.0 * d * d + 2.0 * d * kv + 3.0 * d * self.hidden as f64 + 2.0 * d;
        let embed = (self.vocab * self.d_model) as f64;
        embed * if self.tied { 1.0 } else { 2.0 } + self.layers as f64 * block + d
    }

    /// Training FLOPs of one sequence: per token 6 per matmul weight (the
    /// input embedding is a lookup: excluded) plus 12·L·d·T for the
    /// attention scores and their weighted sums (forward 4·L·d·T, ×3).
    pub fn train_flops_per_sample(&self) -> f64 {
        let lookup = if self.tied {
            0.0
        } else {
            (self.vocab * self.d_model) as f64
        };
        let t = self.context as f64;
        let per_token =
            6.0 * (self.params() - lookup) + 12.0 * (self.layers * self.d_model) as f64 * t;
        per_token * t
    }
}

/// The paper's LLaMA-style model (8 layers, d = 384, 8 heads); vocabulary
/// and context are assumptions: LLaMA's 32,000-token vocabulary, 512 tokens.
pub const PAPER_LLAMA: Decoder = Decoder {
    vocab: 32_000,
    d_model: 384,
    layers: 8,
    heads: 8,
    kv_heads: 8,
    hidden: 1024,
    context: 512,
    tied: false,
};

/// LLaMA-7B (Touvron et al. 2023): 6,738,415,616 parameters.
pub const LLAMA_7B: Decoder = Decoder {
    vocab: 32_000,
    d_model: 4096,
    layers: 32,
    heads: 32,
    kv_heads: 32,
    hidden: 11_008,
    context: 2048,
    tied: false,
};

/// LLaMA-2-70B (grouped-query attention, 8 KV heads): 68,976,648,192
/// parameters.
pub const LLAMA_70B: Decoder = Decoder {
    vocab: 32_000,
    d_model: 8192,
    layers: 80,
    heads: 64,
    kv_heads: 8,
    hidden: 28_672,
    context: 4096,
    tied: false,
};

/// ResNet-50 for CIFAR-100 with the CIFAR stem (3×3 stride-1 first
/// convolution, no max-pool) and a 100-class head.
pub const RESNET50_CIFAR100_PARAMS: f64 = 23_705_252.0;
/// 1.30 GMAC forward at 32×32; training = 3 × forward, 2 FLOPs per MAC.
pub const RESNET50_CIFAR100_TRAIN_FLOPS: f64 = 3.0 * 2.0 * 1.30e9;

/// The named workloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelPreset {
    Resnet50Cifar100,
    PaperLlama,
    Llama7b,
    Llama70b,
}

impl ModelPreset {
    pub fn name(self) -> &'static str {
        match self {
            ModelPreset::Resnet50Cifar100 => "resnet50-cifar100",
            ModelPreset::PaperLlama => "paper-llama",
            ModelPreset::Llama7b => "llama-7b",
            ModelPreset::Llama70b => "llama-70b",
        }
    }

    /// The decoder behind a language-model preset.
    pub fn decoder(self) -> Option<Decoder> {
        match self {
            ModelPreset::Resnet50Cifar100 => None,
            ModelPreset::PaperLlama => Some(PAPER_LLAMA),
            ModelPreset::Llama7b => Some(LLAMA_7B),
            ModelPreset::Llama70b => Some(LLAMA_70B),
        }
    }

    /// Samples per server per step: ResNet-50 a global batch of 128 on 4
    /// servers; the decoders one micro-batch per accelerator (sequences).
    pub fn samples_per_server(self) -> f64 {
        match self {
            ModelPreset::Resnet50Cifar100 => 32.0,
            ModelPreset::PaperLlama => 8.0,
            ModelPreset::Llama7b => 8.0,
            ModelPreset::Llama70b => 4.0,
        }
    }

    pub fn workload(self) -> Workload {
        let (params, flops) = match self.decoder() {
            None => (RESNET50_CIFAR100_PARAMS, RESNET50_CIFAR100_TRAIN_FLOPS),
            Some(d) => (d.params(), d.train_flops_per_sample()),
        };
        Workload {
            name: self.name().into(),
            params,
            train_flops_per_sample: flops,
            samples_per_server: self.samples_per_server(),
        }
    }
}

/// H100 SXM: 989.4 TFLOP/s dense BF16; 40% sustained.
pub fn h100() -> Accelerator {
    Accelerator {
        name: "h100".into(),
        peak_flops: 989.4e12,
        utilization: 0.4,
    }
}

/// A100 SXM: 312 TFLOP/s dense BF16; 40% sustained.
pub fn a100() -> Accelerator {
    Accelerator {
        name: "a100".into(),
        peak_flops: 312e12,
        utilization: 0.4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_parameter_counts() {
        assert_eq!(LLAMA_7B.params(), 6_738_415_616.0);
        assert_eq!(LLAMA_70B.params(), 68_976_648_192.0);
        // 2·32000·384 + 8·(2·384² + 2·384² + 3·384·1024 + 768) + 384.
        assert_eq!(PAPER_LLAMA.params(), 38_738_304.0);
    }

    #[test]
    fn decoder_flops_by_hand() {
        // 7B: (6·(P − V·d) + 12·32·4096·2048)·2048.
        let p = 6_738_415_616.0 - 32_000.0 * 4096.0;
        let per_token = 6.0 * p + 12.0 * 32.0 * 4096.0 * 2048.0;
        assert_eq!(LLAMA_7B.train_flops_per_sample(), per_token * 2048.0);
        let tied = Decoder {
            tied: true,
            ..PAPER_LLAMA
        };
        assert_eq!(tied.params(), 38_738_304.0 - 32_000.0 * 384.0);
        let t = 512.0;
        assert_eq!(
            tied.train_flops_per_sample(),
            (6.0 * tied.params() + 12.0 * 8.0 * 384.0 * t) * t
        );
    }
}

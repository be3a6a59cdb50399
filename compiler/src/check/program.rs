//! The checked program: typed, validated declarations. Every value here has
//! passed the checks in spec/language.md ("Semantic rules").

use crate::syntax::Span;
use optc_model::device::DeviceParams;
use optc_model::mesh::MeshDesign;
use optc_model::Complex64;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub devices: Vec<Device>,
    pub reducers: Vec<Reducer>,
    pub linears: Vec<LinearNetwork>,
}

impl Program {
    /// "2 devices, 1 reducer, 1 linear network"
    pub fn summary(&self) -> String {
        fn count(n: usize, one: &str, many: &str) -> String {
            format!("{n} {}", if n == 1 { one } else { many })
        }
        format!(
            "{}, {}, {}",
            count(self.devices.len(), "device", "devices"),
            count(self.reducers.len(), "reducer", "reducers"),
            count(self.linears.len(), "linear network", "linear networks")
        )
    }
}

/// A named device profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub name: String,
    pub params: DeviceParams,
    pub span: Span,
}

/// The device a network targets (resolved; `ideal` and `realistic` are built in).
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRef {
    pub name: String,
    pub params: DeviceParams,
}

impl DeviceRef {
    pub fn ideal() -> Self {
        DeviceRef {
            name: "ideal".into(),
            params: DeviceParams::IDEAL,
        }
    }

    /// A built-in profile by name (`check::names::BUILTIN_DEVICES`).
    pub fn builtin(name: &str) -> Option<Self> {
        let params = match name {
            "ideal" => DeviceParams::IDEAL,
            "realistic" => DeviceParams::REALISTIC,
            _ => return None,
        };
        Some(DeviceRef {
            name: name.into(),
            params,
        })
    }
}

/// An optical reducer: N servers' b-bit codes in, the reduced b-bit code out.
#[derive(Debug, Clone, PartialEq)]
pub struct Reducer {
    pub name: String,
    pub span: Span,
    pub servers: usize,
    pub bits: u32,
    pub reduce: Reduction,
    pub round: Rounding,
    pub preprocess: Preprocess,
    pub realization: Realization,
    /// How each code travels to the reducer.
    pub link: Link,
    /// A digit-serial tree's fan-ins, leaves first (`cascade = [...]`).
    pub cascade: Option<Vec<usize>>,
    pub device: DeviceRef,
    /// Present exactly when the realization is `Onn`.
    pub train: Option<TrainSettings>,
    /// The 2×2 cell every MZI of the onn's meshes is (`cell = ...`).
    pub cell: optc_model::mzi::MziCell,
}

impl Reducer {
    /// Number of bits the reducer delivers (see spec: "Output bits").
    pub fn output_bits(&self) -> u32 {
        output_bits(self.bits, self.servers, &self.reduce)
    }
}

/// Bits needed for the result: `bits` for a mean (or weights whose absolute
/// sum is at most 1), plus ceil(log2(growth)) when the result can grow.
pub fn output_bits(bits: u32, servers: usize, reduce: &Reduction) -> u32 {
    let growth = match reduce {
        Reduction::Mean => 1.0,
        Reduction::Sum => servers as f64,
        Reduction::Weighted(w) => w.iter().map(|x| x.abs()).sum::<f64>().max(1.0),
    };
    bits + growth.log2().ceil().max(0.0) as u32
}

/// The link encoding of the servers' codes (`link = ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Link {
    /// One optical amplitude per code (2^b − 1 levels).
    #[default]
    Amplitude,
    /// ⌈b/2⌉ PAM4 symbols per code, reduced digit-serially.
    Pam4,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Reduction {
    Mean,
    Sum,
    /// One weight per server.
    Weighted(Vec<f64>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Round half to even (banker's rounding), the reducer contract.
    HalfEven,
}

/// The fixed linear optical stage in front of the trained part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preprocess {
    /// Every server's signal goes on to the next stage (width N).
    None,
    /// Coherent combination into one full sum (width 1).
    Sum,
    /// Sums of consecutive groups of `group` servers (width N / group).
    Partial { group: usize },
}

impl Preprocess {
    /// The number of signals after preprocessing.
    pub fn out_width(self, servers: usize) -> usize {
        match self {
            Preprocess::None => servers,
            Preprocess::Sum => 1,
            Preprocess::Partial { group } => servers / group.max(1),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Realization {
    /// The exact linear path: combine, then re-quantize by detection.
    Linear,
    /// A trained optical neural network.
    Onn(Onn),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Onn {
    pub layers: Vec<OnnLayer>,
    pub detect: Detection,
}

/// One ONN layer: a weight matrix (out × in) realized optically, then an
/// optional activation on its outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct OnnLayer {
    pub in_width: usize,
    pub out_width: usize,
    pub weights: WeightRealization,
    pub mesh: MeshDesign,
    pub activation: Activation,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Activation {
    None,
    /// Electro-optic activation (Williamson et al. 2020): gain g, bias φ_b
    /// (radians), tapped power fraction α. Gain and bias are optional: the
    /// reducer design chooses them (and rejects given values).
    Eo {
        gain: Option<f64>,
        bias_rad: Option<f64>,
        alpha: f64,
    },
}

/// How a weight matrix becomes optics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightRealization {
    /// W = U·Σ·V†: two meshes and a column of attenuators.
    Svd,
    /// W ≈ U·D: one mesh and attenuators.
    UnitaryDiag,
    /// Unitary×diagonal per k×k block of W.
    Segmented { block: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detection {
    /// One photodetector per output mode, compared against a threshold → one bit.
    Threshold,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainSettings {
    pub epochs: u32,
    pub lr: f64,
    pub seed: u64,
    pub noise_aware: bool,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            epochs: 300,
            lr: 0.01,
            seed: 0,
            noise_aware: false,
        }
    }
}

/// A plain linear optical network: a given matrix realized as meshes.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearNetwork {
    pub name: String,
    pub span: Span,
    /// rows = output modes, columns = input modes.
    pub matrix: nalgebra::DMatrix<Complex64>,
    pub source: MatrixSource,
    pub realize: LinearRealization,
    pub mesh: MeshDesign,
    /// Max |U·U† − I| entry allowed for `realize = unitary`.
    pub tolerance: f64,
    pub device: DeviceRef,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatrixSource {
    Inline,
    /// A loaded file: the path as written in the source, and resolved.
    File {
        written: String,
        resolved: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinearRealization {
    /// The matrix is unitary: one mesh directly.
    Unitary,
    Svd,
    UnitaryDiag,
    Segmented {
        block: usize,
    },
}

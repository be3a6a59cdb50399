//! The reducer's design description: a sequence of stages that the
//! compiler's emission lowers onto netlist components, and a readout. It
//! has no physics of its own: the netlist it becomes is the chip's only
//! model (spec/reducer.md).
//!
//! Inputs are implicit: server i's field x_i = q_i/Q enters on mode i
//! (see [`optc_model::encoding::encode_field`]). Every other mode starts dark.

use optc_model::encoding::BitCode;
use optc_model::mesh::Mesh;
use optc_model::mzi::MziCell;
use serde::{Deserialize, Serialize};

/// One physical stage. Modes are global indices into the circuit's field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Stage {
    /// Bias light: sets dark mode `mode` to the constant field amplitude·e^{i·phase}.
    Source {
        mode: usize,
        amplitude: f64,
        phase: f64,
    },
    /// An MZI mesh acting on modes `offset .. offset + mesh.modes`.
    Mesh {
        name: String,
        offset: usize,
        mesh: Mesh,
        trainable: bool,
    },
    /// A column of attenuators (ascending modes; only modes that carry light).
    Attenuators {
        name: String,
        column: Vec<Attenuator>,
    },
    /// Electro-optic activation (Williamson et al. 2020) on one mode:
    /// f(z) = i·√(1−α)·e^{−iΔ/2}·cos(Δ/2)·z, Δ = gain·|z|² + bias.
    Activation {
        mode: usize,
        alpha: f64,
        gain: f64,
        bias: f64,
    },
    /// A 1→K splitter tree (K−1 MZIs at 50:50 or unbalanced, ⌈log2 K⌉ deep):
    /// the field on `from` is divided equally, amplitude 1/√K, onto the dark
    /// modes `to` (`from` is left dark unless it is listed in `to`).
    FanOut { from: usize, to: Vec<usize> },
}

/// One attenuator: power transmission t ∈ [0, 1] on `mode`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Attenuator {
    pub mode: usize,
    pub transmission: f64,
}

/// A balanced (or single-ended, when `minus` is None) photodetector with a
/// comparator: bit = [P_plus − P_minus > threshold].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Detector {
    pub plus: usize,
    pub minus: Option<usize>,
    pub threshold: f64,
    /// Full scale: max of P_plus + P_minus over all inputs on the ideal
    /// device; detector noise is relative to it.
    pub full_scale: f64,
}

/// How the result leaves the circuit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Readout {
    /// Detector k gives result bit k; the bits encode the result in `code`.
    Bits {
        detectors: Vec<Detector>,
        code: BitCode,
    },
    /// Electronic receivers (linear realization): each receiver measures its
    /// field coherently (homodyne, real part), multiplies by `gain` to get
    /// Ŝ ≈ S, rounds Ŝ to an integer and computes round_half_even(Ŝ/N).
    Coherent { receivers: Vec<usize>, gain: f64 },
}

/// A complete reducer circuit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Circuit {
    /// Input channels: the servers, plus a stage's carry.
    pub servers: usize,
    pub bits: u32,
    pub modes: usize,
    pub stages: Vec<Stage>,
    pub readout: Readout,
    /// Set when the circuit is one digit-serial stage (its last input is
    /// the carry; `servers` counts the digit channels and the carry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<optc_formats::netlist::reducer_section::StageSpec>,
}

impl Circuit {
    /// Q = 2^(b−1) − 1.
    pub fn max_code(&self) -> i32 {
        (1i32 << (self.bits - 1)) - 1
    }

    /// The same circuit with every mesh's MZIs realised as `cell`s
    /// ([`Mesh::with_cell`]: exact on the ideal chip, each mesh's pushed
    /// phases land in its own output phase screen).
    pub fn with_cell(mut self, cell: MziCell) -> Circuit {
        for s in &mut self.stages {
            if let Stage::Mesh { mesh, .. } = s {
                if mesh.cell != cell {
                    *mesh = mesh.with_cell(cell);
                }
            }
        }
        self
    }

    /// Counts of each component kind, for reports.
    pub fn component_counts(&self) -> ComponentCounts {
        let mut c = ComponentCounts::default();
        for s in &self.stages {
            match s {
                Stage::Source { .. } => c.sources += 1,
                Stage::Mesh { mesh, .. } => c.mesh_mzis += mesh.mzis.len(),
                Stage::Attenuators { column, .. } => c.attenuators += column.len(),
                Stage::Activation { .. } => c.activations += 1,
                Stage::FanOut { to, .. } => c.fanout_mzis += to.len().saturating_sub(1),
            }
        }
        if let Readout::Bits { detectors, .. } = &self.readout {
            c.photodiodes = detectors
                .iter()
                .map(|d| 1 + usize::from(d.minus.is_some()))
                .sum();
        }
        c
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentCounts {
    pub sources: usize,
    pub mesh_mzis: usize,
    pub fanout_mzis: usize,
    pub attenuators: usize,
    pub activations: usize,
    pub photodiodes: usize,
}

//! The IR: one petgraph graph of stages per top-level network. Plain data;
//! every node carries what the checked declaration says about that stage,
//! so later passes can lower it into meshes without looking back at the AST.

use crate::check::program::{
    Activation, Detection, DeviceRef, LinearRealization, Link, MatrixSource, Preprocess, Reduction,
    Rounding, TrainSettings, WeightRealization,
};
use crate::syntax::Span;
use nalgebra::DMatrix;
use optc_model::mesh::MeshDesign;
use optc_model::Complex64;
use petgraph::graph::{DiGraph, NodeIndex};

/// One network's stage graph. Node indices are in signal order (inputs first).
#[derive(Debug, Clone)]
pub struct IrGraph {
    pub name: String,
    /// The declaration's name in the source (passes locate their errors here).
    pub span: Span,
    pub kind: NetworkKind,
    /// The device profile the network targets.
    pub device: DeviceRef,
    pub graph: DiGraph<Stage, Signal>,
}

impl IrGraph {
    /// The nodes in signal order (a topological order for every graph built here).
    pub fn stages(&self) -> impl Iterator<Item = (NodeIndex, &Stage)> {
        self.graph.node_indices().map(move |i| (i, &self.graph[i]))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum NetworkKind {
    Reducer {
        servers: usize,
        bits: u32,
        /// Bits of the delivered result (see `check::program::output_bits`).
        output_bits: u32,
        reduce: Reduction,
        round: Rounding,
        link: Link,
        /// A digit-serial tree's fan-ins (empty: one unit).
        cascade: Vec<usize>,
        /// Present for trained (onn) reducers.
        train: Option<TrainSettings>,
        /// The 2×2 cell of the onn's MZIs.
        cell: optc_model::mzi::MziCell,
    },
    Linear,
}

/// An edge: the signals flowing from one stage to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signal {
    /// Number of optical modes (or electrical lines) on the edge.
    pub width: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// Every server's b-bit signed code, encoded as light (one mode per server).
    ServerInputs { servers: usize, bits: u32 },
    /// The fixed linear optical preprocessing stage.
    Preprocess {
        kind: Preprocess,
        in_width: usize,
        out_width: usize,
    },
    /// The exact linear path: the reduction as a fixed linear combination to one signal.
    Combine { reduce: Reduction, in_width: usize },
    /// Re-quantization of the combined value to `bits` by detection and rounding.
    Quantize { bits: u32, round: Rounding },
    /// A trainable ONN weight layer (out × in), realized as meshes.
    Layer {
        index: usize,
        in_width: usize,
        out_width: usize,
        weights: WeightRealization,
        mesh: MeshDesign,
        /// The `layer` line in the source.
        span: Span,
    },
    /// The optical activation after layer `index`.
    Activation {
        index: usize,
        width: usize,
        activation: Activation,
    },
    /// Photodetection of each output mode into one bit.
    Detect { width: usize, mode: Detection },
    /// The result delivered back to every server.
    Broadcast { servers: usize, bits: u32 },
    /// Input modes of a linear network.
    ModeInputs { modes: usize },
    /// A given matrix (rows = outputs, columns = inputs) to realize.
    Matrix {
        matrix: DMatrix<Complex64>,
        realize: LinearRealization,
        mesh: MeshDesign,
        tolerance: f64,
        source: MatrixSource,
    },
    /// Output modes of a linear network.
    ModeOutputs { modes: usize },
}

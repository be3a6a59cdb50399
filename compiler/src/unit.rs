//! A compile unit: one network on its way from IR to files. Passes fill in
//! its lowering, netlist and report one after another.

use crate::check::program::LinearRealization;
use crate::diagnostics::Diagnostic;
use crate::emit::Report;
use crate::factor::Realization;
use crate::ir::IrGraph;
use crate::reducer::circuit::Circuit as ReducerCircuit;
use crate::syntax::Span;
use nalgebra::DMatrix;
use optc_formats::netlist::{Circuit, Netlist};
use optc_formats::phases::Phases;
use optc_model::contract::Contract;
use optc_model::mesh::MeshDesign;
use optc_model::Complex64;
use std::fmt::Write;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct CompileUnit {
    pub ir: IrGraph,
    /// The source file as given on the command line.
    pub source: String,
    pub linear: Option<LinearLowering>,
    pub reducer: Option<ReducerLowering>,
    pub netlist: Option<(Netlist, Phases)>,
    /// `netlist` validated, kept by the pass that validated it (verify) for
    /// the passes after it; [`crate::passes::emitted::kept_circuit`] uses
    /// it only while its name and structure hash are still the netlist's.
    pub circuit: Option<Circuit>,
    pub report: Report,
    /// What the passes warn about, each at the source construct concerned
    /// (`warn`); the driver renders them and lists them in the report.
    pub warnings: Vec<Diagnostic>,
    /// Wall time of each step this unit went through, in order: its passes
    /// by name, then the driver's rendering, read-back check and writing
    /// (`optc compile --time-passes`).
    pub timings: Vec<(&'static str, Duration)>,
}

/// A reducer's contract and the circuit model designed (and trained) for it.
#[derive(Debug, Clone)]
pub struct ReducerLowering {
    pub contract: Contract,
    /// `linear`, `onn` or `digit_serial`.
    pub realization: &'static str,
    /// The whole circuit, or one digit-serial stage's.
    pub circuit: ReducerCircuit,
    /// The stage chain of a digit-serial reducer (PAM4 links).
    pub chain: Option<optc_model::digit_serial::DigitSerial>,
    /// Widths of the ONN's weight meshes (empty for the linear realization).
    pub layer_widths: Vec<usize>,
    pub training_steps: usize,
    pub training_final_loss: Option<f64>,
    pub training_time_s: f64,
}

/// A linear network's matrix and the realization chosen for it.
#[derive(Debug, Clone)]
pub struct LinearLowering {
    pub target: DMatrix<Complex64>,
    pub realize: LinearRealization,
    pub mesh: MeshDesign,
    pub realization: Realization,
    /// `realization.matrix()`, computed once (O(N³)) for the passes that
    /// compare against it.
    pub realized: DMatrix<Complex64>,
}

impl CompileUnit {
    pub fn new(ir: IrGraph, source: &str) -> Self {
        CompileUnit {
            ir,
            source: source.to_string(),
            linear: None,
            reducer: None,
            netlist: None,
            circuit: None,
            report: Report::default(),
            warnings: Vec::new(),
            timings: Vec::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.ir.name
    }

    /// Records a warning about the source at `span` (e.g. `self.ir.span`,
    /// the network's declaration, or a layer's span).
    pub fn warn(&mut self, span: Span, message: impl Into<String>) {
        self.warnings.push(Diagnostic::warning(message, span));
    }

    /// The IR plus what the passes so far have attached to it (`--dump-after`).
    pub fn dump(&self) -> String {
        let mut out = crate::ir::print::print(&self.ir);
        if let Some(l) = &self.linear {
            let p = l.realization.ports();
            let _ = writeln!(
                out,
                "  lowered: {} realization on {} modes ({}×{} used), {} MZIs, gain {}",
                realization_name(&l.realization),
                p.modes,
                p.rows,
                p.cols,
                l.realization.mzi_count(),
                l.realization.gain()
            );
        }
        if let Some(r) = &self.reducer {
            let c = r.circuit.component_counts();
            let _ = writeln!(
                out,
                "  designed: {} reducer on {} modes, {} stages, {} mesh MZIs, {} sources, {} activations, {} photodiodes",
                r.realization,
                r.circuit.modes,
                r.circuit.stages.len(),
                c.mesh_mzis,
                c.sources,
                c.activations,
                c.photodiodes
            );
        }
        if let Some((netlist, phases)) = &self.netlist {
            let _ = writeln!(
                out,
                "  netlist: {} instances, {} connections, {} programmable settings",
                netlist.instances.len(),
                netlist.connections.len(),
                phases.settings.len()
            );
        }
        out
    }
}

pub fn realization_name(r: &Realization) -> &'static str {
    match r {
        Realization::Unitary(_) => "unitary",
        Realization::Svd(_) => "svd",
        Realization::UnitaryDiag(_) => "unitary_diag",
        Realization::Segmented(_) => "segmented",
    }
}

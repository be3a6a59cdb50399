//! Building the IR graphs from the checked program (one per reducer and per
//! linear network, in source order: reducers first, then linear networks).

use super::graph::{IrGraph, NetworkKind, Signal, Stage};
use crate::check::program::{Activation, LinearNetwork, Program, Realization, Reducer};
use petgraph::graph::{DiGraph, NodeIndex};

pub fn build(program: &Program) -> Vec<IrGraph> {
    let mut out: Vec<IrGraph> = program.reducers.iter().map(build_reducer).collect();
    out.extend(program.linears.iter().map(build_linear));
    out
}

/// Appends stages one after another, each fed by the previous one.
struct Chain {
    graph: DiGraph<Stage, Signal>,
    last: Option<(NodeIndex, usize)>,
}

impl Chain {
    fn new() -> Self {
        Chain {
            graph: DiGraph::new(),
            last: None,
        }
    }

    /// Adds `stage`, fed by the previous stage; `out_width` is what it emits.
    fn push(&mut self, stage: Stage, out_width: usize) {
        let n = self.graph.add_node(stage);
        if let Some((prev, width)) = self.last {
            self.graph.add_edge(prev, n, Signal { width });
        }
        self.last = Some((n, out_width));
    }
}

pub fn build_reducer(r: &Reducer) -> IrGraph {
    let mut c = Chain::new();
    let n = r.servers;
    let out_bits = r.output_bits();
    c.push(
        Stage::ServerInputs {
            servers: n,
            bits: r.bits,
        },
        n,
    );
    let pre = r.preprocess.out_width(n);
    c.push(
        Stage::Preprocess {
            kind: r.preprocess,
            in_width: n,
            out_width: pre,
        },
        pre,
    );
    match &r.realization {
        Realization::Linear => {
            c.push(
                Stage::Combine {
                    reduce: r.reduce.clone(),
                    in_width: pre,
                },
                1,
            );
            c.push(
                Stage::Quantize {
                    bits: out_bits,
                    round: r.round,
                },
                out_bits as usize,
            );
        }
        Realization::Onn(onn) => {
            for (index, l) in onn.layers.iter().enumerate() {
                c.push(
                    Stage::Layer {
                        index,
                        in_width: l.in_width,
                        out_width: l.out_width,
                        weights: l.weights,
                        mesh: l.mesh,
                        span: l.span,
                    },
                    l.out_width,
                );
                if l.activation != Activation::None {
                    c.push(
                        Stage::Activation {
                            index,
                            width: l.out_width,
                            activation: l.activation,
                        },
                        l.out_width,
                    );
                }
            }
            // The last layer's width: the result bits, or over PAM4 one
            // stage's bits (the onn describes a stage).
            let detected = onn.layers.last().map_or(out_bits as usize, |l| l.out_width);
            c.push(
                Stage::Detect {
                    width: detected,
                    mode: onn.detect,
                },
                detected,
            );
        }
    }
    c.push(
        Stage::Broadcast {
            servers: n,
            bits: out_bits,
        },
        n,
    );
    IrGraph {
        name: r.name.clone(),
        span: r.span,
        kind: NetworkKind::Reducer {
            servers: n,
            bits: r.bits,
            output_bits: out_bits,
            reduce: r.reduce.clone(),
            round: r.round,
            link: r.link,
            cascade: r.cascade.clone().unwrap_or_default(),
            train: r.train,
            cell: r.cell,
        },
        device: r.device.clone(),
        graph: c.graph,
    }
}

pub fn build_linear(l: &LinearNetwork) -> IrGraph {
    let mut c = Chain::new();
    let (rows, cols) = l.matrix.shape();
    c.push(Stage::ModeInputs { modes: cols }, cols);
    c.push(
        Stage::Matrix {
            matrix: l.matrix.clone(),
            realize: l.realize,
            mesh: l.mesh,
            tolerance: l.tolerance,
            source: l.source.clone(),
        },
        rows,
    );
    c.push(Stage::ModeOutputs { modes: rows }, rows);
    IrGraph {
        name: l.name.clone(),
        span: l.span,
        kind: NetworkKind::Linear,
        device: l.device.clone(),
        graph: c.graph,
    }
}

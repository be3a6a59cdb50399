//! `--emit dot`: the IR graphs as one Graphviz digraph, a cluster per network.

use super::graph::{IrGraph, NetworkKind};
use super::print::describe;
use petgraph::visit::EdgeRef;
use std::fmt::Write;

pub fn dot_all(graphs: &[IrGraph]) -> String {
    let mut out = String::from(
        "digraph optc {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n",
    );
    for (k, g) in graphs.iter().enumerate() {
        let kind = match g.kind {
            NetworkKind::Reducer { .. } => "reducer",
            NetworkKind::Linear => "linear",
        };
        let _ = writeln!(out, "  subgraph cluster_{k} {{");
        let _ = writeln!(
            out,
            "    label=\"{}\";",
            escape(&format!("{kind} {} (device {})", g.name, g.device.name))
        );
        for (i, stage) in g.stages() {
            let _ = writeln!(
                out,
                "    g{k}n{} [label=\"{}\"];",
                i.index(),
                escape(&describe(stage))
            );
        }
        for e in g.graph.edge_references() {
            let _ = writeln!(
                out,
                "    g{k}n{} -> g{k}n{} [label=\"{}\"];",
                e.source().index(),
                e.target().index(),
                e.weight().width
            );
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

//! `--emit ir`: a readable, deterministic text form of the IR graphs.

use super::graph::{IrGraph, NetworkKind, Stage};
use crate::check::program::{
    Activation, DeviceRef, LinearRealization, MatrixSource, Preprocess, Reduction,
    WeightRealization,
};
use optc_formats::matrix_file::format_complex;
use optc_model::device::{Unit, PARAMS};
use petgraph::Direction;
use std::fmt::Write;

pub fn print_all(graphs: &[IrGraph]) -> String {
    graphs.iter().map(print).collect::<Vec<_>>().join("\n")
}

pub fn print(g: &IrGraph) -> String {
    let mut out = String::new();
    match &g.kind {
        NetworkKind::Reducer {
            servers,
            bits,
            output_bits,
            reduce,
            round: _,
            link,
            cascade,
            train,
            cell,
        } => {
            let _ = writeln!(out, "reducer {}", g.name);
            let _ = writeln!(
                out,
                "  servers {servers}, bits {bits}, output bits {output_bits}, reduce {}, round half_even",
                reduction(reduce)
            );
            if *link == crate::check::program::Link::Pam4 {
                let _ = writeln!(
                    out,
                    "  link pam4: {} digits per code, reduced digit-serially by {} stages (the onn below is one stage)",
                    bits.div_ceil(2),
                    bits.div_ceil(2)
                );
            }
            if !cascade.is_empty() {
                let _ = writeln!(
                    out,
                    "  cascade {cascade:?}: a tree of units, leaves first (the onn is one stage of every unit)"
                );
            }
            let _ = writeln!(out, "  {}", device(&g.device));
            if *cell != optc_model::mzi::MziCell::Standard {
                let kind = optc_model::component::Kind::Mzi(*cell);
                let _ = writeln!(out, "  cell {}: every onn MZI", kind.name());
            }
            if let Some(t) = train {
                let _ = writeln!(
                    out,
                    "  train: epochs {}, lr {}, seed {}, noise_aware {}",
                    t.epochs, t.lr, t.seed, t.noise_aware
                );
            }
        }
        NetworkKind::Linear => {
            let _ = writeln!(out, "linear {}", g.name);
            let _ = writeln!(out, "  {}", device(&g.device));
        }
    }
    for (i, stage) in g.stages() {
        let mut inputs: Vec<String> = g
            .graph
            .edges_directed(i, Direction::Incoming)
            .map(|e| {
                use petgraph::visit::EdgeRef;
                (e.source().index(), e.weight().width)
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|(n, w)| format!("n{n}[{w}]"))
            .collect();
        if inputs.is_empty() {
            inputs.push("-".into());
        }
        let _ = writeln!(
            out,
            "  n{} <- {}: {}",
            i.index(),
            inputs.join(", "),
            describe(stage)
        );
        if let Stage::Matrix { matrix, .. } = stage {
            for r in 0..matrix.nrows() {
                let row: Vec<String> = (0..matrix.ncols())
                    .map(|c| format_complex(matrix[(r, c)]))
                    .collect();
                let _ = writeln!(out, "      [{}]", row.join(", "));
            }
        }
    }
    out
}

/// Every parameter of the device, in the table's order and the DSL's units.
pub fn device(d: &DeviceRef) -> String {
    let p = &d.params;
    let values: Vec<String> = PARAMS
        .iter()
        .map(|spec| {
            let v = p.get(spec.file).unwrap_or(f64::NAN);
            let value = match spec.unit {
                Unit::Bits => p
                    .phase_bits
                    .map_or("continuous".to_string(), |b| b.to_string()),
                Unit::Decibels => format!("{v} dB"),
                Unit::Radians => format!("{v} rad"),
                Unit::Plain => format!("{v}"),
            };
            format!("{} {value}", spec.dsl)
        })
        .collect();
    format!("device {}: {}", d.name, values.join(", "))
}

pub fn reduction(r: &Reduction) -> String {
    match r {
        Reduction::Mean => "mean".into(),
        Reduction::Sum => "sum".into(),
        Reduction::Weighted(w) => {
            let w: Vec<String> = w.iter().map(|x| x.to_string()).collect();
            format!("weighted({})", w.join(", "))
        }
    }
}

fn weights(w: WeightRealization) -> String {
    match w {
        WeightRealization::Svd => "svd".into(),
        WeightRealization::UnitaryDiag => "unitary_diag".into(),
        WeightRealization::Segmented { block } => format!("segmented({block})"),
    }
}

fn linear_realization(r: LinearRealization) -> String {
    match r {
        LinearRealization::Unitary => "unitary".into(),
        LinearRealization::Svd => "svd".into(),
        LinearRealization::UnitaryDiag => "unitary_diag".into(),
        LinearRealization::Segmented { block } => format!("segmented({block})"),
    }
}

/// One line describing a stage (without matrix entries).
pub fn describe(stage: &Stage) -> String {
    match stage {
        Stage::ServerInputs { servers, bits } => {
            format!("inputs {servers} servers x {bits}-bit codes")
        }
        Stage::Preprocess {
            kind,
            in_width,
            out_width,
        } => {
            let k = match kind {
                Preprocess::None => "none".to_string(),
                Preprocess::Sum => "sum".to_string(),
                Preprocess::Partial { group } => format!("partial({group})"),
            };
            format!("preprocess {k} {in_width} -> {out_width}")
        }
        Stage::Combine { reduce, in_width } => {
            format!("combine {} {in_width} -> 1", reduction(reduce))
        }
        Stage::Quantize { bits, .. } => format!("quantize round half_even -> {bits} bits"),
        Stage::Layer {
            index,
            in_width,
            out_width,
            weights: w,
            mesh,
            ..
        } => format!(
            "layer {index} {in_width} -> {out_width} weights {} mesh {}",
            weights(*w),
            mesh.name()
        ),
        Stage::Activation {
            index,
            width,
            activation,
        } => match activation {
            Activation::None => format!("activation {index} none x{width}"),
            Activation::Eo {
                gain,
                bias_rad,
                alpha,
            } => {
                let gain = gain.map(|g| format!("gain = {g}, ")).unwrap_or_default();
                let bias = bias_rad
                    .map(|b| format!("bias = {b} rad, "))
                    .unwrap_or_default();
                format!("activation {index} eo({gain}{bias}alpha = {alpha}) x{width}")
            }
        },
        Stage::Detect { width, .. } => format!("detect threshold {width} modes -> {width} bits"),
        Stage::Broadcast { servers, bits } => format!("broadcast {bits} bits to {servers} servers"),
        Stage::ModeInputs { modes } => format!("inputs {modes} modes"),
        Stage::Matrix {
            matrix,
            realize,
            mesh,
            tolerance,
            source,
        } => {
            let src = match source {
                MatrixSource::Inline => "inline".to_string(),
                MatrixSource::File { written, .. } => format!("load(\"{written}\")"),
            };
            let tol = if *realize == LinearRealization::Unitary {
                format!(" tolerance {tolerance:e}")
            } else {
                String::new()
            };
            format!(
                "matrix {}x{} {src} realize {} mesh {}{tol}",
                matrix.nrows(),
                matrix.ncols(),
                linear_realization(*realize),
                mesh.name()
            )
        }
        Stage::ModeOutputs { modes } => format!("outputs {modes} modes"),
    }
}

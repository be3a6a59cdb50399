//! `linear NAME { ... }` → `LinearNetwork`: the matrix (inline or loaded),
//! its realization, mesh style and unitarity tolerance.

use super::devices::DeviceTable;
use super::paths;
use super::program::{LinearNetwork, LinearRealization, MatrixSource};
use super::realization::{check_blocks, mesh_style, realization, Written};
use super::settings::SettingTable;
use super::units::Quantity;
use super::values::{describe, real_in, Range};
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{Block, Row, Value, ValueKind};
use nalgebra::DMatrix;
use optc_model::mesh::MeshDesign;
use optc_model::Complex64;
use std::path::Path;

pub const LINEAR_KEYS: &[&str] = &["matrix", "realize", "mesh", "tolerance", "device"];
/// Largest matrix dimension (modes of one mesh).
pub const MAX_MODES: usize = 1024;

/// Where `load(...)` paths are resolved and whether they may leave that folder.
#[derive(Debug, Clone)]
pub struct FileAccess<'p> {
    pub source_dir: &'p Path,
    pub allow_outside: bool,
}

pub fn check_linear(
    b: &Block,
    recovered: bool,
    devices: &DeviceTable,
    files: &FileAccess,
    diags: &mut Vec<Diagnostic>,
) -> Option<LinearNetwork> {
    let before = diags.len();
    let what = format!("linear network `{}`", b.name.name);
    let t = SettingTable::new(
        what,
        b.name.span,
        &b.settings,
        LINEAR_KEYS,
        recovered,
        diags,
    );
    let matrix = t
        .required("matrix", "matrix = load(\"w.npy\")", diags)
        .and_then(|v| matrix_value(v, files, diags).map(|m| (m, v)));
    let realize = t
        .required("realize", "realize = unitary", diags)
        .and_then(|v| {
            realization(
                "realize",
                v,
                &["unitary", "svd", "unitary_diag", "segmented"],
                diags,
            )
            .map(|r| (r, v))
        });
    let mesh = match t.get("mesh") {
        None => Some(MeshDesign::CLEMENTS),
        Some(v) => mesh_style("mesh", v, diags),
    };
    let tolerance = match t.get("tolerance") {
        None => Some(1e-9),
        Some(v) => real_in(
            "tolerance",
            v,
            Quantity::Plain,
            Range::open_closed(0.0, 0.1),
            diags,
        ),
    };
    let device = devices.resolve(t.get("device"), diags);

    let ((m, source), mv) = matrix?;
    let (written, rv) = realize?;
    let realize = match written {
        Written::Unitary => {
            if m.nrows() != m.ncols() {
                diags.push(
                    Diagnostic::error(
                        format!(
                            "`realize = unitary` needs a square matrix, this one is {}×{}",
                            m.nrows(),
                            m.ncols()
                        ),
                        mv.span,
                    )
                    .with_note(rv.span, "unitary realization chosen here")
                    .with_help("use `realize = svd` for a non-square matrix"),
                );
            } else if let Some(tol) = tolerance {
                let err = unitarity_error(&m);
                if err > tol {
                    diags.push(
                        Diagnostic::error("the matrix is not unitary", mv.span)
                            .with_label(format!(
                                "max |U·U† − I| entry is {err:.3e}, above the tolerance {tol:e}"
                            ))
                            .with_help(
                                "use `realize = svd` for a general matrix, or raise `tolerance`",
                            ),
                    );
                }
            }
            LinearRealization::Unitary
        }
        Written::Svd => LinearRealization::Svd,
        Written::UnitaryDiag => LinearRealization::UnitaryDiag,
        Written::Segmented(k) => {
            check_blocks(k, &[("rows", m.nrows()), ("columns", m.ncols())], rv, diags);
            LinearRealization::Segmented { block: k }
        }
    };
    if diags.len() != before {
        return None;
    }
    Some(LinearNetwork {
        name: b.name.name.clone(),
        span: b.name.span,
        matrix: m,
        source,
        realize,
        mesh: mesh?,
        tolerance: tolerance?,
        device: device?,
    })
}

/// The largest entry of |U·U† − I|.
pub fn unitarity_error(m: &DMatrix<Complex64>) -> f64 {
    let n = m.nrows();
    let p = m * m.adjoint() - DMatrix::<Complex64>::identity(n, n);
    p.iter().map(|z| z.norm()).fold(0.0, f64::max)
}

fn matrix_value(
    v: &Value,
    files: &FileAccess,
    diags: &mut Vec<Diagnostic>,
) -> Option<(DMatrix<Complex64>, MatrixSource)> {
    let m = match &v.kind {
        ValueKind::Matrix(rows) => (inline(rows, v, diags)?, MatrixSource::Inline),
        ValueKind::Call { name, args } if name.name == "load" => {
            let [arg] = args.as_slice() else {
                diags.push(
                    Diagnostic::error("`load` takes one file path", v.span)
                        .with_help("write `load(\"w.npy\")`"),
                );
                return None;
            };
            let ValueKind::Str(written) = &arg.value.kind else {
                diags.push(
                    Diagnostic::error(
                        format!("`load` expects a string, found {}", describe(&arg.value)),
                        arg.value.span,
                    )
                    .with_help("quote the path: `load(\"w.npy\")`"),
                );
                return None;
            };
            let path = paths::resolve(
                written,
                arg.value.span,
                files.source_dir,
                files.allow_outside,
                diags,
            )?;
            match optc_formats::matrix_file::read_matrix(&path) {
                Ok(m) => (
                    m,
                    MatrixSource::File {
                        written: written.clone(),
                        resolved: path,
                    },
                ),
                Err(e) => {
                    diags.push(
                        Diagnostic::error(
                            format!("cannot load the matrix `{written}`"),
                            arg.value.span,
                        )
                        .with_label(e.to_string())
                        .with_help(".npy (real or complex, 2-D) and .csv files are supported"),
                    );
                    return None;
                }
            }
        }
        _ => {
            diags.push(
                Diagnostic::error(
                    format!(
                        "`matrix` expects rows or `load(\"file\")`, found {}",
                        describe(v)
                    ),
                    v.span,
                )
                .with_help("write `matrix = [[a, b], [c, d]]` or `matrix = load(\"w.npy\")`"),
            );
            return None;
        }
    };
    let (rows, cols) = m.0.shape();
    if rows == 0 || cols == 0 || rows > MAX_MODES || cols > MAX_MODES {
        diags.push(
            Diagnostic::error(format!("the matrix is {rows}×{cols}"), v.span)
                .with_label(format!("each dimension must be between 1 and {MAX_MODES}")),
        );
        return None;
    }
    Some(m)
}

fn inline(rows: &[Row], v: &Value, diags: &mut Vec<Diagnostic>) -> Option<DMatrix<Complex64>> {
    let Some(first) = rows.first() else {
        diags.push(Diagnostic::error("the matrix has no rows", v.span));
        return None;
    };
    let cols = first.entries.len();
    let mut ok = true;
    for (k, r) in rows.iter().enumerate().skip(1) {
        if r.entries.len() != cols {
            ok = false;
            diags.push(
                Diagnostic::error(
                    format!(
                        "row {} has {} {}, but row 1 has {cols}",
                        k + 1,
                        r.entries.len(),
                        if r.entries.len() == 1 {
                            "entry"
                        } else {
                            "entries"
                        }
                    ),
                    r.span,
                )
                .with_label(format!("expected {cols} entries"))
                .with_note(first.span, "row 1 is here")
                .with_help("every row of a matrix must have the same length"),
            );
        }
    }
    if !ok || cols == 0 || rows.len() > MAX_MODES || cols > MAX_MODES {
        if ok {
            diags.push(
                Diagnostic::error(format!("the matrix is {}×{cols}", rows.len()), v.span)
                    .with_label(format!("each dimension must be between 1 and {MAX_MODES}")),
            );
        }
        return None;
    }
    let flat: Vec<Complex64> = rows
        .iter()
        .flat_map(|r| r.entries.iter().map(|n| Complex64::new(n.re, n.im)))
        .collect();
    Some(DMatrix::from_row_slice(rows.len(), cols, &flat))
}

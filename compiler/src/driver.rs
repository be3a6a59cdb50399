//! The compile driver: front end (or a bare matrix file) → one compile unit
//! per network → its pipeline → the three output files of each network.

use crate::check::program::{DeviceRef, LinearNetwork, LinearRealization, MatrixSource};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::emit::{write_outputs, OutputPaths};
use crate::factor::unitarity_error;
use crate::frontend;
use crate::ir::{self, IrGraph, NetworkKind};
use crate::passes::{linear_pipeline, reducer_pipeline, PassError, PassManager};
use crate::syntax::Span;
use crate::unit::CompileUnit;
use optc_formats::matrix_file::{read_matrix, MatrixFileError};
use optc_formats::netlist::Netlist;
use optc_formats::phases::Phases;
use optc_model::mesh::MeshDesign;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CompileError {
    /// Front-end diagnostics, rendered rustc-style.
    #[error("{rendered}")]
    Diagnostics { rendered: String, count: usize },
    #[error(transparent)]
    MatrixFile(#[from] MatrixFileError),
    #[error(transparent)]
    Pass(#[from] PassError),
    #[error("`--dump-after {0}`: no such pass (see `optc passes`)")]
    UnknownPass(String),
    #[error("network `{network}`: the {what} pipeline is not available in this build")]
    Unsupported { network: String, what: &'static str },
    #[error("{0}")]
    Write(String),
}

#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    pub out_dir: PathBuf,
    pub allow_outside_paths: bool,
    /// Dump each unit after this pass (to stderr by the CLI).
    pub dump_after: Option<String>,
}

/// A compiled network: its unit and where its files went.
pub struct Compiled {
    pub unit: CompileUnit,
    pub paths: OutputPaths,
    /// The unit's warnings rendered rustc-style (`warning: …`, the
    /// position, the source line underlined); empty when there are none.
    pub warnings: String,
}

/// `.npy` / `.csv` files compile directly as a linear network.
pub fn is_matrix_file(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("npy" | "csv")
    )
}

/// The IR graphs of a source file or a matrix file.
pub fn load_graphs(path: &Path, allow_outside_paths: bool) -> Result<Vec<IrGraph>, CompileError> {
    if is_matrix_file(path) {
        return Ok(vec![matrix_file_graph(path)?]);
    }
    let options = frontend::Options {
        allow_outside_paths,
    };
    let (_, graphs) = frontend::load(path, options).map_err(|d| CompileError::Diagnostics {
        rendered: d.render(),
        count: d.len(),
    })?;
    Ok(graphs)
}

/// Default options for a bare matrix: a unitary (to 1e-10) becomes one
/// Clements mesh, anything else an SVD realization.
fn matrix_file_graph(path: &Path) -> Result<IrGraph, CompileError> {
    let matrix = read_matrix(path)?;
    let unitary = matrix.is_square() && unitarity_error(&matrix) <= 1e-10;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "matrix".into());
    let network = LinearNetwork {
        name,
        span: Span::point(0),
        matrix,
        source: MatrixSource::File {
            written: path.display().to_string(),
            resolved: path.to_path_buf(),
        },
        realize: if unitary {
            LinearRealization::Unitary
        } else {
            LinearRealization::Svd
        },
        mesh: MeshDesign::CLEMENTS,
        tolerance: 1e-10,
        device: DeviceRef::ideal(),
    };
    Ok(ir::build::build_linear(&network))
}

fn pipeline_for(graph: &IrGraph) -> Result<PassManager, CompileError> {
    match graph.kind {
        NetworkKind::Linear => Ok(linear_pipeline()),
        NetworkKind::Reducer { .. } => Ok(reducer_pipeline()),
    }
}

/// Runs each graph's pipeline in memory; `source` names the input in
/// reports and diagnostics, `text` (the source text, when there is one)
/// lets design errors point into it.
pub fn compile_graphs(
    graphs: Vec<IrGraph>,
    source: &str,
    text: Option<&str>,
    dump_after: Option<&str>,
    dump: impl FnMut(&str, &CompileUnit),
) -> Result<Vec<CompileUnit>, CompileError> {
    compile_graphs_observed(graphs, source, text, dump_after, dump, |_, _| {})
}

/// [`compile_graphs`], calling `netlist_final(k, unit)` for unit number k
/// once its pipeline's netlist is final (`with_netlist_final_after`).
fn compile_graphs_observed(
    graphs: Vec<IrGraph>,
    source: &str,
    text: Option<&str>,
    dump_after: Option<&str>,
    mut dump: impl FnMut(&str, &CompileUnit),
    mut netlist_final: impl FnMut(usize, &CompileUnit),
) -> Result<Vec<CompileUnit>, CompileError> {
    let mut done = Vec::with_capacity(graphs.len());
    for (k, graph) in graphs.into_iter().enumerate() {
        let pipeline = pipeline_for(&graph)?;
        if let Some(name) = dump_after {
            if !pipeline.has(name) {
                return Err(CompileError::UnknownPass(name.to_string()));
            }
        }
        let mut unit = CompileUnit::new(graph, source);
        pipeline
            .run_observed(&mut unit, dump_after, &mut dump, |u| netlist_final(k, u))
            .map_err(|e| located(e, source, text))?;
        // The report lists each warning as `FILE:LINE:COL: message`.
        let d = warning_diagnostics(&unit, source, text);
        unit.report.warnings = unit
            .warnings
            .iter()
            .map(|w| format!("{}: {}", d.locate(w.span), w.message))
            .collect();
        done.push(unit);
    }
    Ok(done)
}

/// The text design errors point into: a source file's (a bare matrix has none).
pub fn source_text(path: &Path) -> Option<String> {
    if is_matrix_file(path) {
        return None;
    }
    std::fs::read(path)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The unit's warnings as diagnostics of `file`, each message naming the
/// network as a design error does.
fn warning_diagnostics(unit: &CompileUnit, file: &str, text: Option<&str>) -> Diagnostics {
    let mut d = Diagnostics::new(file.to_string(), text.unwrap_or_default().to_string());
    d.items = unit
        .warnings
        .iter()
        .map(|w| Diagnostic {
            message: format!("network `{}`: {}", unit.name(), w.message),
            ..w.clone()
        })
        .collect();
    d
}

/// The unit's warnings rendered like errors (`warning:` instead of
/// `error:`, no count line); `text` is the source (None for a bare matrix
/// file: the position is then the file alone).
pub fn render_warnings(unit: &CompileUnit, file: &str, text: Option<&str>) -> String {
    if unit.warnings.is_empty() {
        return String::new();
    }
    warning_diagnostics(unit, file, text).render_plain()
}

/// A design error points into the source: rendered like the front end's
/// diagnostics (file:line:col, the line, a caret, help).
fn located(e: PassError, file: &str, text: Option<&str>) -> CompileError {
    if let (
        PassError::Design {
            network,
            message,
            help,
            span,
        },
        Some(text),
    ) = (&e, text)
    {
        let mut d = Diagnostics::new(file.to_string(), text.to_string());
        let mut item = Diagnostic::error(format!("network `{network}`: {message}"), *span);
        if let Some(h) = help {
            item = item.with_help(h.clone());
        }
        d.items.push(item);
        return CompileError::Diagnostics {
            rendered: d.render_as("compile"),
            count: 1,
        };
    }
    CompileError::Pass(e)
}

/// The netlist's text, which (compact: cells keep it O(N)) must read back as
/// the structure verify simulated; the phase file's writer and reader are
/// checked by round-trip tests, its bytes by the digest on write.
fn checked_netlist_text(
    netlist: &Netlist,
    path: &Path,
    name: &str,
) -> Result<String, CompileError> {
    let text = netlist.to_yaml();
    match Netlist::parse(&path.display().to_string(), &text) {
        Ok(back) if back == *netlist => Ok(text),
        Ok(_) => Err(CompileError::Write(format!(
            "the rendered netlist of `{name}` does not read back as the netlist verified"
        ))),
        Err(e) => Err(CompileError::Write(format!(
            "the rendered netlist of `{name}` does not read back: {e}"
        ))),
    }
}

/// A unit's netlist and phase file rendered, with what they were rendered
/// from and how long it took.
struct Rendered {
    from: (Netlist, Phases),
    netlist: Result<String, CompileError>,
    phases: String,
    took: Duration,
}

/// Renders `from` (the phase file on a second thread while the netlist
/// text is checked).
fn render(from: (Netlist, Phases), netlist_path: &Path) -> Rendered {
    let started = Instant::now();
    let (netlist, phases) = rayon::join(
        || checked_netlist_text(&from.0, netlist_path, &from.0.name),
        || from.1.to_yaml(),
    );
    Rendered {
        from,
        netlist,
        phases,
        took: started.elapsed(),
    }
}

/// Compiles every network of `path`; writes files only when all succeed.
pub fn compile(
    path: &Path,
    options: &CompileOptions,
    mut dump: impl FnMut(&str, &CompileUnit) + Send,
) -> Result<Vec<Compiled>, CompileError> {
    let started = Instant::now();
    let graphs = load_graphs(path, options.allow_outside_paths)?;
    let loaded = started.elapsed();
    let source = path.display().to_string();
    let text = source_text(path);
    // Once a unit's netlist is final its files render on another worker
    // while its remaining passes (verify, summarize) run.
    let rendered_early: Mutex<Vec<(usize, Rendered)>> = Mutex::new(Vec::new());
    let mut done = rayon::scope(|scope| {
        compile_graphs_observed(
            graphs,
            &source,
            text.as_deref(),
            options.dump_after.as_deref(),
            &mut dump,
            |k, unit| {
                if let Some(from) = unit.netlist.clone() {
                    let path = OutputPaths::new(&options.out_dir, unit.name()).netlist;
                    let rendered_early = &rendered_early;
                    scope.spawn(move |_| {
                        let r = render(from, &path);
                        let mut list = rendered_early.lock().unwrap_or_else(|e| e.into_inner());
                        list.push((k, r));
                    });
                }
            },
        )
    })?;
    let mut early: Vec<Option<Rendered>> = (0..done.len()).map(|_| None).collect();
    for (k, r) in rendered_early
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
    {
        early[k] = Some(r);
    }
    // Loading reads the whole source, so its time is the first unit's.
    if let Some(first) = done.first_mut() {
        first.timings.insert(0, ("load", loaded));
    }
    // Every unit's files are rendered and checked before any is written.
    let mut rendered = Vec::with_capacity(done.len());
    for (unit, early) in done.iter_mut().zip(&mut early) {
        let Some(final_files) = &unit.netlist else {
            return Err(CompileError::Unsupported {
                network: unit.name().to_string(),
                what: "emission",
            });
        };
        let report = serde_yaml::to_string(&unit.report).map_err(|e| {
            CompileError::Write(format!(
                "cannot render the report of `{}`: {e}",
                unit.name()
            ))
        })?;
        let paths = OutputPaths::new(&options.out_dir, unit.name());
        // What was rendered early is used only if no later pass changed it.
        let r = match early.take() {
            Some(r) if r.from == *final_files => r,
            _ => render(final_files.clone(), &paths.netlist),
        };
        unit.timings.push(("render and check netlist text", r.took));
        rendered.push((paths, [r.netlist?, r.phases, report]));
    }
    let mut compiled = Vec::with_capacity(done.len());
    for (mut unit, (paths, texts)) in done.into_iter().zip(rendered) {
        let started = Instant::now();
        write_outputs(&paths, [&texts[0], &texts[1], &texts[2]], &[path])
            .map_err(CompileError::Write)?;
        unit.timings
            .push(("write and read back", started.elapsed()));
        let warnings = render_warnings(&unit, &source, text.as_deref());
        compiled.push(Compiled {
            unit,
            paths,
            warnings,
        });
    }
    Ok(compiled)
}

//! `optc.compile`: the compiler driver run in memory on a file or on source
//! text; each network becomes a `NativeCircuit`.

use crate::circuit::NativeCircuit;
use crate::errors::Failure;
use optc::driver::{self, CompileError};
use optc::frontend;
use optc::unit::CompileUnit;
use pyo3::prelude::*;
use std::path::{Path, PathBuf};

fn circuits(units: Vec<CompileUnit>) -> Result<Vec<NativeCircuit>, Failure> {
    units
        .into_iter()
        .map(|unit| {
            let Some((netlist, phases)) = &unit.netlist else {
                return Err(CompileError::Unsupported {
                    network: unit.name().to_string(),
                    what: "emission",
                }
                .into());
            };
            let report = serde_yaml::to_string(&unit.report).map_err(|e| {
                Failure::Compile(format!(
                    "cannot render the report of `{}`: {e}",
                    unit.name()
                ))
            })?;
            NativeCircuit::from_texts(
                netlist.to_yaml(),
                phases.to_yaml(),
                Some(report),
                unit.name(),
            )
        })
        .collect()
}

/// Compiles a `.optc` source file or a `.npy`/`.csv` matrix file; one
/// circuit per network, in source order.
#[pyfunction]
#[pyo3(signature = (path, allow_outside_paths=false))]
pub fn compile_path(
    py: Python<'_>,
    path: PathBuf,
    allow_outside_paths: bool,
) -> PyResult<Vec<NativeCircuit>> {
    Ok(py.detach(|| -> Result<_, Failure> {
        let graphs = driver::load_graphs(&path, allow_outside_paths)?;
        let text = driver::source_text(&path);
        let units = driver::compile_graphs(
            graphs,
            &path.display().to_string(),
            text.as_deref(),
            None,
            |_, _| {},
        )?;
        circuits(units)
    })?)
}

/// Compiles source text; `file_name` names it in diagnostics and `load(...)`
/// paths resolve against `source_dir`.
#[pyfunction]
#[pyo3(signature = (text, file_name="<source>".to_string(), source_dir=PathBuf::from("."), allow_outside_paths=false))]
pub fn compile_source(
    py: Python<'_>,
    text: String,
    file_name: String,
    source_dir: PathBuf,
    allow_outside_paths: bool,
) -> PyResult<Vec<NativeCircuit>> {
    Ok(py.detach(|| -> Result<_, Failure> {
        let options = frontend::Options {
            allow_outside_paths,
        };
        let (_, graphs) = frontend::load_bytes(text.as_bytes(), &file_name, &source_dir, options)
            .map_err(|d| CompileError::Diagnostics {
            rendered: d.render(),
            count: d.len(),
        })?;
        let units = driver::compile_graphs(graphs, &file_name, Some(&text), None, |_, _| {})?;
        circuits(units)
    })?)
}

/// Loads a netlist and its phase file (default: NAME.phases.yaml beside
/// it) as `optc simulate` does; `report` is an optional NAME.report.yaml.
#[pyfunction]
#[pyo3(signature = (netlist, phases=None, report=None))]
pub fn load(
    py: Python<'_>,
    netlist: PathBuf,
    phases: Option<PathBuf>,
    report: Option<PathBuf>,
) -> PyResult<NativeCircuit> {
    Ok(py.detach(|| {
        NativeCircuit::load(
            &netlist,
            phases.as_deref(),
            report.as_deref().map(Path::new),
        )
    })?)
}

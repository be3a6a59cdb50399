//! `optc._optc`: the native half of the `optc` Python package. Thin wrappers
//! over the compiler driver, the CLI's netlist loaders and the runtime's
//! simulator and reducer executor; the pure-Python `optc` package adds numpy
//! conversions, dicts and docs on top.

mod arrays;
mod circuit;
mod compile;
mod device;
mod errors;
mod reducer;
mod zero_copy;

use pyo3::prelude::*;

#[pymodule]
fn _optc(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("OptcError", py.get_type::<errors::OptcError>())?;
    m.add("CompileError", py.get_type::<errors::CompileError>())?;
    m.add("FormatError", py.get_type::<errors::FormatError>())?;
    m.add(
        "CalibrationError",
        py.get_type::<errors::CalibrationError>(),
    )?;
    m.add("RunError", py.get_type::<errors::RunError>())?;
    m.add_class::<circuit::NativeCircuit>()?;
    m.add_class::<reducer::Reducer>()?;
    m.add_function(wrap_pyfunction!(compile::compile_path, m)?)?;
    m.add_function(wrap_pyfunction!(compile::compile_source, m)?)?;
    m.add_function(wrap_pyfunction!(compile::load, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

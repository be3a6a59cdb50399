//! The Python exception classes and how Rust errors become them. Messages
//! are the ones the `optc` CLI prints (located `file:line:col` diagnostics,
//! `file:line` format errors), without the CLI's `error: ` prefix.

use optc::driver::CompileError as DriverError;
use optc_sim::programmed::ProgramError;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::PyErr;

create_exception!(
    _optc,
    OptcError,
    PyException,
    "Base class of every error optc raises."
);
create_exception!(
    _optc,
    CompileError,
    OptcError,
    "A source file or matrix failed to compile: the message holds the located diagnostics."
);
create_exception!(
    _optc,
    FormatError,
    OptcError,
    "A netlist, phase file or device file is malformed or inconsistent (file and line in the message)."
);
create_exception!(
    _optc,
    CalibrationError,
    OptcError,
    "Per-chip calibration of a sampled reducer chip failed (the message says why)."
);
create_exception!(
    _optc,
    RunError,
    OptcError,
    "Inputs of a simulation or reduction do not fit the circuit (shape, range)."
);

/// An error computed without the GIL; becomes a `PyErr` once it is held again.
#[derive(Debug)]
pub enum Failure {
    Compile(String),
    Format(String),
    Calibration(String),
    Run(String),
}

impl Failure {
    pub fn run(e: impl std::fmt::Display) -> Self {
        Failure::Run(e.to_string())
    }

    pub fn format(e: impl std::fmt::Display) -> Self {
        Failure::Format(e.to_string())
    }
}

impl From<DriverError> for Failure {
    fn from(e: DriverError) -> Self {
        match e {
            // The rendered diagnostics already end with a newline.
            DriverError::Diagnostics { rendered, .. } => {
                Failure::Compile(rendered.trim_end().to_string())
            }
            other => Failure::Compile(other.to_string()),
        }
    }
}

impl From<ProgramError> for Failure {
    fn from(e: ProgramError) -> Self {
        match e {
            ProgramError::Format(_) | ProgramError::Reducer { .. } => {
                Failure::Format(e.to_string())
            }
            ProgramError::Calibration { .. } => Failure::Calibration(e.to_string()),
        }
    }
}

impl From<Failure> for PyErr {
    fn from(f: Failure) -> PyErr {
        match f {
            Failure::Compile(m) => CompileError::new_err(m),
            Failure::Format(m) => FormatError::new_err(m),
            Failure::Calibration(m) => CalibrationError::new_err(m),
            Failure::Run(m) => RunError::new_err(m),
        }
    }
}

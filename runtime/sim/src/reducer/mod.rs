//! The optical reducer as it runs: the stage model of a reducer circuit,
//! its device instance, the forward/adjoint propagation, evaluation, the
//! sum-table executor, running a compiled reducer netlist and per-chip
//! calibration (spec/reducer.md). Design and training live in the compiler.

pub mod calibrate;
pub mod circuit;
pub mod executor;
pub mod netlist_run;

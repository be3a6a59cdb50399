//! The optical reducer as it runs: a compiled reducer netlist executed on a
//! chip (codes in, comparators out), the sum-table and direct executors,
//! and per-chip calibration (spec/reducer.md). Design and training live in
//! the compiler; the physics is the netlist's plan (`crate::simulate`).

pub mod calibrate;
pub mod code_word;
pub mod digit_serial;
pub mod executor;
pub mod netlist_run;

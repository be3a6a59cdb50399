//! The optical reducer (BRIEF §1, §4, §7): the contract, the circuit model,
//! the designs (linear and ONN), device effects, hardware-aware training,
//! evaluation and the fast executor. See spec/reducer.md.

pub mod calibrate;
pub mod circuit;
pub mod contract;
pub mod design;
pub mod device;
pub mod encoding;
pub mod eval;
pub mod executor;
pub mod interface;
pub mod netlist_run;
pub mod physical;
pub mod train;

#[cfg(test)]
mod tests;

//! Simulation of a netlist: an execution plan built from its connection
//! graph (`plan`), and batched propagation through it (`batch`).

pub mod adjoint;
mod batch;
mod plan;

pub use batch::{BatchError, CHUNK};
pub use plan::{Op, Plan};

#[cfg(test)]
mod kinds_tests;

//! Simulation of a netlist: an execution plan built from its connection
//! graph (`plan`), and batched propagation through it (`batch`).

mod batch;
mod plan;

pub use batch::{eo_activation, BatchError, CHUNK};
pub use plan::{mzi_matrix, Op, Plan};

#[cfg(test)]
mod kinds_tests;

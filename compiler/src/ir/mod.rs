//! The IR: a petgraph graph of stages per network, its construction from the
//! checked program, and its text and Graphviz forms.

pub mod build;
pub mod dot;
pub mod graph;
pub mod print;

pub use build::build;
pub use graph::{IrGraph, NetworkKind, Signal, Stage};

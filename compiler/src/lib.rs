//! optc: compiler for optical in-network reduction circuits.
//!
//! Pipeline: `syntax` (nom parser, AST with spans, diagnostics) → `check`
//! (semantic checks into validated declarations) → `ir` (petgraph graph of
//! stages) → `passes` (named lowering passes) → `factor` (unitary
//! factorizations) → `emit` (netlist, phase file, report).

pub mod check;
pub mod diagnostics;
pub mod driver;
pub mod emit;
pub mod factor;
pub mod frontend;
pub mod ir;
pub mod passes;
pub mod reducer;
pub mod syntax;
pub mod unit;

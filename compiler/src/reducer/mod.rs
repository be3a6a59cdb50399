//! Reducer design (linear and ONN) as a stage description (`circuit`),
//! lowered to a netlist by `emit`; then tuning and hardware-aware training
//! on that netlist (spec/reducer.md).

pub mod circuit;
pub mod design;
pub mod digit_serial;
pub mod train;
pub mod tune;

#[cfg(test)]
mod digit_serial_tests;
#[cfg(test)]
mod tests;

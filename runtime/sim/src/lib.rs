//! optc-sim: running circuits. A device instance of a validated netlist,
//! execution plans and batch propagation (`simulate`), and the reducer as it
//! runs (`reducer`: stage model, propagation and adjoint, executor,
//! calibration of a sampled chip), and loading a programmed netlist or chip
//! (`programmed`).

pub mod device;
pub mod program_chip;
pub mod program_local;
pub mod programmed;
pub mod reducer;
pub mod simulate;

//! optc runtime: the physics and the file formats of optical reduction circuits.
//!
//! The compiler (`optc`) depends on this crate, never the reverse. Everything
//! that has to agree between compile time and run time (the MZI convention,
//! the mesh model, the netlist and phase-file types, the device model) is
//! defined once here.

pub mod device;
pub mod fsio;
pub mod matrix_file;
pub mod mesh;
pub mod mzi;
pub mod netlist;
pub mod phases;
pub mod simulate;

pub use num_complex::Complex64;
pub mod export;
pub mod mesh_adjoint;
pub mod reducer;
pub mod render;
pub mod train;

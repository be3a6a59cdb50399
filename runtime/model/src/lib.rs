//! optc-model: the physics of one chip, defined once (spec/device.md,
//! spec/factorization.md): the MZI convention, the mesh and its adjoint,
//! the device parameters, the heater DAC, and the reducer's arithmetic
//! contract and code encodings. Every layer above uses these definitions;
//! this crate depends on no other optc crate.

pub mod component;
pub mod contract;
pub mod crosstalk;
pub mod dac;
pub mod device;
pub mod digit_serial;
pub mod encoding;
pub mod eo;
pub mod errors;
pub mod mesh;
pub mod modulator;
pub mod mzi;
pub mod sampling;
pub mod task;

pub use num_complex::Complex64;

//! The device model: the non-idealities of a photonic chip.

mod params;

pub use params::DeviceParams;

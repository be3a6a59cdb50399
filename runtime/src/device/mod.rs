//! The device model: the non-idealities of a photonic chip.

mod instance;
mod load;
mod params;

pub use instance::{DeviceInstance, NodeSettings, STREAM_DETECTOR_BASE};
pub use params::DeviceParams;

//! The device model: the non-idealities of a photonic chip.

mod instance;
mod load;
mod params;

pub use instance::{DeviceInstance, NodeSettings, STREAM_DETECTOR_BASE};
pub use load::DEVICE_VERSION;
pub use params::DeviceParams;

//! A device description handed over from Python: (label, YAML text), read
//! by the runtime's device-file parser so errors name the label and line.

use crate::errors::Failure;
use optc_model::device::DeviceParams;

pub fn device_params(device: Option<&(String, String)>) -> Result<Option<DeviceParams>, Failure> {
    device
        .map(|(file, text)| optc_formats::device_file::parse(file, text).map_err(Failure::format))
        .transpose()
}

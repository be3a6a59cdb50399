//! Reading a device file (`--device FILE`): YAML deserializing to
//! `DeviceParams`, range-checked with the line of the offending key.

use crate::netlist::locate::section_line;
use crate::netlist::{FormatError, Problem};
use optc_model::device::DeviceParams;
use std::path::Path;

/// Parses and range-checks a device file; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<DeviceParams, FormatError> {
    // An empty file is the ideal device.
    let params: DeviceParams = if text.trim().is_empty() {
        DeviceParams::IDEAL
    } else {
        serde_yaml::from_str(text).map_err(|e| FormatError::from_yaml(file, &e))?
    };
    // The one range check, the model's (`DeviceParams::validate`).
    params.validate().map_err(|e| {
        FormatError::new(
            file,
            Problem::BadValue {
                what: e.key.to_string(),
                value: e.value,
                expected: e.expected,
            },
        )
        .at_line(section_line(text, e.key))
    })?;
    Ok(params)
}

/// Reads a device file.
pub fn load(path: &Path) -> Result<DeviceParams, FormatError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| FormatError::new(&file, Problem::Io(e.to_string())))?;
    parse(&file, &text)
}

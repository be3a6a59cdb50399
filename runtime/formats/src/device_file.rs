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
        serde_yaml::from_str(text).map_err(|e| FormatError::from_yaml(file, text, &e))?
    };
    let checks: [(&str, f64, bool, &str); 5] = [
        (
            "mzi_loss_db",
            params.mzi_loss_db,
            params.mzi_loss_db >= 0.0,
            "a loss in dB ≥ 0",
        ),
        (
            "coupler_error",
            params.coupler_error,
            (0.0..=0.5).contains(&params.coupler_error),
            "a standard deviation in [0, 0.5]",
        ),
        (
            "phase_error_rad",
            params.phase_error_rad,
            params.phase_error_rad >= 0.0,
            "a standard deviation in radians ≥ 0",
        ),
        (
            "crosstalk",
            params.crosstalk,
            (0.0..=1.0).contains(&params.crosstalk),
            "a fraction in [0, 1]",
        ),
        (
            "detector_noise",
            params.detector_noise,
            params.detector_noise >= 0.0,
            "a standard deviation ≥ 0",
        ),
    ];
    for (name, value, ok, expected) in checks {
        if !(ok && value.is_finite()) {
            return Err(FormatError::new(
                file,
                Problem::BadValue {
                    what: name.to_string(),
                    value,
                    expected: expected.to_string(),
                },
            )
            .at_line(section_line(text, name)));
        }
    }
    if let Some(bits) = params.phase_bits {
        if !(1..=32).contains(&bits) {
            return Err(FormatError::new(
                file,
                Problem::BadValue {
                    what: "phase_bits".to_string(),
                    value: f64::from(bits),
                    expected: "a DAC width in [1, 32] bits".to_string(),
                },
            )
            .at_line(section_line(text, "phase_bits")));
        }
    }
    Ok(params)
}

/// Reads a device file.
pub fn load(path: &Path) -> Result<DeviceParams, FormatError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| FormatError::new(&file, Problem::Io(e.to_string())))?;
    parse(&file, &text)
}

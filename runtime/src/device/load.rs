//! Reading a device file (`--device FILE`): YAML deserializing to
//! `DeviceParams`, range-checked with the line of the offending key.

use super::DeviceParams;
use crate::netlist::locate::section_line;
use crate::netlist::{check_version, yaml, FormatError, Problem, Versions};
use serde::Deserialize;
use std::path::Path;

/// The device file format version (optional in the file: `version: 1`).
pub const DEVICE_VERSION: u32 = 1;

const DEVICE_VERSIONS: Versions = Versions {
    what: "device file",
    current: DEVICE_VERSION,
    also_reads: &[],
    refused: &[],
    required: false,
};

/// A device file: `DeviceParams` and an optional `version`. (The fields are
/// repeated so serde_yaml keeps the line of each; `From` below fails to
/// compile if `DeviceParams` gains a field this misses.)
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviceFile {
    /// Checked by `check_version` before deserializing.
    #[serde(default, rename = "version")]
    _version: Option<u32>,
    #[serde(default)]
    mzi_loss_db: f64,
    #[serde(default)]
    coupler_error: f64,
    #[serde(default)]
    phase_bits: Option<u32>,
    #[serde(default)]
    phase_error_rad: f64,
    #[serde(default)]
    crosstalk: f64,
    #[serde(default)]
    detector_noise: f64,
}

impl From<DeviceFile> for DeviceParams {
    fn from(f: DeviceFile) -> DeviceParams {
        DeviceParams {
            mzi_loss_db: f.mzi_loss_db,
            coupler_error: f.coupler_error,
            phase_bits: f.phase_bits,
            phase_error_rad: f.phase_error_rad,
            crosstalk: f.crosstalk,
            detector_noise: f.detector_noise,
        }
    }
}

impl DeviceParams {
    pub fn parse(file: &str, text: &str) -> Result<DeviceParams, FormatError> {
        // An empty file is the ideal device.
        let params: DeviceParams = if text.trim().is_empty() {
            DeviceParams::IDEAL
        } else {
            yaml::check_keys(file, text)?;
            check_version(file, text, &DEVICE_VERSIONS)?;
            yaml::from_str::<DeviceFile>(file, text)?.into()
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

    pub fn load(path: &Path) -> Result<DeviceParams, FormatError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| FormatError::new(&file, Problem::Io(e.to_string())))?;
        DeviceParams::parse(&file, &text)
    }
}

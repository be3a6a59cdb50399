//! Reading a device file (`--device FILE`, spec/device.md): YAML with the
//! device-file keys of `optc_model::device::PARAMS`, each key at most once,
//! an optional `version: 1`, range-checked by `DeviceParams::validate` with
//! the line of the offending key.

use crate::netlist::locate::section_line;
use crate::netlist::{check_version, yaml, FormatError, Problem, Versions};
use optc_model::device::DeviceParams;
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

/// A device file: `DeviceParams`' fields and an optional `version` (serde
/// cannot deny unknown fields through a flattened struct). `From` below
/// names every field of `DeviceParams`, so it fails to compile if the model
/// gains a parameter this file does not read.
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
    splitter_imbalance: f64,
    #[serde(default)]
    splitter_loss_db: f64,
    #[serde(default)]
    source_power_error: f64,
    #[serde(default)]
    source_phase_error_rad: f64,
    #[serde(default)]
    eo_gain_error: f64,
    #[serde(default)]
    eo_bias_error_rad: f64,
    #[serde(default)]
    detector_noise: f64,
    #[serde(default)]
    detector_offset: f64,
    #[serde(default)]
    detector_responsivity_error: f64,
    #[serde(default)]
    modulator_leakage: f64,
    #[serde(default)]
    modulator_vpi_error: f64,
    #[serde(default)]
    modulator_drive_error: f64,
    #[serde(default)]
    modulator_power_error: f64,
    #[serde(default)]
    modulator_phase_error_rad: f64,
}

impl From<DeviceFile> for DeviceParams {
    fn from(f: DeviceFile) -> DeviceParams {
        DeviceParams {
            mzi_loss_db: f.mzi_loss_db,
            coupler_error: f.coupler_error,
            phase_bits: f.phase_bits,
            phase_error_rad: f.phase_error_rad,
            crosstalk: f.crosstalk,
            splitter_imbalance: f.splitter_imbalance,
            splitter_loss_db: f.splitter_loss_db,
            source_power_error: f.source_power_error,
            source_phase_error_rad: f.source_phase_error_rad,
            eo_gain_error: f.eo_gain_error,
            eo_bias_error_rad: f.eo_bias_error_rad,
            detector_noise: f.detector_noise,
            detector_offset: f.detector_offset,
            detector_responsivity_error: f.detector_responsivity_error,
            modulator_leakage: f.modulator_leakage,
            modulator_vpi_error: f.modulator_vpi_error,
            modulator_drive_error: f.modulator_drive_error,
            modulator_power_error: f.modulator_power_error,
            modulator_phase_error_rad: f.modulator_phase_error_rad,
        }
    }
}

/// Parses and range-checks a device file; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<DeviceParams, FormatError> {
    // An empty file is the ideal device.
    let params: DeviceParams = if text.trim().is_empty() {
        DeviceParams::IDEAL
    } else {
        yaml::check_keys(file, text)?;
        check_version(file, text, &DEVICE_VERSIONS)?;
        yaml::from_str::<DeviceFile>(file, text)?.into()
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
    let (file, text) = crate::netlist::read_text(path)?;
    parse(&file, &text)
}

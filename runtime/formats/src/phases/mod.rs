//! The phase file (`NAME.phases.yaml`, spec/phases.md): the programmable
//! settings of one netlist in physical units, tied to that netlist by name
//! and structure hash so it can be swapped (recalibrated) without recompiling.

mod flatten;
mod read_meshes;
mod resolve;
mod update;
mod write;
pub(crate) use write::scalar;

pub use resolve::NodeSettings;

use crate::netlist::{check_version, yaml, FormatError, Problem, Versions};
use optc_model::device::DeviceParams;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The phase file format version this build writes. Version 3 added
/// `meshes:` (the settings of cell instances as arrays); version 2 files,
/// which have none, still load.
pub const PHASES_VERSION: u32 = 3;

const PHASES_VERSIONS: Versions = Versions {
    what: "phase file",
    current: PHASES_VERSION,
    also_reads: &[2],
    refused: &[(
        1,
        "its `netlist.hash` is the old structure hash (of serde_yaml's text), which this build \
         no longer computes; recompile the source with `optc compile` to write current \
         netlist and phase files (then rerun `optc calibrate` for per-chip phase files)",
    )],
    required: true,
};

/// A phase file as written in YAML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phases {
    pub version: u32,
    pub netlist: NetlistRef,
    /// Bits of the heater DAC; when present every phase also carries its
    /// integer code and the quantization error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_bits: Option<u32>,
    /// The nominal device these settings were calibrated for by `optc
    /// compile` (pass `calibrate`); with `phase_bits`, what every chip of
    /// the target shares. Absent: settings for the ideal device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibrated_for: Option<CalibratedFor>,
    /// Instance name → its programmable settings (every programmable
    /// instance that is not an MZI of a cell instance).
    pub settings: BTreeMap<String, Setting>,
    /// Cell instance name → the settings of its MZIs as arrays.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meshes: BTreeMap<String, MeshSettings>,
}

/// The settings of one cell instance's MZIs: `theta[c][k]` is θ of the
/// k-th MZI (top mode first) of the cell's column c, and so on for every
/// array; with `phase_bits`, the codes and quantization errors too.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeshSettings {
    pub theta: Vec<Vec<f64>>,
    pub phi: Vec<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theta_code: Option<Vec<Vec<i64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theta_quant_error: Option<Vec<Vec<f64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phi_code: Option<Vec<Vec<i64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phi_quant_error: Option<Vec<Vec<f64>>>,
}

/// The deterministic device effects a phase file compensates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibratedFor {
    /// Insertion loss per MZI, dB.
    pub mzi_loss_db: f64,
    /// Thermal crosstalk fraction between neighbouring heaters.
    pub crosstalk: f64,
    /// Excess loss of each splitter and combiner, dB (absent: 0).
    #[serde(default)]
    pub splitter_loss_db: f64,
}

/// Which netlist a phase file belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetlistRef {
    pub name: String,
    /// `structure_hash` of the netlist.
    pub hash: String,
}

/// The programmable settings of one instance. Which fields an instance must
/// have depends on its kind (`Kind::programmable`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    /// MZI internal phase θ (rad).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theta: Option<f64>,
    /// MZI external phase φ (rad).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phi: Option<f64>,
    /// Phase shifter phase (rad).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<f64>,
    /// Attenuator power transmission t ∈ [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transmission: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theta_code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theta_quant_error: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phi_code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phi_quant_error: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_quant_error: Option<f64>,
}

impl Phases {
    pub fn parse(file: &str, text: &str) -> Result<Phases, FormatError> {
        // A `meshes:` section in the layout `to_yaml` writes is read
        // directly; the rest (or, for any other layout, all) by serde_yaml.
        let (yaml_text, meshes) = match read_meshes::split(text) {
            Some((head, meshes)) => (head, Some(meshes)),
            None => (text, None),
        };
        yaml::check_keys(file, yaml_text)?;
        check_version(file, yaml_text, &PHASES_VERSIONS)?;
        let mut phases: Phases = yaml::from_str(file, yaml_text)?;
        if let Some(meshes) = meshes {
            phases.meshes = meshes;
        }
        if let Some(c) = phases.calibrated_for {
            let checks = [
                (
                    "mzi_loss_db",
                    c.mzi_loss_db,
                    c.mzi_loss_db >= 0.0,
                    "a finite loss ≥ 0 dB",
                ),
                (
                    "crosstalk",
                    c.crosstalk,
                    (0.0..=1.0).contains(&c.crosstalk),
                    "a fraction in [0, 1]",
                ),
            ];
            for (what, value, ok, expected) in checks {
                if !(ok && value.is_finite()) {
                    return Err(FormatError::new(
                        file,
                        Problem::BadValue {
                            what: format!("calibrated_for.{what}"),
                            value,
                            expected: expected.into(),
                        },
                    )
                    .at_line(crate::netlist::locate::key_line(
                        text,
                        "calibrated_for",
                        what,
                    )));
                }
            }
        }
        Ok(phases)
    }

    /// Reads and parses a phase file; returns its text too, for locating
    /// errors found by `resolve`.
    pub fn load(path: &Path) -> Result<(Phases, String), FormatError> {
        let (file, text) = crate::netlist::read_text(path)?;
        Ok((Phases::parse(&file, &text)?, text))
    }

    /// The nominal chip these settings are meant for: the DAC of
    /// `phase_bits` and the loss and crosstalk of `calibrated_for`; no random
    /// errors, no noise. What `optc reduce` runs without `--device`.
    pub fn nominal_device(&self) -> DeviceParams {
        let c = self.calibrated_for.unwrap_or(CalibratedFor {
            mzi_loss_db: 0.0,
            crosstalk: 0.0,
            splitter_loss_db: 0.0,
        });
        DeviceParams {
            phase_bits: self.phase_bits,
            mzi_loss_db: c.mzi_loss_db,
            crosstalk: c.crosstalk,
            splitter_loss_db: c.splitter_loss_db,
            ..DeviceParams::IDEAL
        }
    }

    /// Adds DAC codes and quantization errors for `bits`.
    pub fn with_dac(mut self, bits: u32) -> Phases {
        let dac = optc_model::dac::Dac::new(bits);
        for s in self.settings.values_mut() {
            let code = |v: Option<f64>| v.map(|v| dac.code(v));
            let qerr = |v: Option<f64>| v.map(|v| dac.error(v));
            s.theta_code = code(s.theta);
            s.theta_quant_error = qerr(s.theta);
            s.phi_code = code(s.phi);
            s.phi_quant_error = qerr(s.phi);
            s.phase_code = code(s.phase);
            s.phase_quant_error = qerr(s.phase);
        }
        for m in self.meshes.values_mut() {
            let codes = |v: &Vec<Vec<f64>>| -> Vec<Vec<i64>> {
                v.iter()
                    .map(|c| c.iter().map(|&x| dac.code(x)).collect())
                    .collect()
            };
            let qerrs = |v: &Vec<Vec<f64>>| -> Vec<Vec<f64>> {
                v.iter()
                    .map(|c| c.iter().map(|&x| dac.error(x)).collect())
                    .collect()
            };
            m.theta_code = Some(codes(&m.theta));
            m.theta_quant_error = Some(qerrs(&m.theta));
            m.phi_code = Some(codes(&m.phi));
            m.phi_quant_error = Some(qerrs(&m.phi));
        }
        self.phase_bits = Some(bits);
        self
    }
}

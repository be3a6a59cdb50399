//! The device parameters: every non-ideality optc models, named once, with
//! its unit, its range and its meaning (spec/device.md has each formula).
//! The DSL's `device` block and the device file both read [`PARAMS`] and
//! validate with [`DeviceParams::validate`]; nothing else checks them.

use serde::{Deserialize, Serialize};
use std::f64::consts::PI;
use thiserror::Error;

/// The parameters of a device profile, in the units of the device file.
///
/// Static errors are sampled once per device instance (keyed by instance
/// name, spec/device.md "Sampling"); only detector noise is drawn per sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceParams {
    /// Insertion loss per MZI, dB.
    #[serde(default)]
    pub mzi_loss_db: f64,
    /// σ of each directional coupler's power cross ratio around its nominal
    /// (0.5 in an MZI, `ratio` for a `coupler`).
    #[serde(default)]
    pub coupler_error: f64,
    /// Bits of the heater DAC; `None` means continuous phases.
    #[serde(default)]
    pub phase_bits: Option<u32>,
    /// σ of the static fabrication phase error of every heater, rad.
    #[serde(default)]
    pub phase_error_rad: f64,
    /// Fraction of a heater's phase felt by each neighbouring heater.
    #[serde(default)]
    pub crosstalk: f64,
    /// σ of the relative power share of each branch of a splitter or
    /// combiner (before renormalization to a passive device).
    #[serde(default)]
    pub splitter_imbalance: f64,
    /// Excess loss of each splitter and combiner, dB.
    #[serde(default)]
    pub splitter_loss_db: f64,
    /// σ of a bias source's relative power error.
    #[serde(default)]
    pub source_power_error: f64,
    /// σ of a bias source's static phase error, rad.
    #[serde(default)]
    pub source_phase_error_rad: f64,
    /// σ of an EO activation's relative gain error.
    #[serde(default)]
    pub eo_gain_error: f64,
    /// σ of an EO activation's static bias-phase error, rad.
    #[serde(default)]
    pub eo_bias_error_rad: f64,
    /// σ of additive detector noise per sample, relative to the comparator's
    /// full scale (absolute power for a bare `detector`).
    #[serde(default)]
    pub detector_noise: f64,
    /// σ of each detector's static offset, in power units of a unit field.
    #[serde(default)]
    pub detector_offset: f64,
    /// σ of each photodiode's relative responsivity (its output power is
    /// r·|E|² + offset, r = 1 + σ·z).
    #[serde(default)]
    pub detector_responsivity_error: f64,
    /// σ of each modulator's static field leakage at null, relative to full
    /// swing (extinction ratio −20·log10|leakage| dB), in quadrature to the
    /// signal; its sign and size drift with the bias point, so it is random.
    #[serde(default)]
    pub modulator_leakage: f64,
    /// σ of every modulator's relative Vπ error.
    #[serde(default)]
    pub modulator_vpi_error: f64,
    /// σ of each modulator drive level's error, in units of Vπ.
    #[serde(default)]
    pub modulator_drive_error: f64,
    /// σ of every modulator's relative optical power error.
    #[serde(default)]
    pub modulator_power_error: f64,
    /// σ of every modulator's static optical phase error, rad.
    #[serde(default)]
    pub modulator_phase_error_rad: f64,
}

/// The unit a parameter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A pure number (a fraction or a relative σ).
    Plain,
    /// A power ratio in dB.
    Decibels,
    /// An angle in radians (the DSL also takes mrad and deg).
    Radians,
    /// An integer number of bits.
    Bits,
}

/// One device parameter: its names, unit, allowed range and meaning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// The key in a DSL `device` block (the unit is written with the value).
    pub dsl: &'static str,
    /// The key in a device file (the unit is in the name where it has one).
    pub file: &'static str,
    pub unit: Unit,
    pub min: f64,
    pub max: f64,
    /// Whether `max` itself is allowed.
    pub max_inclusive: bool,
    pub meaning: &'static str,
}

const fn spec(
    dsl: &'static str,
    file: &'static str,
    unit: Unit,
    max: f64,
    max_inclusive: bool,
    meaning: &'static str,
) -> ParamSpec {
    ParamSpec {
        dsl,
        file,
        unit,
        min: if matches!(unit, Unit::Bits) { 1.0 } else { 0.0 },
        max,
        max_inclusive,
        meaning,
    }
}

/// Every device parameter, in the order spec/device.md lists them.
pub const PARAMS: &[ParamSpec] = &[
    spec(
        "mzi_loss",
        "mzi_loss_db",
        Unit::Decibels,
        10.0,
        true,
        "insertion loss per MZI",
    ),
    spec(
        "coupler_error",
        "coupler_error",
        Unit::Plain,
        0.5,
        false,
        "σ of each coupler's power cross ratio",
    ),
    spec(
        "phase_bits",
        "phase_bits",
        Unit::Bits,
        24.0,
        true,
        "bits of the heater DAC (absent: continuous)",
    ),
    spec(
        "phase_error",
        "phase_error_rad",
        Unit::Radians,
        PI,
        true,
        "σ of every heater's static phase error",
    ),
    spec(
        "crosstalk",
        "crosstalk",
        Unit::Plain,
        1.0,
        false,
        "fraction of a heater's phase felt by each neighbour",
    ),
    spec(
        "splitter_imbalance",
        "splitter_imbalance",
        Unit::Plain,
        0.5,
        true,
        "σ of each splitter/combiner branch's relative power share",
    ),
    spec(
        "splitter_loss",
        "splitter_loss_db",
        Unit::Decibels,
        10.0,
        true,
        "excess loss of each splitter and combiner",
    ),
    spec(
        "source_power_error",
        "source_power_error",
        Unit::Plain,
        0.5,
        true,
        "σ of a bias source's relative power",
    ),
    spec(
        "source_phase_error",
        "source_phase_error_rad",
        Unit::Radians,
        PI,
        true,
        "σ of a bias source's static phase",
    ),
    spec(
        "eo_gain_error",
        "eo_gain_error",
        Unit::Plain,
        0.5,
        true,
        "σ of an EO activation's relative gain",
    ),
    spec(
        "eo_bias_error",
        "eo_bias_error_rad",
        Unit::Radians,
        PI,
        true,
        "σ of an EO activation's static bias phase",
    ),
    spec(
        "detector_noise",
        "detector_noise",
        Unit::Plain,
        1.0,
        true,
        "σ of detector noise per sample, relative to full scale",
    ),
    spec(
        "detector_offset",
        "detector_offset",
        Unit::Plain,
        1.0,
        true,
        "σ of each detector's static offset (power of a unit field)",
    ),
    spec(
        "detector_responsivity_error",
        "detector_responsivity_error",
        Unit::Plain,
        0.5,
        true,
        "σ of each photodiode's relative responsivity",
    ),
    spec(
        "modulator_leakage",
        "modulator_leakage",
        Unit::Plain,
        0.5,
        true,
        "σ of each PAM modulator's field leakage at null (ER = −20·log10 dB)",
    ),
    spec(
        "modulator_vpi_error",
        "modulator_vpi_error",
        Unit::Plain,
        0.5,
        true,
        "σ of each PAM modulator's relative Vπ",
    ),
    spec(
        "modulator_drive_error",
        "modulator_drive_error",
        Unit::Plain,
        0.5,
        true,
        "σ of each PAM drive level, in units of Vπ",
    ),
    spec(
        "modulator_power_error",
        "modulator_power_error",
        Unit::Plain,
        0.5,
        true,
        "σ of each PAM modulator's relative optical power",
    ),
    spec(
        "modulator_phase_error",
        "modulator_phase_error_rad",
        Unit::Radians,
        PI,
        true,
        "σ of each PAM modulator's static optical phase",
    ),
];

/// A parameter outside its range.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("`{key}` = {value} is out of range: expected {expected}")]
pub struct ParamError {
    /// The device-file key.
    pub key: &'static str,
    pub value: f64,
    pub expected: String,
}

impl ParamSpec {
    /// "a value in [0, 0.5)" and the like.
    pub fn expected(&self) -> String {
        let close = if self.max_inclusive { ']' } else { ')' };
        let what = match self.unit {
            Unit::Plain => "a number",
            Unit::Decibels => "a loss in dB",
            Unit::Radians => "an angle in rad",
            Unit::Bits => "a whole number of bits",
        };
        format!("{what} in [{}, {}{close}", self.min, self.max)
    }

    pub fn contains(&self, v: f64) -> bool {
        v.is_finite()
            && v >= self.min
            && (v < self.max || (self.max_inclusive && v == self.max))
            && (self.unit != Unit::Bits || v.fract() == 0.0)
    }
}

impl DeviceParams {
    /// The ideal device: no loss, no errors, continuous phases.
    pub const IDEAL: DeviceParams = DeviceParams {
        mzi_loss_db: 0.0,
        coupler_error: 0.0,
        phase_bits: None,
        phase_error_rad: 0.0,
        crosstalk: 0.0,
        splitter_imbalance: 0.0,
        splitter_loss_db: 0.0,
        source_power_error: 0.0,
        source_phase_error_rad: 0.0,
        eo_gain_error: 0.0,
        eo_bias_error_rad: 0.0,
        detector_noise: 0.0,
        detector_offset: 0.0,
        detector_responsivity_error: 0.0,
        modulator_leakage: 0.0,
        modulator_vpi_error: 0.0,
        modulator_drive_error: 0.0,
        modulator_power_error: 0.0,
        modulator_phase_error_rad: 0.0,
    };

    /// The `realistic` profile of the examples and figures (spec/device.md,
    /// "The realistic profile"); examples/data/realistic.yaml writes it out.
    pub const REALISTIC: DeviceParams = DeviceParams {
        mzi_loss_db: 0.1,
        coupler_error: 0.005,
        phase_bits: Some(8),
        phase_error_rad: 0.01,
        crosstalk: 0.02,
        splitter_imbalance: 0.005,
        splitter_loss_db: 0.1,
        source_power_error: 0.005,
        source_phase_error_rad: 0.01,
        eo_gain_error: 0.005,
        eo_bias_error_rad: 0.01,
        detector_noise: 1e-3,
        detector_offset: 1e-4,
        detector_responsivity_error: 0.005,
        modulator_leakage: 0.01,
        modulator_vpi_error: 0.01,
        modulator_drive_error: 0.002,
        modulator_power_error: 0.005,
        modulator_phase_error_rad: 0.01,
    };

    /// The value of the parameter whose device-file key is `file_key`
    /// (`phase_bits`: the bits, 0 when continuous).
    pub fn get(&self, file_key: &str) -> Option<f64> {
        Some(match file_key {
            "mzi_loss_db" => self.mzi_loss_db,
            "coupler_error" => self.coupler_error,
            "phase_bits" => self.phase_bits.map_or(0.0, f64::from),
            "phase_error_rad" => self.phase_error_rad,
            "crosstalk" => self.crosstalk,
            "splitter_imbalance" => self.splitter_imbalance,
            "splitter_loss_db" => self.splitter_loss_db,
            "source_power_error" => self.source_power_error,
            "source_phase_error_rad" => self.source_phase_error_rad,
            "eo_gain_error" => self.eo_gain_error,
            "eo_bias_error_rad" => self.eo_bias_error_rad,
            "detector_noise" => self.detector_noise,
            "detector_offset" => self.detector_offset,
            "detector_responsivity_error" => self.detector_responsivity_error,
            "modulator_leakage" => self.modulator_leakage,
            "modulator_vpi_error" => self.modulator_vpi_error,
            "modulator_drive_error" => self.modulator_drive_error,
            "modulator_power_error" => self.modulator_power_error,
            "modulator_phase_error_rad" => self.modulator_phase_error_rad,
            _ => return None,
        })
    }

    /// Sets the parameter `file_key` (in its device-file unit); false if
    /// there is no such parameter.
    pub fn set(&mut self, file_key: &str, v: f64) -> bool {
        let slot = match file_key {
            "phase_bits" => {
                self.phase_bits = Some(v as u32);
                return true;
            }
            "mzi_loss_db" => &mut self.mzi_loss_db,
            "coupler_error" => &mut self.coupler_error,
            "phase_error_rad" => &mut self.phase_error_rad,
            "crosstalk" => &mut self.crosstalk,
            "splitter_imbalance" => &mut self.splitter_imbalance,
            "splitter_loss_db" => &mut self.splitter_loss_db,
            "source_power_error" => &mut self.source_power_error,
            "source_phase_error_rad" => &mut self.source_phase_error_rad,
            "eo_gain_error" => &mut self.eo_gain_error,
            "eo_bias_error_rad" => &mut self.eo_bias_error_rad,
            "detector_noise" => &mut self.detector_noise,
            "detector_offset" => &mut self.detector_offset,
            "detector_responsivity_error" => &mut self.detector_responsivity_error,
            "modulator_leakage" => &mut self.modulator_leakage,
            "modulator_vpi_error" => &mut self.modulator_vpi_error,
            "modulator_drive_error" => &mut self.modulator_drive_error,
            "modulator_power_error" => &mut self.modulator_power_error,
            "modulator_phase_error_rad" => &mut self.modulator_phase_error_rad,
            _ => return false,
        };
        *slot = v;
        true
    }

    /// Checks every parameter against [`PARAMS`]; the first one out of
    /// range is the error.
    pub fn validate(&self) -> Result<(), ParamError> {
        for p in PARAMS {
            if p.file == "phase_bits" && self.phase_bits.is_none() {
                continue;
            }
            let v = self.get(p.file).unwrap_or(f64::NAN);
            if !p.contains(v) {
                return Err(ParamError {
                    key: p.file,
                    value: v,
                    expected: p.expected(),
                });
            }
        }
        Ok(())
    }

    /// The device's static errors without detector noise: what a chip
    /// instance is sampled from (the comparators add the noise per sample).
    pub fn without_detector_noise(&self) -> DeviceParams {
        DeviceParams {
            detector_noise: 0.0,
            ..*self
        }
    }

    /// The nominal chip of this device: what is the same on every chip and
    /// known at design time (DAC, insertion and excess loss, thermal
    /// crosstalk), with no random static errors and no detector noise.
    pub fn nominal(&self) -> DeviceParams {
        DeviceParams {
            mzi_loss_db: self.mzi_loss_db,
            phase_bits: self.phase_bits,
            crosstalk: self.crosstalk,
            splitter_loss_db: self.splitter_loss_db,
            ..DeviceParams::IDEAL
        }
    }

    pub fn is_ideal(&self) -> bool {
        *self == Self::IDEAL
    }

    /// Field transmission of one MZI.
    pub fn mzi_field_loss(&self) -> f64 {
        10f64.powf(-self.mzi_loss_db / 20.0)
    }

    /// Field transmission of one splitter or combiner (excess loss).
    pub fn splitter_field_loss(&self) -> f64 {
        10f64.powf(-self.splitter_loss_db / 20.0)
    }
}

impl Default for DeviceParams {
    fn default() -> Self {
        Self::IDEAL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_reads_and_writes_its_field() {
        let mut p = DeviceParams::IDEAL;
        for (i, s) in PARAMS.iter().enumerate() {
            let v = if s.unit == Unit::Bits {
                8.0
            } else {
                0.001 * (i + 1) as f64
            };
            assert!(p.set(s.file, v), "{}", s.file);
            assert_eq!(p.get(s.file), Some(v), "{}", s.file);
        }
        assert!(p.validate().is_ok());
        assert!(!p.set("no_such", 1.0));
        assert_eq!(PARAMS.len(), 19);
    }

    #[test]
    fn profiles_are_in_range_and_out_of_range_is_named() {
        assert!(DeviceParams::IDEAL.validate().is_ok());
        assert!(DeviceParams::REALISTIC.validate().is_ok());
        let bad = DeviceParams {
            coupler_error: 0.5,
            ..DeviceParams::IDEAL
        };
        let e = bad.validate().unwrap_err();
        assert_eq!(e.key, "coupler_error");
        assert!(e.expected.contains("[0, 0.5)"));
        let bad = DeviceParams {
            phase_bits: Some(25),
            ..DeviceParams::IDEAL
        };
        assert_eq!(bad.validate().unwrap_err().key, "phase_bits");
        let nan = DeviceParams {
            crosstalk: f64::NAN,
            ..DeviceParams::IDEAL
        };
        assert_eq!(nan.validate().unwrap_err().key, "crosstalk");
    }
}

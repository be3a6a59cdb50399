use serde::{Deserialize, Serialize};

/// The parameters of a device profile, in the units the language writes
/// (see spec/language.md and spec/device.md for the formulas that use them).
///
/// Static errors (coupler imbalance, phase error, crosstalk) are sampled once
/// per device instance; only detector noise is drawn per sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceParams {
    /// Insertion loss per MZI, in dB (≥ 0).
    #[serde(default)]
    pub mzi_loss_db: f64,
    /// Standard deviation of each coupler's power-splitting ratio around 0.5.
    #[serde(default)]
    pub coupler_error: f64,
    /// Bits of the heater DAC that sets each phase; `None` means continuous.
    #[serde(default)]
    pub phase_bits: Option<u32>,
    /// Standard deviation of the static fabrication phase error, in radians.
    #[serde(default)]
    pub phase_error_rad: f64,
    /// Fraction of a heater's phase that leaks to each neighbouring heater.
    #[serde(default)]
    pub crosstalk: f64,
    /// Standard deviation of additive detector noise, relative to full scale.
    #[serde(default)]
    pub detector_noise: f64,
}

impl DeviceParams {
    /// The ideal device: no loss, no errors, continuous phases.
    pub const IDEAL: DeviceParams = DeviceParams {
        mzi_loss_db: 0.0,
        coupler_error: 0.0,
        phase_bits: None,
        phase_error_rad: 0.0,
        crosstalk: 0.0,
        detector_noise: 0.0,
    };

    /// The device's static errors without detector noise: what a chip
    /// instance is sampled from (the comparators add the noise per sample).
    pub fn without_detector_noise(&self) -> DeviceParams {
        DeviceParams {
            detector_noise: 0.0,
            ..*self
        }
    }

    /// The nominal chip of this device: what is the same on every chip and
    /// known at design time (DAC, insertion loss, thermal crosstalk), with
    /// no random static errors and no detector noise.
    pub fn nominal(&self) -> DeviceParams {
        DeviceParams {
            coupler_error: 0.0,
            phase_error_rad: 0.0,
            ..self.without_detector_noise()
        }
    }

    pub fn is_ideal(&self) -> bool {
        *self == Self::IDEAL
    }
}

impl Default for DeviceParams {
    fn default() -> Self {
        Self::IDEAL
    }
}

//! The static errors of one component instance, sampled from the device
//! parameters (spec/device.md, "Static errors"): one formula per kind, one
//! normal z_j per error, j fixed per kind (see [`crate::sampling`]).

use crate::component::Kind;
use crate::device::DeviceParams;
use crate::sampling::InstanceNormals;

/// The static errors of one instance.
#[derive(Debug, Clone, PartialEq)]
pub enum ComponentErrors {
    /// No error (attenuator, amplifier, terminator).
    None,
    /// Cross ratios κ₁, κ₂ of the couplers (z₀, z₁) and κ₃ of a 3-splitter
    /// cell's third (z₄; 0.5 for the two-coupler cells) and the phase errors of θ
    /// (z₂) and φ (z₃).
    Mzi {
        kappa: [f64; 3],
        dtheta: f64,
        dphi: f64,
    },
    /// Phase error (z₀).
    PhaseShifter { dphase: f64 },
    /// Cross ratio (z₀).
    Coupler { kappa: f64 },
    /// Field amplitude of each branch of a splitter or combiner (z_j for
    /// branch j), excess loss included.
    Branches { amplitudes: Vec<f64> },
    /// Power factor (z₀) and phase error (z₁) of a source.
    Source { power_factor: f64, dphase: f64 },
    /// Gain factor (z₀) and bias-phase error (z₁) of an EO activation.
    Eo { gain_factor: f64, dbias: f64 },
    /// Static offset of a detector's output power (z₀) and its relative
    /// responsivity (z₁).
    Detector { offset: f64, responsivity: f64 },
}

/// A cross ratio `error` away from `nominal`, kept in [0, 1].
fn ratio(nominal: f64, error: f64) -> f64 {
    (nominal + error).clamp(0.0, 1.0)
}

/// The branch field amplitudes of a 1→k splitter (or k→1 combiner): shares
/// w_j = max(0, 1 + σ·z_j) renormalized to p_j = w_j/Σw (a passive device),
/// then a_j = √p_j·10^(−L/20). Ideal: a_j = 1/√k.
pub fn branch_amplitudes(k: usize, p: &DeviceParams, n: &InstanceNormals) -> Vec<f64> {
    let w: Vec<f64> = (0..k)
        .map(|j| {
            if p.splitter_imbalance > 0.0 {
                (1.0 + p.splitter_imbalance * n.z(j as u64)).max(0.0)
            } else {
                1.0
            }
        })
        .collect();
    let total: f64 = w.iter().sum();
    let loss = p.splitter_field_loss();
    w.iter()
        .map(|&x| {
            let share = if total > 0.0 {
                x / total
            } else {
                1.0 / k as f64
            };
            share.sqrt() * loss
        })
        .collect()
}

impl ComponentErrors {
    /// The errors of instance `name` of `kind` on chip `seed`. `ratio` is a
    /// coupler's nominal cross ratio, `branches` a splitter's or combiner's k.
    pub fn sample(
        kind: Kind,
        name: &str,
        seed: u64,
        p: &DeviceParams,
        nominal_ratio: f64,
        branches: usize,
    ) -> ComponentErrors {
        let n = InstanceNormals::new(seed, name);
        // σ = 0 draws nothing, so an ideal device costs no hashing per draw.
        let e = |sigma: f64, j: u64| if sigma > 0.0 { sigma * n.z(j) } else { 0.0 };
        match kind {
            Kind::Mzi(cell) => ComponentErrors::Mzi {
                kappa: [
                    ratio(0.5, e(p.coupler_error, 0)),
                    ratio(0.5, e(p.coupler_error, 1)),
                    if cell.couplers() == 3 {
                        ratio(0.5, e(p.coupler_error, 4))
                    } else {
                        0.5
                    },
                ],
                dtheta: e(p.phase_error_rad, 2),
                dphi: e(p.phase_error_rad, 3),
            },
            Kind::PhaseShifter => ComponentErrors::PhaseShifter {
                dphase: e(p.phase_error_rad, 0),
            },
            Kind::Coupler => ComponentErrors::Coupler {
                kappa: ratio(nominal_ratio, e(p.coupler_error, 0)),
            },
            Kind::Splitter | Kind::Combiner => ComponentErrors::Branches {
                amplitudes: branch_amplitudes(branches, p, &n),
            },
            Kind::Source => ComponentErrors::Source {
                power_factor: (1.0 + e(p.source_power_error, 0)).max(0.0),
                dphase: e(p.source_phase_error_rad, 1),
            },
            Kind::EoActivation => ComponentErrors::Eo {
                gain_factor: 1.0 + e(p.eo_gain_error, 0),
                dbias: e(p.eo_bias_error_rad, 1),
            },
            Kind::Detector => ComponentErrors::Detector {
                offset: e(p.detector_offset, 0),
                responsivity: (1.0 + e(p.detector_responsivity_error, 1)).max(0.0),
            },
            Kind::Attenuator | Kind::Amplifier | Kind::Terminator => ComponentErrors::None,
        }
    }

    /// Static phase errors added to the programmable slots (θ, φ) or (phase, –).
    pub fn heater_errors(&self) -> [f64; 2] {
        match self {
            ComponentErrors::Mzi { dtheta, dphi, .. } => [*dtheta, *dphi],
            ComponentErrors::PhaseShifter { dphase } => [*dphase, 0.0],
            _ => [0.0, 0.0],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ideal_device_samples_nothing_and_branches_are_passive() {
        for kind in Kind::ALL {
            let e = ComponentErrors::sample(kind, "x", 3, &DeviceParams::IDEAL, 0.5, 4);
            match e {
                ComponentErrors::Mzi {
                    kappa,
                    dtheta,
                    dphi,
                } => {
                    assert_eq!((kappa, dtheta, dphi), ([0.5; 3], 0.0, 0.0))
                }
                ComponentErrors::Branches { amplitudes } => {
                    assert!(amplitudes.iter().all(|a| (a - 0.5).abs() < 1e-15))
                }
                ComponentErrors::Source {
                    power_factor,
                    dphase,
                } => {
                    assert_eq!((power_factor, dphase), (1.0, 0.0))
                }
                ComponentErrors::Eo { gain_factor, dbias } => {
                    assert_eq!((gain_factor, dbias), (1.0, 0.0))
                }
                ComponentErrors::Detector {
                    offset,
                    responsivity,
                } => {
                    assert_eq!(offset, 0.0);
                    assert_eq!(responsivity, 1.0);
                }
                ComponentErrors::PhaseShifter { dphase } => assert_eq!(dphase, 0.0),
                ComponentErrors::Coupler { kappa } => assert_eq!(kappa, 0.5),
                ComponentErrors::None => {}
            }
        }
        let p = DeviceParams::REALISTIC;
        let ComponentErrors::Branches { amplitudes } =
            ComponentErrors::sample(Kind::Combiner, "avg", 1, &p, 0.5, 8)
        else {
            unreachable!()
        };
        let power: f64 = amplitudes.iter().map(|a| a * a).sum();
        assert!((power - 10f64.powf(-0.01)).abs() < 1e-12, "{power}");
        assert!(amplitudes
            .iter()
            .any(|a| (a - (0.125f64).sqrt()).abs() > 1e-6));
    }

    #[test]
    fn errors_of_one_kind_do_not_move_another() {
        let only_phase = DeviceParams {
            phase_error_rad: 0.01,
            ..DeviceParams::IDEAL
        };
        let both = DeviceParams {
            coupler_error: 0.01,
            ..only_phase
        };
        let a = ComponentErrors::sample(Kind::MZI, "m", 5, &only_phase, 0.5, 0);
        let b = ComponentErrors::sample(Kind::MZI, "m", 5, &both, 0.5, 0);
        assert_eq!(a.heater_errors(), b.heater_errors());
        assert_ne!(a, b);
    }
}

//! Device non-idealities on the reducer's stages (formulas in spec/reducer.md).
//! A [`DeviceInstance`] holds the static errors of one fabricated chip; only
//! detector noise is drawn per sample (by the evaluator and the executor).

use crate::reducer::circuit::{Circuit, Stage};
use optc_model::device::DeviceParams;
use optc_model::mesh_adjoint::{MeshErrors, MziErrors};
use rand::Rng;
use rand_distr::{Distribution, Normal};

/// Static errors of one stage.
#[derive(Debug, Clone, PartialEq)]
pub enum StageErrors {
    None,
    Mesh(MeshErrors),
    /// Static phase error of a bias source (rad).
    Source {
        dphase: f64,
    },
    /// Static error of an activation's bias phase (rad).
    Activation {
        dbias: f64,
    },
    /// Field amplitude of each fan-out branch (ideal: 1/√K).
    FanOut {
        amplitudes: Vec<f64>,
    },
}

/// One device instance of a circuit.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceInstance {
    pub stages: Vec<StageErrors>,
    pub phase_bits: Option<u32>,
    /// Detector noise σ relative to each detector's full scale.
    pub detector_noise: f64,
}

fn normal<R: Rng>(rng: &mut R, sigma: f64) -> f64 {
    if sigma <= 0.0 {
        return 0.0;
    }
    match Normal::new(0.0, sigma) {
        Ok(n) => n.sample(rng),
        Err(_) => 0.0,
    }
}

/// Splits `k` outputs recursively into halves; each split is one MZI whose
/// nominal power ratio (left share) gets a coupler error. Returns per-branch
/// power fractions and the tree depth.
fn fanout_powers<R: Rng>(k: usize, coupler_error: f64, rng: &mut R) -> (Vec<f64>, usize) {
    if k <= 1 {
        return (vec![1.0; k], 0);
    }
    let left = k / 2;
    let nominal = left as f64 / k as f64;
    let ratio = (nominal + normal(rng, coupler_error)).clamp(0.0, 1.0);
    let (l, dl) = fanout_powers(left, coupler_error, rng);
    let (r, dr) = fanout_powers(k - left, coupler_error, rng);
    let mut out: Vec<f64> = l.into_iter().map(|p| p * ratio).collect();
    out.extend(r.into_iter().map(|p| p * (1.0 - ratio)));
    (out, 1 + dl.max(dr))
}

impl DeviceInstance {
    /// The ideal device (no errors, continuous phases, no noise).
    pub fn ideal(circuit: &Circuit) -> Self {
        Self::sample(
            circuit,
            &DeviceParams::IDEAL,
            &mut rand_chacha::ChaCha8Rng::new_ideal(),
        )
    }

    /// Samples the static errors of one chip.
    pub fn sample<R: Rng>(circuit: &Circuit, p: &DeviceParams, rng: &mut R) -> Self {
        let amp = 10f64.powf(-p.mzi_loss_db / 20.0);
        let stages = circuit
            .stages
            .iter()
            .map(|s| match s {
                Stage::Mesh { mesh, .. } => StageErrors::Mesh(MeshErrors {
                    mzis: mesh
                        .mzis
                        .iter()
                        .map(|_| MziErrors {
                            dtheta: normal(rng, p.phase_error_rad),
                            dphi: normal(rng, p.phase_error_rad),
                            kappa1: (0.5 + normal(rng, p.coupler_error)).clamp(0.0, 1.0),
                            kappa2: (0.5 + normal(rng, p.coupler_error)).clamp(0.0, 1.0),
                            amplitude: amp,
                        })
                        .collect(),
                    output_dphase: (0..mesh.modes)
                        .map(|_| normal(rng, p.phase_error_rad))
                        .collect(),
                    phase_bits: p.phase_bits,
                    crosstalk: p.crosstalk,
                }),
                Stage::Source { .. } => StageErrors::Source {
                    dphase: normal(rng, p.phase_error_rad),
                },
                Stage::Activation { .. } => StageErrors::Activation {
                    dbias: normal(rng, p.phase_error_rad),
                },
                Stage::FanOut { to, .. } => {
                    let (powers, depth) = fanout_powers(to.len(), p.coupler_error, rng);
                    let loss = amp.powi(depth as i32);
                    StageErrors::FanOut {
                        amplitudes: powers.iter().map(|q| q.sqrt() * loss).collect(),
                    }
                }
                Stage::Attenuators { .. } => StageErrors::None,
            })
            .collect();
        Self {
            stages,
            phase_bits: p.phase_bits,
            detector_noise: p.detector_noise,
        }
    }
}

/// A trivial RNG constructor for the ideal instance (nothing is drawn).
trait NewIdeal {
    fn new_ideal() -> Self;
}

impl NewIdeal for rand_chacha::ChaCha8Rng {
    fn new_ideal() -> Self {
        use rand_chacha::rand_core::SeedableRng;
        rand_chacha::ChaCha8Rng::seed_from_u64(0)
    }
}

/// The `realistic` profile of the task: 0.1 dB/MZI, 8-bit DAC, 0.01 rad
/// static phase error, coupler error 0.005, crosstalk 0.02, detector noise 1e-3.
pub fn realistic() -> DeviceParams {
    DeviceParams {
        mzi_loss_db: 0.1,
        coupler_error: 0.005,
        phase_bits: Some(8),
        phase_error_rad: 0.01,
        crosstalk: 0.02,
        detector_noise: 1e-3,
    }
}

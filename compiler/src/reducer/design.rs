//! The reducer designs: the linear reference realization and the ONN
//! realization initialized as an interferometric photonic ADC (derivation in
//! spec/reducer.md, "The ONN design").

use crate::reducer::circuit::{Attenuator, Circuit, Detector, Readout, Stage};
use num_complex::Complex64;
use optc_formats::builder::MeshNames;
use optc_model::contract::{Contract, Reduction};
use optc_model::encoding::BitCode;
use optc_model::mesh::{Mesh, MeshStyle, MziSetting};
use optc_model::mzi::wrap_phase;
use optc_model::task::Task;
use serde::{Deserialize, Serialize};
use std::f64::consts::{FRAC_PI_2, PI, TAU};
use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum DesignError {
    #[error("the optical reducer realizes reduce = mean only (got {0:?})")]
    Reduction(Reduction),
    #[error("bias_ratio must be in (0, 1) (got {0})")]
    BiasRatio(f64),
    #[error("tap alpha must be in [0, 1) (got {0})")]
    Alpha(f64),
    #[error("arm_share must be in (0, 1) (got {0})")]
    ArmShare(f64),
    #[error("bit {bit}: the Gray bit has no boundary inside the sum range")]
    NoBoundary { bit: u32 },
}

/// How one weight layer is realized (the DSL's `weights`). Both put a
/// column of attenuators Σ (t = 1 at design, trained) in front of the
/// design's unitary mesh U; `Svd` adds a full Clements mesh V† per 6-mode
/// bit block in front of Σ (identity at design, trained): W = U·Σ·V†.
/// Without V†, Σ sits only on the 4 modes per block that carry light into
/// U (an attenuator on a dark or discarded mode would do nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LayerWeights {
    UnitaryDiag,
    Svd,
}

/// Design knobs of the ONN (photonic-ADC) realization.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OnnOptions {
    /// r = max|signal| / bias on each rail (0 < r < 1): larger r lowers the
    /// activation's absolute phase (less sensitivity to power errors) but
    /// shrinks the interference contrast at the ends of the range.
    pub bias_ratio: f64,
    /// Activation tap α.
    pub alpha: f64,
    /// Share t of each rail's power sent into the activation arm (the rest
    /// takes the straight arm that cancels the activation's direct term).
    /// A power-split error δθ scales the rail's whole phase Δ± by
    /// tan(θ/2)·δθ = √((1−t)/t)·δθ: 0.5 at t = 0.8 against 1 at 50:50.
    pub arm_share: f64,
    /// Realization of layer 1 and layer 2.
    pub weights: [LayerWeights; 2],
}

impl Default for OnnOptions {
    fn default() -> Self {
        Self {
            bias_ratio: 0.7,
            alpha: 0.1,
            arm_share: 0.8,
            weights: [LayerWeights::UnitaryDiag; 2],
        }
    }
}

/// The preprocessing mesh: a cascade of N−1 MZIs whose output 0 is Σx_i/√N
/// (the first row of the realized unitary is uniform 1/√N; rows 1..N−1 are
/// discarded). MZI j (from the bottom) merges x_j into the running sum of
/// the N−j−1 modes below it with sin(θ/2) = 1/√(N−j); φ matches the running
/// sum's phase; the output screen makes output 0 real and positive.
pub fn averaging_mesh(n: usize) -> Mesh {
    let mut mzis = Vec::new();
    let mut gamma = Complex64::new(1.0, 0.0);
    for (col, j) in (0..n.saturating_sub(1)).rev().enumerate() {
        let k = (n - j) as f64;
        let theta = 2.0 * (1.0 / k.sqrt()).asin();
        let phi = wrap_phase(gamma.arg());
        mzis.push(MziSetting {
            mode: j,
            column: col,
            theta,
            phi,
        });
        gamma = Complex64::i() * Complex64::from_polar(1.0, 0.5 * theta) * gamma;
    }
    let mut output_phases = vec![0.0; n];
    if n > 1 {
        output_phases[0] = wrap_phase(-gamma.arg());
    }
    Mesh {
        modes: n,
        style: MeshStyle::Reck,
        cell: optc_model::mzi::MziCell::Standard,
        mzis,
        output_phases,
    }
}

fn check_mean(contract: &Contract) -> Result<(), DesignError> {
    match &contract.reduction {
        Reduction::Mean => Ok(()),
        r => Err(DesignError::Reduction(r.clone())),
    }
}

/// Linear realization: coherent averaging, a 1→N fan-out to the servers'
/// receivers, electronic rounding at each receiver.
pub fn linear(contract: &Contract) -> Result<Circuit, DesignError> {
    check_mean(contract)?;
    let n = contract.servers;
    let receivers: Vec<usize> = (n..2 * n).collect();
    Ok(Circuit {
        servers: n,
        bits: contract.bits,
        modes: 2 * n,
        stages: vec![
            Stage::Mesh {
                name: "average".into(),
                offset: 0,
                mesh: averaging_mesh(n),
                trainable: false,
            },
            Stage::FanOut {
                from: 0,
                to: receivers.clone(),
            },
        ],
        // Each receiver sees S/(Q·√N)/√N = S/(Q·N).
        readout: Readout::Coherent {
            receivers,
            gain: (contract.max_code() as f64) * n as f64,
        },
        stage: None,
    })
}

/// Local mode layout of one bit block (6 modes).
const BIAS_P: usize = 0;
const SIG_P: usize = 1;
const OUT_P: usize = 2;
const OUT_M: usize = 3;
const SIG_M: usize = 4;
const BIAS_M: usize = 5;
const BLOCK: usize = 6;

fn mzi(mode: usize, column: usize, theta: f64, phi: f64) -> MziSetting {
    MziSetting {
        mode,
        column,
        theta,
        phi: wrap_phase(phi),
    }
}

/// The Gray bit k of the task's target as a square wave in the level ℓ:
/// returns φ_k with bit_k(ℓ) = [cos(ω_k·ℓ + φ_k) < 0], ω_k = 2π / (2^(k+2)·d)
/// (d = N for the mean, 1 for a digit-serial stage).
pub fn bit_phase(task: &Task, k: u32) -> Result<f64, DesignError> {
    let w = omega(task, k);
    let bit = |s: i64| (task.pattern(s, BitCode::Gray) >> k) & 1;
    let levels = task.levels();
    for s in *levels.start()..*levels.end() {
        let (b0, b1) = (bit(s), bit(s + 1));
        if b0 != b1 {
            let x = w * (s as f64 + 0.5);
            // Rising (0→1): cos falls through 0 there; falling: cos rises.
            return Ok(if b1 == 1 {
                FRAC_PI_2 - x
            } else {
                -FRAC_PI_2 - x
            });
        }
    }
    Err(DesignError::NoBoundary { bit: k })
}

/// ω_k of bit k: one period of its Gray square wave is 2^(k+2)·d levels.
fn omega(task: &Task, k: u32) -> f64 {
    TAU / ((1i64 << (k + 2)) as f64 * task.period_divisor())
}

/// The ONN realization: per result bit, a balanced interferometric photonic
/// ADC built from the allowed components (see spec/reducer.md):
/// averaging mesh → 1→2b fan-out → per rail a bias source mixed with the
/// signal (z± ∝ c ± s), an EO activation whose direct term is cancelled by
/// an interfering straight arm (a pure phase modulator e^{−iΔ±}), a 50:50
/// combiner of the two rails and a balanced detector pair. The rails' phase
/// difference Δ₊ − Δ₋ = g·(|z₊|² − |z₋|²)/2 is exactly linear in S.
pub fn onn(contract: &Contract, opts: &OnnOptions) -> Result<Circuit, DesignError> {
    check_mean(contract)?;
    adc(&Task::Mean(contract.clone()), opts)
}

/// The photonic ADC of [`onn`] for any task: the input channels' combined
/// field is affine in the level ℓ, zero at the task's center level.
pub fn adc(task: &Task, opts: &OnnOptions) -> Result<Circuit, DesignError> {
    if !(opts.bias_ratio > 0.0 && opts.bias_ratio < 1.0) {
        return Err(DesignError::BiasRatio(opts.bias_ratio));
    }
    if !(0.0..1.0).contains(&opts.alpha) {
        return Err(DesignError::Alpha(opts.alpha));
    }
    if !(opts.arm_share > 0.0 && opts.arm_share < 1.0) {
        return Err(DesignError::ArmShare(opts.arm_share));
    }
    let n = task.channels();
    let b = task.bits() as usize;
    let fan = 2 * b;
    let base = n;
    let modes = n + BLOCK * b;
    let kappa = (1.0 - opts.alpha).sqrt();
    // Signal on each rail after the combiner and the fan-out:
    // s' = f·(ℓ − center), f = (field per level)/√(channels·2b) (mean:
    // s' = S/(Q·√(N·2b))).
    let f_level = task.field_per_level() / ((n * fan) as f64).sqrt();
    let s_max = f_level * (task.level_count() - 1) as f64 / 2.0;
    let c0 = s_max / opts.bias_ratio;
    let theta_arm = 2.0 * opts.arm_share.sqrt().acos();
    let (arm_a, arm_b) = (opts.arm_share.sqrt(), (1.0 - opts.arm_share).sqrt());

    let mut stages = vec![Stage::Mesh {
        name: "average".into(),
        offset: 0,
        mesh: averaging_mesh(n),
        trainable: false,
    }];
    let mut to = Vec::new();
    for k in 0..b {
        to.push(base + BLOCK * k + SIG_P);
        to.push(base + BLOCK * k + SIG_M);
    }
    stages.push(Stage::FanOut { from: 0, to });
    for k in 0..b {
        for m in [BIAS_P, BIAS_M] {
            stages.push(Stage::Source {
                mode: base + BLOCK * k + m,
                amplitude: c0,
                phase: PI,
            });
        }
    }
    // Layer 1: bias/signal mixing (z₊ on SIG_P, z₋ on SIG_M), then splits
    // sending the share t = arm_share into the activation arm (OUT_P /
    // OUT_M, |a|² = cos²(θ/2)) and the rest into the straight arm.
    let mut l1 = Vec::new();
    for k in 0..b {
        let o = BLOCK * k;
        l1.push(mzi(o + BIAS_P, 0, FRAC_PI_2, 0.0));
        l1.push(mzi(o + SIG_M, 0, FRAC_PI_2, 0.0));
        l1.push(mzi(o + SIG_P, 1, theta_arm, 0.0));
        l1.push(mzi(o + OUT_M, 1, theta_arm, 0.0));
    }
    let lit1 = [BIAS_P, SIG_P, SIG_M, BIAS_M];
    push_layer(&mut stages, "layer1", base, b, l1, opts.weights[0], lit1);
    // Gains: Δ₊ − Δ₋ = g·t·2·c0·s' = ω_k·(ℓ − center).
    for k in 0..b {
        let gain = omega(task, k as u32) / (2.0 * opts.arm_share * c0 * f_level);
        for m in [OUT_P, OUT_M] {
            stages.push(Stage::Activation {
                mode: base + BLOCK * k + m,
                alpha: opts.alpha,
                gain,
                bias: 0.0,
            });
        }
    }
    // Layer 2: cancel the activation's direct term (cot(θ/2) = κ|a|/(2|b|)), then
    // the rail combiner whose φ sets the bit's phase offset.
    let theta_c = 2.0 * (2.0 * arm_b / (kappa * arm_a)).atan();
    let mut l2 = Vec::new();
    for k in 0..b {
        let o = BLOCK * k;
        l2.push(mzi(o + SIG_P, 0, theta_c, FRAC_PI_2));
        l2.push(mzi(o + OUT_M, 0, theta_c, 3.0 * FRAC_PI_2));
        l2.push(mzi(o + OUT_P, 1, FRAC_PI_2, 0.0));
    }
    let lit2 = [SIG_P, OUT_P, OUT_M, SIG_M];
    push_layer(&mut stages, "layer2", base, b, l2, opts.weights[1], lit2);
    let detectors = (0..b)
        .map(|k| Detector {
            plus: base + BLOCK * k + OUT_P,
            minus: Some(base + BLOCK * k + OUT_M),
            threshold: 0.0,
            full_scale: 1.0,
        })
        .collect();
    let circuit = Circuit {
        servers: n,
        bits: task.bits(),
        modes,
        stages,
        readout: Readout::Bits {
            detectors,
            code: BitCode::Gray,
        },
        stage: match task {
            Task::Mean(_) => None,
            Task::Stage(s) => Some(optc_formats::netlist::reducer_section::StageSpec {
                max_carry: s.max_carry,
            }),
        },
    };
    for k in 0..task.bits() {
        bit_phase(task, k)?;
    }
    Ok(circuit)
}

/// One weight layer on the 6b modes from `offset`: (V†, for `Svd`) → Σ → U,
/// where U is the design's sparse block-diagonal mesh `mzis` and `lit` the
/// block modes that carry light into U (Σ covers every mode after a V†).
fn push_layer(
    stages: &mut Vec<Stage>,
    name: &str,
    offset: usize,
    b: usize,
    mzis: Vec<MziSetting>,
    weights: LayerWeights,
    lit: [usize; 4],
) {
    let modes = BLOCK * b;
    let sigma: Vec<usize> = if weights == LayerWeights::Svd {
        stages.push(Stage::Mesh {
            name: format!("{name}_v"),
            offset,
            mesh: identity_blocks(b),
            trainable: true,
        });
        (offset..offset + modes).collect()
    } else {
        let mut m: Vec<usize> = (0..b)
            .flat_map(|k| lit.map(|j| offset + BLOCK * k + j))
            .collect();
        m.sort_unstable();
        m
    };
    stages.push(Stage::Attenuators {
        name: name.into(),
        column: sigma
            .into_iter()
            .map(|mode| Attenuator {
                mode,
                transmission: 1.0,
            })
            .collect(),
    });
    stages.push(Stage::Mesh {
        name: name.into(),
        offset,
        mesh: Mesh {
            modes,
            style: MeshStyle::Clements,
            cell: optc_model::mzi::MziCell::Standard,
            mzis,
            output_phases: vec![0.0; modes],
        },
        trainable: true,
    });
}

/// A full Clements mesh on each 6-mode block (15 MZIs per block), set to
/// the identity: θ = φ = π makes T(θ, φ) = 1 (spec/factorization.md).
fn identity_blocks(b: usize) -> Mesh {
    let mut mzis = Vec::new();
    for k in 0..b {
        for column in 0..BLOCK {
            let mut m = column % 2;
            while m + 1 < BLOCK {
                mzis.push(mzi(BLOCK * k + m, column, PI, PI));
                m += 2;
            }
        }
    }
    Mesh {
        modes: BLOCK * b,
        style: MeshStyle::Clements,
        cell: optc_model::mzi::MziCell::Standard,
        mzis,
        output_phases: vec![0.0; BLOCK * b],
    }
}

/// The netlist instance names of each bit's layer-2 rail combiner, whose φ
/// sets the bit's phase offset (`tune::tune_combiners` sets it).
pub fn combiner_names(circuit: &Circuit) -> Vec<String> {
    circuit
        .stages
        .iter()
        .find_map(|s| match s {
            Stage::Mesh { name, mesh, .. } if name == "layer2" => {
                let names = MeshNames::new("layer2_", mesh);
                Some(
                    (0..mesh.mzis.len() / 3)
                        .map(|k| names.of(&mesh.mzis[3 * k + 2]))
                        .collect(),
                )
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// MZIs of a network of the given layer widths if every layer were a full
/// SVD (two N×N meshes: N(N−1) MZIs per layer).
pub fn mzi_count_full_svd(widths: &[usize]) -> usize {
    widths.iter().map(|&w| w * w.saturating_sub(1)).sum()
}

/// The same with unitary × diagonal per layer (one mesh: N(N−1)/2).
pub fn mzi_count_unitary_diag(widths: &[usize]) -> usize {
    widths.iter().map(|&w| w * w.saturating_sub(1) / 2).sum()
}

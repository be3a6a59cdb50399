//! Hardware-aware training in the hardware's own parameters (MZI θ/φ,
//! output phases, bias-source amplitude/phase, attenuations, activation
//! gain/bias), with adjoint gradients, DAC quantization (straight-through),
//! optional per-step device sampling, and Adam.

use num_complex::Complex64;
use optc_model::contract::Contract;
use optc_model::encoding::encode_bits;
use optc_sim::device::DeviceParams;
use optc_sim::reducer::circuit::{Circuit, Readout, Stage};
use optc_sim::reducer::device::DeviceInstance;
use optc_sim::reducer::physical::{PreparedCircuit, Tape};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    pub steps: usize,
    pub lr: f64,
    pub seed: u64,
    /// Sample a fresh device instance (static errors) every step.
    pub noise_aware: bool,
    /// The device: its DAC bits always apply; its errors only when noise_aware.
    pub device: DeviceParams,
    /// Target margin μ of the normalized detector signal.
    pub margin: f64,
    /// Softness τ of the logistic margin loss.
    pub temperature: f64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            steps: 200,
            lr: 0.002,
            seed: 7,
            noise_aware: true,
            device: DeviceParams::IDEAL,
            margin: 0.05,
            temperature: 0.01,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainReport {
    pub initial_loss: f64,
    pub final_loss: f64,
    pub steps: usize,
}

/// Hand-written Adam.
#[derive(Debug, Clone)]
pub struct Adam {
    lr: f64,
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
}

impl Adam {
    pub fn new(n: usize, lr: f64) -> Self {
        Self {
            lr,
            m: vec![0.0; n],
            v: vec![0.0; n],
            t: 0,
        }
    }

    pub fn step(&mut self, p: &mut [f64], g: &[f64]) {
        let (b1, b2, eps): (f64, f64, f64) = (0.9, 0.999, 1e-12);
        self.t += 1;
        let c1 = 1.0 - b1.powi(self.t);
        let c2 = 1.0 - b2.powi(self.t);
        for i in 0..p.len() {
            self.m[i] = b1 * self.m[i] + (1.0 - b1) * g[i];
            self.v[i] = b2 * self.v[i] + (1.0 - b2) * g[i] * g[i];
            p[i] -= self.lr * (self.m[i] / c1) / ((self.v[i] / c2).sqrt() + eps);
        }
    }
}

/// softplus with a stable form.
fn softplus(x: f64) -> f64 {
    if x > 30.0 {
        x
    } else {
        x.exp().ln_1p()
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Mean over distinct sums S and bits of τ·softplus((μ − m)/τ), where
/// m = ±(D − threshold)/full_scale is the signed normalized margin of the
/// detector (+ when the target bit is 1). Returns the loss and its gradient
/// in the flat layout of [`Circuit::params`].
pub fn loss_and_grad(
    circuit: &Circuit,
    contract: &Contract,
    dev: &DeviceInstance,
    margin: f64,
    tau: f64,
) -> (f64, Vec<f64>) {
    let mut grad = vec![0.0; circuit.params().len()];
    let Readout::Bits { detectors, code } = &circuit.readout else {
        return (0.0, grad);
    };
    let prep = PreparedCircuit::new(circuit, dev);
    let a = contract.max_sum();
    let count = ((2 * a + 1) as usize * detectors.len()) as f64;
    let mut total = 0.0;
    let mut field = Vec::new();
    let mut tape = Tape::default();
    let mut g = vec![Complex64::new(0.0, 0.0); circuit.modes];
    for s in -a..=a {
        prep.forward_tape(&contract.representative(s), &mut field, &mut tape);
        let target = encode_bits(contract.reference_from_sum(s), contract.bits, *code);
        g.iter_mut().for_each(|x| *x = Complex64::new(0.0, 0.0));
        for (k, d) in detectors.iter().enumerate() {
            let sign = if (target >> k) & 1 == 1 { 1.0 } else { -1.0 };
            let m = sign * (d.signal(&field) - d.threshold) / d.full_scale;
            let x = (margin - m) / tau;
            total += tau * softplus(x);
            // dL/dD, then g = 2·dL/dP·u for P = |u|².
            let dl_dd = -sigmoid(x) * sign / d.full_scale / count;
            g[d.plus] += 2.0 * dl_dd * field[d.plus];
            if let Some(mi) = d.minus {
                g[mi] -= 2.0 * dl_dd * field[mi];
            }
        }
        prep.backward(&tape, &mut g, &mut grad);
    }
    (total / count, grad)
}

/// Keeps parameters physical: source amplitude ≥ 0, gain ≥ 0, t ∈ [0, 1].
fn project(circuit: &mut Circuit) {
    for s in &mut circuit.stages {
        match s {
            Stage::Source { amplitude, .. } => *amplitude = amplitude.max(0.0),
            Stage::Activation { gain, .. } => *gain = gain.max(0.0),
            Stage::Attenuators { column, .. } => column
                .iter_mut()
                .for_each(|a| a.transmission = a.transmission.clamp(0.0, 1.0)),
            _ => {}
        }
    }
}

/// Trains `circuit` in place. `progress(step, loss)` is called every step.
pub fn train(
    circuit: &mut Circuit,
    contract: &Contract,
    opts: &TrainOptions,
    progress: &mut dyn FnMut(usize, f64),
) -> TrainReport {
    train_with(circuit, contract, opts, None, progress)
}

/// In-situ calibration: trains on one fixed device instance (a fabricated
/// chip whose static errors are known or measured), not on fresh samples.
pub fn train_on_instance(
    circuit: &mut Circuit,
    contract: &Contract,
    opts: &TrainOptions,
    dev: &DeviceInstance,
    progress: &mut dyn FnMut(usize, f64),
) -> TrainReport {
    train_with(circuit, contract, opts, Some(dev), progress)
}

fn train_with(
    circuit: &mut Circuit,
    contract: &Contract,
    opts: &TrainOptions,
    fixed: Option<&DeviceInstance>,
    progress: &mut dyn FnMut(usize, f64),
) -> TrainReport {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let quant_only = DeviceParams {
        phase_bits: opts.device.phase_bits,
        ..DeviceParams::IDEAL
    };
    let mut params = circuit.params();
    let mut adam = Adam::new(params.len(), opts.lr);
    let mut initial = f64::NAN;
    let mut last = f64::NAN;
    for step in 0..opts.steps {
        let dev = if let Some(d) = fixed {
            d.clone()
        } else if opts.noise_aware {
            DeviceInstance::sample(circuit, &opts.device, &mut rng)
        } else {
            DeviceInstance::sample(circuit, &quant_only, &mut rng)
        };
        let (loss, grad) = loss_and_grad(circuit, contract, &dev, opts.margin, opts.temperature);
        if step == 0 {
            initial = loss;
        }
        last = loss;
        progress(step, loss);
        adam.step(&mut params, &grad);
        circuit.set_params(&params);
        project(circuit);
        params = circuit.params();
    }
    TrainReport {
        initial_loss: initial,
        final_loss: last,
        steps: opts.steps,
    }
}

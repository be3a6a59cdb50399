//! Hardware-aware training of a compiled reducer netlist, in the chip's own
//! values: every programmable setting of the phase file (MZI θ/φ, phase
//! shifters, attenuators) and the bias sources' amplitude and phase and the
//! EO activations' gain and bias. Gradients come from the adjoint of the
//! netlist's own plan (`optc_sim::simulate::adjoint`) on a device instance
//! of the netlist (spec/reducer.md, "Training"), so training sees exactly
//! the chip that `optc simulate` and `optc reduce` run.

use num_complex::Complex64;
use optc_formats::netlist::reducer_section::{InterfaceReadout, ReducerInterface};
use optc_formats::netlist::{Circuit, Kind, Netlist};
use optc_formats::phases::NodeSettings;
use optc_model::task::Task;
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::reducer::netlist_run::{NetlistReducer, NetlistRunError};
use optc_sim::simulate::adjoint::{Differentiable, Gradient, Tape};
use optc_sim::simulate::Plan;
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    pub steps: usize,
    pub lr: f64,
    pub seed: u64,
    /// Sample a fresh device instance (every static error) every step.
    pub noise_aware: bool,
    /// The device: its DAC always applies; its errors only when noise_aware.
    pub device: DeviceParams,
    /// Target margin μ of the normalized comparator input.
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

/// One trainable value: a programmable slot or an attribute of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Setting {
        node: usize,
        slot: usize,
    },
    /// Source [amplitude, phase] or EO [gain, bias].
    Attr {
        node: usize,
        slot: usize,
    },
}

/// The position of a trainable attribute in `Node::attrs`.
fn attr_index(kind: Kind, slot: usize) -> usize {
    match (kind, slot) {
        // source: [amplitude, phase]; eo_activation: [alpha, gain, bias].
        (Kind::Source, s) => s,
        (_, s) => s + 1,
    }
}

/// A compiled reducer being trained: its validated circuit (whose source
/// and EO attributes training moves), its settings and its readout.
#[derive(Debug, Clone)]
pub struct Trainee {
    pub circuit: Circuit,
    pub settings: NodeSettings,
    pub interface: ReducerInterface,
    pub task: Task,
    slots: Vec<Slot>,
}

impl Trainee {
    pub fn new(
        circuit: Circuit,
        settings: NodeSettings,
        interface: ReducerInterface,
    ) -> Result<Self, NetlistRunError> {
        let task = interface.task().map_err(NetlistRunError::Contract)?;
        let mut slots = Vec::new();
        for (i, node) in circuit.nodes.iter().enumerate() {
            for slot in 0..node.kind.programmable().len() {
                slots.push(Slot::Setting { node: i, slot });
            }
            // A dark source (amplitude 0) is a waveguide's start, not light.
            let trainable_attrs = match node.kind {
                Kind::Source => node.attr("amplitude") > 0.0,
                Kind::EoActivation => true,
                _ => false,
            };
            if trainable_attrs {
                slots.extend((0..2).map(|slot| Slot::Attr { node: i, slot }));
            }
        }
        Ok(Self {
            circuit,
            settings,
            interface,
            task,
            slots,
        })
    }

    fn params(&self) -> Vec<f64> {
        self.slots
            .iter()
            .map(|s| match *s {
                Slot::Setting { node, slot } => self.settings[node][slot],
                Slot::Attr { node, slot } => {
                    let n = &self.circuit.nodes[node];
                    n.attrs[attr_index(n.kind, slot)]
                }
            })
            .collect()
    }

    /// Writes `p` back, kept physical: t ∈ [0, 1], amplitude ≥ 0, gain ≥ 0.
    fn set_params(&mut self, p: &[f64]) {
        for (s, &x) in self.slots.iter().zip(p) {
            match *s {
                Slot::Setting { node, slot } => {
                    let physical = if self.circuit.nodes[node].kind == Kind::Attenuator {
                        x.clamp(0.0, 1.0)
                    } else {
                        x
                    };
                    self.settings[node][slot] = physical;
                }
                Slot::Attr { node, slot } => {
                    let n = &mut self.circuit.nodes[node];
                    let i = attr_index(n.kind, slot);
                    // Slot 0 is a source's amplitude or an activation's gain.
                    n.attrs[i] = if slot == 0 { x.max(0.0) } else { x };
                }
            }
        }
    }

    fn flat(&self, g: &Gradient, dev: &DeviceInstance) -> Vec<f64> {
        let ds = g.settings(dev);
        self.slots
            .iter()
            .map(|s| match *s {
                Slot::Setting { node, slot } => ds[node][slot],
                Slot::Attr { node, slot } => g.attrs[node][slot],
            })
            .collect()
    }

    /// The chip `dev` of this circuit as it stands.
    pub fn plan(&self, dev: &DeviceInstance) -> Plan {
        Plan::new(&self.circuit, &self.settings, dev)
    }

    /// Mean over the distinct sums S and the bits of τ·softplus((μ − m)/τ),
    /// m = ±(D − threshold)/full_scale the signed normalized margin of the
    /// comparator input D (+ when the bit must be 1), on chip `dev`, with
    /// its gradient in the trainee's flat layout.
    pub fn loss_and_grad(
        &self,
        dev: &DeviceInstance,
        margin: f64,
        tau: f64,
    ) -> Result<(f64, Vec<f64>), NetlistRunError> {
        let InterfaceReadout::Bits { bits, code } = &self.interface.readout else {
            return Ok((0.0, vec![0.0; self.slots.len()]));
        };
        let plan = self.plan(dev);
        // A stage's link modulators are the sampled chip's too.
        let runner = NetlistReducer::on_chip(&self.interface, &plan, dev)?;
        let diff = Differentiable::new(&plan, &self.circuit, &self.settings, dev);
        let count = (self.task.level_count() * bits.len()) as f64;
        let mut total = 0.0;
        let mut grad = Gradient::zeros(&self.circuit);
        let (mut input, mut tape) = (Vec::new(), Tape::default());
        let mut d_out = vec![Complex64::new(0.0, 0.0); plan.outputs.len()];
        let mut d_sig = vec![0.0; bits.len()];
        for s in self.task.levels() {
            runner.input_fields(&self.task.representative(s), &mut input);
            diff.forward(&input, &mut tape);
            let target = self.task.pattern(s, *code);
            for (k, (d, b)) in runner.signals(&tape.outputs).iter().zip(bits).enumerate() {
                let sign = if (target >> k) & 1 == 1 { 1.0 } else { -1.0 };
                let m = sign * (d - b.threshold) / b.full_scale;
                let x = (margin - m) / tau;
                total += tau * softplus(x);
                d_sig[k] = -sigmoid(x) * sign / b.full_scale / count;
            }
            d_out.iter_mut().for_each(|x| *x = Complex64::new(0.0, 0.0));
            runner.signals_backward(&d_sig, &mut d_out);
            diff.backward(&tape, &d_out, &mut grad);
        }
        Ok((total / count, self.flat(&grad, dev)))
    }

    /// Writes the trained attributes into `netlist` (the settings go to the
    /// phase file with `Phases::with_settings`).
    pub fn write_attrs(&self, netlist: &mut Netlist) {
        for node in &self.circuit.nodes {
            if !matches!(node.kind, Kind::Source | Kind::EoActivation) {
                continue;
            }
            if let Some(inst) = netlist.instances.get_mut(&node.name) {
                for (attr, v) in node.kind.attrs().iter().zip(&node.attrs) {
                    inst.settings.insert(attr.name.to_string(), *v);
                }
            }
        }
    }
}

/// Trains `t` in place; `progress(step, loss)` is called every step.
pub fn train(
    t: &mut Trainee,
    opts: &TrainOptions,
    progress: &mut dyn FnMut(usize, f64),
) -> Result<TrainReport, NetlistRunError> {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let dac_only = DeviceParams {
        phase_bits: opts.device.phase_bits,
        ..DeviceParams::IDEAL
    };
    let sampled = if opts.noise_aware {
        opts.device.without_detector_noise()
    } else {
        dac_only
    };
    let mut params = t.params();
    let mut adam = Adam::new(params.len(), opts.lr);
    let (mut initial, mut last) = (f64::NAN, f64::NAN);
    for step in 0..opts.steps {
        let dev = DeviceInstance::sample(&sampled, &t.circuit, rng.gen());
        let (loss, grad) = t.loss_and_grad(&dev, opts.margin, opts.temperature)?;
        if step == 0 {
            initial = loss;
        }
        last = loss;
        progress(step, loss);
        adam.step(&mut params, &grad);
        t.set_params(&params);
        params = t.params();
    }
    Ok(TrainReport {
        initial_loss: initial,
        final_loss: last,
        steps: opts.steps,
    })
}

//! Reverse-mode gradients through an execution plan: the same plan, the
//! same device instance and the same forward pass as `optc simulate`, with
//! each op's inputs recorded, then the adjoint pass back to the circuit's
//! trainable values. Training, design-time calibration and per-chip
//! calibration all differentiate this one model (spec/reducer.md,
//! "Training").
//!
//! Convention (Wirtinger): for a real loss L and a complex field z = a + ib
//! the gradient carried backwards is g = ∂L/∂a + i·∂L/∂b, so dL = Re(ḡ·dz);
//! for y = T·x, g_x = Tᴴ·g_y. A detector's output is a real power P: its
//! gradient is g = ∂L/∂P (real). The DAC is straight-through.

use super::batch::Work;
use super::plan::{Op, Plan};
use super::CHUNK;
use crate::device::{DeviceInstance, NodeSettings};
use num_complex::Complex64;
use optc_formats::netlist::{Circuit, Kind};
use optc_model::eo;
use optc_model::errors::ComponentErrors;
use optc_model::mzi::{Mat2, Mzi};

const ZERO: Complex64 = Complex64::new(0.0, 0.0);

/// What an op's derivative needs beyond the op itself.
#[derive(Debug, Clone)]
enum Deriv {
    None,
    /// ∂T/∂θ and ∂T/∂φ at the effective phases.
    Mzi {
        dt: Mat2,
        dp: Mat2,
    },
    PhaseShifter,
    /// Field amplitude √t.
    Attenuator {
        amp: f64,
    },
    /// e^{iψ'}·√(power factor): the field per unit amplitude attribute.
    Source {
        unit: Complex64,
    },
    /// The sampled gain factor (∂gain_eff/∂gain).
    Eo {
        gain_factor: f64,
    },
}

/// Gradients of a loss with respect to a circuit's trainable values.
#[derive(Debug, Clone, PartialEq)]
pub struct Gradient {
    /// ∂L/∂(effective setting) per node, accumulated by `backward`.
    effective: NodeSettings,
    /// ∂L/∂attribute per node: source [amplitude, phase], EO [gain, bias].
    pub attrs: Vec<[f64; 2]>,
}

impl Gradient {
    pub fn zeros(circuit: &Circuit) -> Gradient {
        Gradient {
            effective: vec![[0.0; 2]; circuit.nodes.len()],
            attrs: vec![[0.0; 2]; circuit.nodes.len()],
        }
    }

    /// ∂L/∂(programmed setting) per node: the effective gradient carried
    /// back through the chip's crosstalk (the DAC is straight-through).
    pub fn settings(&self, device: &DeviceInstance) -> NodeSettings {
        device.effective_backward(&self.effective)
    }
}

/// The fields one forward pass recorded.
#[derive(Debug, Clone, Default)]
pub struct Tape {
    inputs: Vec<Complex64>,
    /// Every external output of the pass (detector outputs: power in re).
    pub outputs: Vec<Complex64>,
}

/// A plan prepared for gradients.
#[derive(Debug, Clone)]
pub struct Differentiable<'a> {
    pub plan: &'a Plan,
    derivs: Vec<Deriv>,
}

impl<'a> Differentiable<'a> {
    /// `plan` must be `Plan::new(circuit, programmed, device)`.
    pub fn new(
        plan: &'a Plan,
        circuit: &Circuit,
        programmed: &NodeSettings,
        device: &DeviceInstance,
    ) -> Self {
        let effective = device.effective(programmed);
        let loss = device.params.mzi_field_loss();
        let derivs = plan
            .op_nodes
            .iter()
            .map(|&i| {
                let node = &circuit.nodes[i];
                let v = effective[i];
                match (node.kind, &device.errors[i]) {
                    (Kind::Mzi(cell), ComponentErrors::Mzi { kappa, .. }) => {
                        let m = Mzi {
                            cell,
                            kappa: *kappa,
                            field_loss: loss,
                        };
                        let [_, dt, dp] = m.transfer_and_derivatives(v[0], v[1], true);
                        Deriv::Mzi { dt, dp }
                    }
                    (Kind::PhaseShifter, _) => Deriv::PhaseShifter,
                    (Kind::Attenuator, _) => Deriv::Attenuator {
                        amp: v[0].max(0.0).sqrt(),
                    },
                    (Kind::Source, e) => {
                        let (pf, dphase) = match e {
                            ComponentErrors::Source {
                                power_factor,
                                dphase,
                            } => (*power_factor, *dphase),
                            _ => (1.0, 0.0),
                        };
                        Deriv::Source {
                            unit: Complex64::from_polar(pf.sqrt(), node.attr("phase") + dphase),
                        }
                    }
                    (Kind::EoActivation, e) => Deriv::Eo {
                        gain_factor: match e {
                            ComponentErrors::Eo { gain_factor, .. } => *gain_factor,
                            _ => 1.0,
                        },
                    },
                    _ => Deriv::None,
                }
            })
            .collect();
        Self { plan, derivs }
    }

    /// One sample through the plan (the batch code path with one sample),
    /// recording what [`Differentiable::backward`] needs. Detector noise is
    /// not drawn.
    pub fn forward(&self, input: &[Complex64], tape: &mut Tape) {
        let plan = self.plan;
        let mut w = Work::new(plan.slots);
        for (&s, z) in plan.inputs.iter().zip(input) {
            w.re[s * CHUNK] = z.re;
            w.im[s * CHUNK] = z.im;
        }
        tape.inputs.clear();
        plan.exec(&mut w, 1, &mut None, Some(&mut tape.inputs));
        tape.outputs.clear();
        tape.outputs.extend(
            plan.outputs
                .iter()
                .map(|&s| Complex64::new(w.re[s * CHUNK], w.im[s * CHUNK])),
        );
    }

    /// Accumulates into `grad` the gradient of a loss whose gradient with
    /// respect to the external outputs is `d_outputs`.
    pub fn backward(&self, tape: &Tape, d_outputs: &[Complex64], grad: &mut Gradient) {
        let plan = self.plan;
        let mut g = vec![ZERO; plan.slots];
        for (&s, d) in plan.outputs.iter().zip(d_outputs) {
            g[s] += d;
        }
        let mut at = tape.inputs.len();
        for (k, op) in plan.ops.iter().enumerate().rev() {
            let node = plan.op_nodes[k];
            let mut take = |n: usize| {
                at -= n;
                &tape.inputs[at..at + n]
            };
            match op {
                Op::Pair { a, b, m } => {
                    let x = take(2);
                    let (xa, xb) = (x[0], x[1]);
                    let (ga, gb) = (g[*a], g[*b]);
                    if let Deriv::Mzi { dt, dp } = &self.derivs[k] {
                        let d = |t: &Mat2| {
                            (ga.conj() * (t[0][0] * xa + t[0][1] * xb)
                                + gb.conj() * (t[1][0] * xa + t[1][1] * xb))
                                .re
                        };
                        grad.effective[node][0] += d(dt);
                        grad.effective[node][1] += d(dp);
                    }
                    g[*a] = m[0][0].conj() * ga + m[1][0].conj() * gb;
                    g[*b] = m[0][1].conj() * ga + m[1][1].conj() * gb;
                }
                Op::Scale { s, f } => {
                    let x = take(1)[0];
                    let gs = g[*s];
                    match self.derivs[k] {
                        Deriv::PhaseShifter => {
                            grad.effective[node][0] += (gs.conj() * Complex64::i() * f * x).re
                        }
                        Deriv::Attenuator { amp } if amp > 0.0 => {
                            grad.effective[node][0] += (gs.conj() * x).re / (2.0 * amp)
                        }
                        _ => {}
                    }
                    g[*s] = f.conj() * gs;
                }
                Op::Split { src, dst, amps } => {
                    let mut acc = amps[0] * g[*src];
                    for (&d, a) in dst.iter().zip(&amps[1..]) {
                        acc += a * g[d];
                        // The slot held nothing the op read.
                        g[d] = ZERO;
                    }
                    g[*src] = acc;
                }
                Op::Combine { dst, srcs, amps } => {
                    let gd = g[*dst];
                    for (&s, a) in srcs.iter().zip(&amps[1..]) {
                        g[s] = a * gd;
                    }
                    g[*dst] = amps[0] * gd;
                }
                Op::Source { s, value } => {
                    if let Deriv::Source { unit } = self.derivs[k] {
                        let gs = g[*s];
                        grad.attrs[node][0] += (gs.conj() * unit).re;
                        grad.attrs[node][1] += (gs.conj() * Complex64::i() * value).re;
                    }
                    g[*s] = ZERO;
                }
                Op::Eo {
                    s,
                    alpha,
                    gain,
                    bias,
                } => {
                    let z = take(1)[0];
                    let gs = g[*s];
                    let delta = gain * z.norm_sqr() + bias;
                    let h = eo::transmission(*alpha, delta);
                    let w = (gs.conj() * z * eo::transmission_derivative(*alpha, delta)).re;
                    if let Deriv::Eo { gain_factor } = self.derivs[k] {
                        grad.attrs[node][0] += w * z.norm_sqr() * gain_factor;
                        grad.attrs[node][1] += w;
                    }
                    g[*s] = h.conj() * gs + 2.0 * w * gain * z;
                }
                Op::Detect {
                    s,
                    threshold,
                    responsivity,
                    ..
                } => {
                    let z = take(1)[0];
                    // A thresholded detector has no gradient.
                    let dp = if threshold.is_some() { 0.0 } else { g[*s].re };
                    g[*s] = 2.0 * dp * responsivity * z;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use optc_formats::builder::NetlistBuilder;
    use optc_model::device::DeviceParams;
    use optc_model::mesh::random_clements;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A circuit with every differentiable kind: a mesh (MZIs and a phase
    /// screen), a splitter, a bias source, a combiner, attenuators, an EO
    /// activation and detectors.
    fn build() -> (Circuit, NodeSettings, optc_formats::netlist::Netlist) {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let mesh = random_clements(3, &mut rng);
        let mut b = NetlistBuilder::new("grad", 3);
        b.add_mesh(&mesh, 0, "m_");
        let outs = b.add_splitter(2, 2, "split");
        let bias = b.add_source(0.6, 0.4, "bias");
        b.add_combiner(&[1, bias], "comb");
        b.add_attenuators_on(&[0, outs[1]], &[0.8, 0.6], "att_");
        b.add_eo_activation(0, 0.1, 2.0, 0.3, "eo");
        b.add_detector(0, None, "pd0");
        b.add_detector(outs[1], None, "pd1");
        let (netlist, phases) = b.build().unwrap();
        let text = netlist.to_yaml();
        let circuit = Circuit::new(&netlist, "grad", &text).unwrap();
        let settings = phases.resolve(&circuit, "p", &phases.to_yaml()).unwrap();
        (circuit, settings, netlist)
    }

    /// L = Σ_k w_k·y_k over every output (power for detectors, Re for fields).
    fn loss(
        circuit: &Circuit,
        s: &NodeSettings,
        dev: &DeviceInstance,
        input: &[Complex64],
        w: &[f64],
    ) -> f64 {
        let plan = Plan::new(circuit, s, dev);
        let d = Differentiable::new(&plan, circuit, s, dev);
        let mut tape = Tape::default();
        d.forward(input, &mut tape);
        tape.outputs.iter().zip(w).map(|(y, w)| w * y.re).sum()
    }

    #[test]
    fn gradients_match_finite_differences_on_a_sampled_chip() {
        let (circuit, settings, _) = build();
        let params = DeviceParams {
            crosstalk: 0.05,
            phase_bits: None,
            ..DeviceParams::REALISTIC
        };
        let dev = DeviceInstance::sample(&params, &circuit, 11);
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let input: Vec<Complex64> = (0..3)
            .map(|_| Complex64::new(rng.gen_range(-0.8..0.8), rng.gen_range(-0.8..0.8)))
            .collect();
        let plan = Plan::new(&circuit, &settings, &dev);
        let diff = Differentiable::new(&plan, &circuit, &settings, &dev);
        let mut tape = Tape::default();
        diff.forward(&input, &mut tape);
        let w: Vec<f64> = (0..tape.outputs.len()).map(|k| 0.5 + k as f64).collect();
        let mut grad = Gradient::zeros(&circuit);
        let d_out: Vec<Complex64> = w.iter().map(|&x| Complex64::new(x, 0.0)).collect();
        diff.backward(&tape, &d_out, &mut grad);
        let ds = grad.settings(&dev);
        let h = 1e-6;
        let mut checked = 0;
        for (i, node) in circuit.nodes.iter().enumerate() {
            for slot in 0..node.kind.programmable().len() {
                let mut p = settings.clone();
                let mut q = settings.clone();
                p[i][slot] += h;
                q[i][slot] -= h;
                let fd = (loss(&circuit, &p, &dev, &input, &w)
                    - loss(&circuit, &q, &dev, &input, &w))
                    / (2.0 * h);
                assert!(
                    (fd - ds[i][slot]).abs() < 1e-6,
                    "{} slot {slot}: fd {fd} adjoint {}",
                    node.name,
                    ds[i][slot]
                );
                checked += 1;
            }
        }
        assert!(checked >= 3 + 3 + 3 + 2);
        // Attributes: rebuild the circuit with a moved attribute.
        let (_, _, netlist) = build();
        for (name, attr, slot) in [
            ("bias", "amplitude", 0),
            ("bias", "phase", 1),
            ("eo", "gain", 0),
            ("eo", "bias", 1),
        ] {
            let i = circuit.nodes.iter().position(|n| n.name == name).unwrap();
            let moved = |dx: f64| {
                let mut n = netlist.clone();
                let inst = n.instances.get_mut(name).unwrap();
                let v = inst.settings.get(attr).copied().unwrap_or(0.0);
                inst.settings.insert(attr.to_string(), v + dx);
                let text = n.to_yaml();
                let c = Circuit::new(&n, "grad", &text).unwrap();
                let dev = DeviceInstance::sample(&params, &c, 11);
                loss(&c, &settings, &dev, &input, &w)
            };
            let fd = (moved(h) - moved(-h)) / (2.0 * h);
            assert!(
                (fd - grad.attrs[i][slot]).abs() < 1e-6,
                "{name}.{attr}: fd {fd} adjoint {}",
                grad.attrs[i][slot]
            );
        }
    }

    #[test]
    fn forward_is_the_batch_path() {
        let (circuit, settings, _) = build();
        let dev = DeviceInstance::sample(
            &DeviceParams::REALISTIC.without_detector_noise(),
            &circuit,
            5,
        );
        let plan = Plan::new(&circuit, &settings, &dev);
        let input = nalgebra::DMatrix::from_row_slice(
            1,
            3,
            &[
                Complex64::new(0.3, 0.1),
                Complex64::new(-0.5, 0.2),
                Complex64::new(0.1, 0.7),
            ],
        );
        let batch = plan.run(&input, 0).unwrap();
        let diff = Differentiable::new(&plan, &circuit, &settings, &dev);
        let mut tape = Tape::default();
        diff.forward(input.row(0).transpose().as_slice(), &mut tape);
        for (k, y) in tape.outputs.iter().enumerate() {
            assert_eq!(*y, batch[(0, k)]);
        }
    }
}

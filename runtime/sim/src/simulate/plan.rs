//! The execution plan: the circuit's instances in topological order as
//! operations on a few field "slots", with every coefficient (phases, device
//! errors, loss) already folded in. Slots are reused as soon as a field is
//! consumed, so a mesh of N modes needs N slots whatever its depth.

use crate::device::{DeviceInstance, NodeSettings};
use num_complex::Complex64;
use optc_formats::netlist::{Circuit, Driver, Endpoint, Kind};
use optc_model::mzi::{mul2, Mat2};
use std::collections::HashMap;

/// One operation on slots.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `(a, b) ← M·(a, b)`: an MZI or a coupler.
    Pair { a: usize, b: usize, m: Mat2 },
    /// `s ← f·s`: phase shifter, attenuator, amplifier.
    Scale { s: usize, f: Complex64 },
    /// `dst[k] ← f·src` for every k, then `src ← f·src` (src is output 0).
    Split { src: usize, dst: Vec<usize>, f: f64 },
    /// `dst ← f·(dst + Σ srcs)`.
    Combine {
        dst: usize,
        srcs: Vec<usize>,
        f: f64,
    },
    /// `s ← value`.
    Source { s: usize, value: Complex64 },
    /// The electro-optic activation.
    Eo {
        s: usize,
        alpha: f64,
        gain: f64,
        bias: f64,
    },
    /// `s ← |s|² + noise`, or its comparison with a threshold (1 or 0).
    Detect {
        s: usize,
        threshold: Option<f64>,
        noise: f64,
    },
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub slots: usize,
    pub ops: Vec<Op>,
    /// Slot of each external input.
    pub inputs: Vec<usize>,
    /// Slot of each external output.
    pub outputs: Vec<usize>,
    pub input_names: Vec<String>,
    pub output_names: Vec<String>,
    /// Whether detector noise needs random numbers.
    pub noisy: bool,
    /// Product of all amplifier power gains on the netlist (reported).
    pub amplifier_gains: Vec<(String, f64)>,
}

fn coupler(kappa: f64) -> Mat2 {
    let t = Complex64::new((1.0 - kappa).sqrt(), 0.0);
    let x = Complex64::new(0.0, kappa.sqrt());
    [[t, x], [x, t]]
}

fn phase_diag(p: f64) -> Mat2 {
    let z = Complex64::new(0.0, 0.0);
    [
        [Complex64::from_polar(1.0, p), z],
        [z, Complex64::new(1.0, 0.0)],
    ]
}

/// The MZI 2×2 with coupler ratios κ1, κ2 and a field loss factor.
pub fn mzi_matrix(theta: f64, phi: f64, kappa: [f64; 2], loss: f64) -> Mat2 {
    let m = if kappa == [0.5, 0.5] {
        optc_model::mzi::transfer(theta, phi)
    } else {
        mul2(
            &coupler(kappa[1]),
            &mul2(
                &phase_diag(theta),
                &mul2(&coupler(kappa[0]), &phase_diag(phi)),
            ),
        )
    };
    m.map(|row| row.map(|x| x * loss))
}

impl Plan {
    /// Plans `circuit` programmed with `programmed` on the device `device`.
    pub fn new(circuit: &Circuit, programmed: &NodeSettings, device: &DeviceInstance) -> Plan {
        let settings = device.effective(circuit, programmed);
        let loss = device.mzi_field_loss();
        let mut free: Vec<usize> = Vec::new();
        let mut slots = 0usize;
        let mut alloc = |free: &mut Vec<usize>| {
            free.pop().unwrap_or_else(|| {
                slots += 1;
                slots - 1
            })
        };
        let inputs: Vec<usize> = circuit
            .input_names
            .iter()
            .map(|_| alloc(&mut free))
            .collect();
        // The slot holding each node output, once produced.
        let mut held: HashMap<Endpoint, usize> = HashMap::new();
        let mut ops = Vec::with_capacity(circuit.nodes.len());
        let mut gains = Vec::new();
        for &i in &circuit.order {
            let node = &circuit.nodes[i];
            let ins: Vec<usize> = circuit.drivers[i]
                .iter()
                .map(|d| match *d {
                    Driver::External(k) => inputs[k],
                    // Producers come first in topological order.
                    Driver::Node(e) => held.remove(&e).unwrap_or(usize::MAX),
                })
                .collect();
            let v = settings[i];
            let outs: Vec<usize> = match node.kind {
                Kind::Mzi | Kind::Coupler => {
                    let m = if node.kind == Kind::Mzi {
                        mzi_matrix(v[0], v[1], device.kappa[i], loss)
                    } else {
                        coupler(device.kappa[i][0])
                    };
                    ops.push(Op::Pair {
                        a: ins[0],
                        b: ins[1],
                        m,
                    });
                    ins
                }
                Kind::PhaseShifter | Kind::Attenuator | Kind::Amplifier => {
                    let f = match node.kind {
                        Kind::PhaseShifter => Complex64::from_polar(1.0, v[0]),
                        Kind::Attenuator => Complex64::new(v[0].sqrt(), 0.0),
                        _ => {
                            let g = node.attr("power_gain");
                            gains.push((node.name.clone(), g));
                            Complex64::new(g.sqrt(), 0.0)
                        }
                    };
                    ops.push(Op::Scale { s: ins[0], f });
                    ins
                }
                Kind::Splitter => {
                    let dst: Vec<usize> = (1..node.outputs).map(|_| alloc(&mut free)).collect();
                    ops.push(Op::Split {
                        src: ins[0],
                        dst: dst.clone(),
                        f: 1.0 / (node.outputs as f64).sqrt(),
                    });
                    std::iter::once(ins[0]).chain(dst).collect()
                }
                Kind::Combiner => {
                    free.extend_from_slice(&ins[1..]);
                    ops.push(Op::Combine {
                        dst: ins[0],
                        srcs: ins[1..].to_vec(),
                        f: 1.0 / (node.inputs as f64).sqrt(),
                    });
                    vec![ins[0]]
                }
                Kind::Source => {
                    let s = alloc(&mut free);
                    ops.push(Op::Source {
                        s,
                        value: Complex64::from_polar(node.attr("amplitude"), node.attr("phase")),
                    });
                    vec![s]
                }
                Kind::EoActivation => {
                    ops.push(Op::Eo {
                        s: ins[0],
                        alpha: node.attr("alpha"),
                        gain: node.attr("gain"),
                        bias: node.attr("bias"),
                    });
                    ins
                }
                Kind::Detector => {
                    let t = node.attr("threshold");
                    ops.push(Op::Detect {
                        s: ins[0],
                        threshold: (!t.is_nan()).then_some(t),
                        noise: device.params.detector_noise,
                    });
                    ins
                }
                Kind::Terminator => {
                    free.extend_from_slice(&ins);
                    Vec::new()
                }
            };
            for (port, s) in outs.into_iter().enumerate() {
                held.insert(Endpoint { node: i, port }, s);
            }
        }
        let outputs = circuit
            .outputs
            .iter()
            .map(|(_, e)| held.get(e).copied().unwrap_or(usize::MAX))
            .collect();
        let noisy = device.params.detector_noise > 0.0
            && ops.iter().any(|o| matches!(o, Op::Detect { .. }));
        Plan {
            slots,
            ops,
            inputs,
            outputs,
            input_names: circuit.input_names.clone(),
            output_names: circuit.outputs.iter().map(|(n, _)| n.clone()).collect(),
            noisy,
            amplifier_gains: gains,
        }
    }
}

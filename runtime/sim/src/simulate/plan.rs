//! The execution plan: the circuit's instances in topological order as
//! operations on a few field "slots", with every coefficient (phases, device
//! errors, loss) already folded in. Slots are reused as soon as a field is
//! consumed, so a mesh of N modes needs N slots whatever its depth.

use crate::device::{DeviceInstance, NodeSettings};
use num_complex::Complex64;
use optc_formats::netlist::{Circuit, Driver, Endpoint, Kind};
use optc_model::errors::ComponentErrors;
use optc_model::mzi::{coupler, Mat2, Mzi};

/// One operation on slots.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `(a, b) ← M·(a, b)`: an MZI or a coupler.
    Pair { a: usize, b: usize, m: Mat2 },
    /// `s ← f·s`: phase shifter, attenuator, amplifier.
    Scale { s: usize, f: Complex64 },
    /// `dst[k] ← a[k+1]·src` for every k, then `src ← a[0]·src` (src is
    /// output 0): a splitter with its branch amplitudes.
    Split {
        src: usize,
        dst: Vec<usize>,
        amps: Vec<f64>,
    },
    /// `dst ← a[0]·dst + Σ a[k+1]·srcs[k]`: a combiner.
    Combine {
        dst: usize,
        srcs: Vec<usize>,
        amps: Vec<f64>,
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
    /// `s ← r·|s|² + offset + noise`, or its comparison with a threshold.
    Detect {
        s: usize,
        threshold: Option<f64>,
        noise: f64,
        offset: f64,
        responsivity: f64,
    },
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub slots: usize,
    pub ops: Vec<Op>,
    /// The netlist node each op comes from.
    pub op_nodes: Vec<usize>,
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

impl Plan {
    /// Plans `circuit` programmed with `programmed` on the device `device`
    /// (an instance sampled for this circuit; see [`DeviceInstance::fits`]).
    pub fn new(circuit: &Circuit, programmed: &NodeSettings, device: &DeviceInstance) -> Plan {
        // Instances come only from `DeviceInstance::sample` of the same
        // circuit: another circuit's chip is a programming error, never a
        // silent ideal device.
        assert!(
            device.fits(circuit),
            "device instance sampled for another circuit than `{}`",
            circuit.name
        );
        let settings = device.effective(programmed);
        let loss = device.params.mzi_field_loss();
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
        // The slot holding each node output, once produced: output `port` of
        // node i at `first_output[i] + port` (every output drives one input).
        let mut first_output = Vec::with_capacity(circuit.nodes.len() + 1);
        let mut total = 0usize;
        for n in &circuit.nodes {
            first_output.push(total);
            total += n.outputs;
        }
        let at = |e: &Endpoint| first_output[e.node] + e.port;
        let mut held: Vec<usize> = vec![usize::MAX; total];
        let mut ops = Vec::with_capacity(circuit.nodes.len());
        let mut op_nodes = Vec::with_capacity(circuit.nodes.len());
        let mut gains = Vec::new();
        for &i in &circuit.order {
            let node = &circuit.nodes[i];
            let ins: Vec<usize> = circuit.drivers[i]
                .iter()
                .map(|d| match *d {
                    Driver::External(k) => inputs[k],
                    // Producers come first in topological order.
                    Driver::Node(e) => std::mem::replace(&mut held[at(&e)], usize::MAX),
                })
                .collect();
            let v = settings[i];
            let errors = &device.errors[i];
            op_nodes.push(i);
            let outs: Vec<usize> = match node.kind {
                Kind::Mzi(_) | Kind::Coupler => {
                    let m = match *errors {
                        ComponentErrors::Mzi { kappa, .. } => Mzi {
                            cell: node.kind.mzi_cell().unwrap_or_default(),
                            kappa,
                            field_loss: loss,
                        }
                        .transfer(v[0], v[1]),
                        ComponentErrors::Coupler { kappa } => coupler(kappa),
                        _ => coupler(node.attr("ratio")),
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
                        amps: branch_amps(errors, node.outputs),
                    });
                    std::iter::once(ins[0]).chain(dst).collect()
                }
                Kind::Combiner => {
                    free.extend_from_slice(&ins[1..]);
                    ops.push(Op::Combine {
                        dst: ins[0],
                        srcs: ins[1..].to_vec(),
                        amps: branch_amps(errors, node.inputs),
                    });
                    vec![ins[0]]
                }
                Kind::Source => {
                    let s = alloc(&mut free);
                    let (power, dphase) = match *errors {
                        ComponentErrors::Source {
                            power_factor,
                            dphase,
                        } => (power_factor, dphase),
                        _ => (1.0, 0.0),
                    };
                    ops.push(Op::Source {
                        s,
                        value: Complex64::from_polar(
                            node.attr("amplitude") * power.sqrt(),
                            node.attr("phase") + dphase,
                        ),
                    });
                    vec![s]
                }
                Kind::EoActivation => {
                    let (gain, dbias) = match *errors {
                        ComponentErrors::Eo { gain_factor, dbias } => (gain_factor, dbias),
                        _ => (1.0, 0.0),
                    };
                    ops.push(Op::Eo {
                        s: ins[0],
                        alpha: node.attr("alpha"),
                        gain: node.attr("gain") * gain,
                        bias: node.attr("bias") + dbias,
                    });
                    ins
                }
                Kind::Detector => {
                    let t = node.attr("threshold");
                    ops.push(Op::Detect {
                        s: ins[0],
                        threshold: (!t.is_nan()).then_some(t),
                        noise: device.params.detector_noise,
                        offset: match *errors {
                            ComponentErrors::Detector { offset, .. } => offset,
                            _ => 0.0,
                        },
                        responsivity: match *errors {
                            ComponentErrors::Detector { responsivity, .. } => responsivity,
                            _ => 1.0,
                        },
                    });
                    ins
                }
                Kind::Terminator => {
                    free.extend_from_slice(&ins);
                    op_nodes.pop();
                    Vec::new()
                }
            };
            for (port, s) in outs.into_iter().enumerate() {
                held[first_output[i] + port] = s;
            }
        }
        let outputs = circuit.outputs.iter().map(|(_, e)| held[at(e)]).collect();
        let noisy = device.params.detector_noise > 0.0
            && ops.iter().any(|o| matches!(o, Op::Detect { .. }));
        Plan {
            slots,
            ops,
            op_nodes,
            inputs,
            outputs,
            input_names: circuit.input_names.clone(),
            output_names: circuit.outputs.iter().map(|(n, _)| n.clone()).collect(),
            noisy,
            amplifier_gains: gains,
        }
    }
}

/// The branch amplitudes of a splitter or combiner of `k` branches.
fn branch_amps(errors: &ComponentErrors, k: usize) -> Vec<f64> {
    match errors {
        ComponentErrors::Branches { amplitudes } if amplitudes.len() == k => amplitudes.clone(),
        _ => vec![1.0 / (k.max(1) as f64).sqrt(); k],
    }
}

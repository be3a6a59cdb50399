//! A circuit bound to one device instance: effective transfer functions of
//! every stage, the forward pass (with an optional tape) and the adjoint pass
//! that returns dL/d(parameter) in the circuit's flat parameter layout.

use crate::reducer::circuit::{Circuit, Stage};
use crate::reducer::device::{DeviceInstance, StageErrors};
use num_complex::Complex64;
use optc_model::mesh_adjoint::{quantize_phase, MeshErrors, MeshGrad, PhysicalMesh};

const ZERO: Complex64 = Complex64::new(0.0, 0.0);

#[derive(Debug, Clone)]
enum Prep {
    Source {
        mode: usize,
        field: Complex64,
        unit: Complex64,
    },
    Mesh {
        offset: usize,
        pm: Box<PhysicalMesh>,
    },
    Atten {
        modes: Vec<usize>,
        amp: Vec<f64>,
    },
    Act {
        mode: usize,
        kappa: f64,
        gain: f64,
        bias: f64,
    },
    FanOut {
        from: usize,
        to: Vec<usize>,
        amps: Vec<f64>,
    },
}

/// A circuit prepared for one device instance.
#[derive(Debug, Clone)]
pub struct PreparedCircuit<'a> {
    pub circuit: &'a Circuit,
    preps: Vec<Prep>,
}

/// Fields before every stage, recorded by [`PreparedCircuit::forward_tape`].
#[derive(Debug, Clone, Default)]
pub struct Tape {
    before: Vec<Vec<Complex64>>,
    mesh: Vec<Vec<[Complex64; 2]>>,
}

impl<'a> PreparedCircuit<'a> {
    pub fn new(circuit: &'a Circuit, dev: &DeviceInstance) -> Self {
        let bits = dev.phase_bits;
        let preps = circuit
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let e = dev.stages.get(i).unwrap_or(&StageErrors::None);
                match s {
                    Stage::Source {
                        mode,
                        amplitude,
                        phase,
                    } => {
                        let d = if let StageErrors::Source { dphase } = e {
                            *dphase
                        } else {
                            0.0
                        };
                        let unit = Complex64::from_polar(1.0, quantize_phase(*phase, bits) + d);
                        Prep::Source {
                            mode: *mode,
                            field: unit * amplitude,
                            unit,
                        }
                    }
                    Stage::Mesh { offset, mesh, .. } => {
                        let pm = match e {
                            StageErrors::Mesh(me) => PhysicalMesh::new(mesh, me),
                            _ => PhysicalMesh::new(mesh, &MeshErrors::ideal(mesh)),
                        };
                        Prep::Mesh {
                            offset: *offset,
                            pm: Box::new(pm),
                        }
                    }
                    Stage::Attenuators { column, .. } => Prep::Atten {
                        modes: column.iter().map(|a| a.mode).collect(),
                        amp: column
                            .iter()
                            .map(|a| a.transmission.clamp(0.0, 1.0).sqrt())
                            .collect(),
                    },
                    Stage::Activation {
                        mode,
                        alpha,
                        gain,
                        bias,
                    } => {
                        let d = if let StageErrors::Activation { dbias } = e {
                            *dbias
                        } else {
                            0.0
                        };
                        Prep::Act {
                            mode: *mode,
                            kappa: (1.0 - alpha).max(0.0).sqrt(),
                            gain: *gain,
                            bias: quantize_phase(*bias, bits) + d,
                        }
                    }
                    Stage::FanOut { from, to } => {
                        let amps = match e {
                            StageErrors::FanOut { amplitudes } if amplitudes.len() == to.len() => {
                                amplitudes.clone()
                            }
                            _ => vec![1.0 / (to.len().max(1) as f64).sqrt(); to.len()],
                        };
                        Prep::FanOut {
                            from: *from,
                            to: to.clone(),
                            amps,
                        }
                    }
                }
            })
            .collect();
        Self { circuit, preps }
    }

    fn run_stage(p: &Prep, field: &mut [Complex64], mesh_tape: Option<&mut Vec<[Complex64; 2]>>) {
        match p {
            Prep::Source { mode, field: f, .. } => field[*mode] = *f,
            Prep::Mesh { offset, pm } => {
                let slice = &mut field[*offset..*offset + pm.modes];
                match mesh_tape {
                    Some(t) => pm.forward(slice, t),
                    None => pm.apply(slice),
                }
            }
            Prep::Atten { modes, amp } => {
                for (&m, a) in modes.iter().zip(amp) {
                    field[m] *= a;
                }
            }
            Prep::Act {
                mode,
                kappa,
                gain,
                bias,
            } => {
                let z = field[*mode];
                field[*mode] = activation_h(*kappa, gain * z.norm_sqr() + bias) * z;
            }
            Prep::FanOut { from, to, amps } => {
                let v = field[*from];
                field[*from] = ZERO;
                for (&m, a) in to.iter().zip(amps) {
                    field[m] = v * a;
                }
            }
        }
    }

    /// Propagates the input field of `codes` through every stage.
    pub fn forward(&self, codes: &[i32], field: &mut Vec<Complex64>) {
        self.circuit.input_field(codes, field);
        for p in &self.preps {
            Self::run_stage(p, field, None);
        }
    }

    /// Forward pass that records what the adjoint pass needs.
    pub fn forward_tape(&self, codes: &[i32], field: &mut Vec<Complex64>, tape: &mut Tape) {
        self.circuit.input_field(codes, field);
        tape.before.resize(self.preps.len(), Vec::new());
        tape.mesh.resize(self.preps.len(), Vec::new());
        for (i, p) in self.preps.iter().enumerate() {
            tape.before[i].clear();
            tape.before[i].extend_from_slice(field);
            Self::run_stage(p, field, Some(&mut tape.mesh[i]));
        }
    }

    /// Adjoint pass: `grad` = g at the circuit output (Wirtinger convention
    /// of [`optc_model::mesh_adjoint`]); `out` (flat layout of [`Circuit::params`])
    /// is accumulated.
    pub fn backward(&self, tape: &Tape, grad: &mut [Complex64], out: &mut [f64]) {
        let offsets = param_offsets(self.circuit);
        for i in (0..self.preps.len()).rev() {
            let base = offsets[i];
            let before = &tape.before[i];
            match &self.preps[i] {
                Prep::Source { mode, field, unit } => {
                    let g = grad[*mode];
                    if let Some(b) = base {
                        out[b] += (g.conj() * unit).re;
                        out[b + 1] += (g.conj() * Complex64::i() * field).re;
                    }
                    grad[*mode] = ZERO;
                }
                Prep::Mesh { offset, pm } => {
                    let after: Vec<Complex64> = after_field(tape, i, &self.preps, before);
                    let m = pm.modes;
                    let mut acc = MeshGrad {
                        theta: vec![0.0; pm_mzis(self.circuit, i)],
                        phi: vec![0.0; pm_mzis(self.circuit, i)],
                        output_phases: vec![0.0; m],
                    };
                    pm.backward(
                        &tape.mesh[i],
                        &after[*offset..*offset + m],
                        &mut grad[*offset..*offset + m],
                        &mut acc,
                    );
                    if let Some(b) = base {
                        let k = acc.theta.len();
                        for j in 0..k {
                            out[b + j] += acc.theta[j];
                            out[b + k + j] += acc.phi[j];
                        }
                        for j in 0..m {
                            out[b + 2 * k + j] += acc.output_phases[j];
                        }
                    }
                }
                Prep::Atten { modes, amp } => {
                    for (j, (&m, a)) in modes.iter().zip(amp).enumerate() {
                        let x = before[m];
                        let g = grad[m];
                        if let Some(b) = base {
                            if *a > 0.0 {
                                out[b + j] += (g.conj() * x).re / (2.0 * a);
                            }
                        }
                        grad[m] = g * a;
                    }
                }
                Prep::Act {
                    mode,
                    kappa,
                    gain,
                    bias,
                } => {
                    let z = before[*mode];
                    let g = grad[*mode];
                    let delta = gain * z.norm_sqr() + bias;
                    let h = activation_h(*kappa, delta);
                    // h'(Δ) = (κ/2)·e^{−iΔ}
                    let hp = Complex64::from_polar(0.5 * kappa, -delta);
                    let w = (g.conj() * z * hp).re;
                    if let Some(b) = base {
                        out[b] += w * z.norm_sqr();
                        out[b + 1] += w;
                    }
                    grad[*mode] = g * h.conj() + 2.0 * w * gain * z;
                }
                Prep::FanOut { from, to, amps } => {
                    let mut acc = ZERO;
                    for (&m, a) in to.iter().zip(amps) {
                        acc += grad[m] * a;
                        grad[m] = ZERO;
                    }
                    grad[*from] = acc;
                }
            }
        }
    }
}

/// h(Δ) with f(z) = h·z: h = i·κ·e^{−iΔ/2}·cos(Δ/2) = (iκ/2)(1 + e^{−iΔ}).
#[inline]
pub fn activation_h(kappa: f64, delta: f64) -> Complex64 {
    Complex64::new(0.0, 0.5 * kappa)
        * (Complex64::new(1.0, 0.0) + Complex64::from_polar(1.0, -delta))
}

fn pm_mzis(c: &Circuit, i: usize) -> usize {
    match &c.stages[i] {
        Stage::Mesh { mesh, .. } => mesh.mzis.len(),
        _ => 0,
    }
}

fn after_field(tape: &Tape, i: usize, preps: &[Prep], before: &[Complex64]) -> Vec<Complex64> {
    match tape.before.get(i + 1) {
        Some(f) => f.clone(),
        None => {
            let mut f = before.to_vec();
            PreparedCircuit::run_stage(&preps[i], &mut f, None);
            f
        }
    }
}

/// Start index of each stage's parameters in the flat layout (None: fixed).
pub fn param_offsets(c: &Circuit) -> Vec<Option<usize>> {
    let mut n = 0;
    c.stages
        .iter()
        .map(|s| {
            let len = stage_param_len(s);
            if len == 0 {
                None
            } else {
                let b = n;
                n += len;
                Some(b)
            }
        })
        .collect()
}

fn stage_param_len(s: &Stage) -> usize {
    match s {
        Stage::Source { .. } => 2,
        Stage::Mesh {
            mesh,
            trainable: true,
            ..
        } => 2 * mesh.mzis.len() + mesh.modes,
        Stage::Mesh { .. } => 0,
        Stage::Attenuators { column, .. } => column.len(),
        Stage::Activation { .. } => 2,
        Stage::FanOut { .. } => 0,
    }
}

impl Circuit {
    /// The trainable hardware parameters, flattened: per stage in order,
    /// source [amplitude, phase]; trainable mesh [θ…, φ…, output phases…];
    /// attenuators [t…]; activation [gain, bias].
    pub fn params(&self) -> Vec<f64> {
        let mut v = Vec::new();
        for s in &self.stages {
            match s {
                Stage::Source {
                    amplitude, phase, ..
                } => v.extend([*amplitude, *phase]),
                Stage::Mesh {
                    mesh,
                    trainable: true,
                    ..
                } => {
                    v.extend(mesh.mzis.iter().map(|m| m.theta));
                    v.extend(mesh.mzis.iter().map(|m| m.phi));
                    v.extend(mesh.output_phases.iter().copied());
                }
                Stage::Attenuators { column, .. } => {
                    v.extend(column.iter().map(|a| a.transmission))
                }
                Stage::Activation { gain, bias, .. } => v.extend([*gain, *bias]),
                _ => {}
            }
        }
        v
    }

    /// Writes a flat parameter vector back (inverse of [`Circuit::params`]).
    pub fn set_params(&mut self, p: &[f64]) {
        let mut i = 0;
        let mut next = || {
            let x = p.get(i).copied().unwrap_or(0.0);
            i += 1;
            x
        };
        for s in &mut self.stages {
            match s {
                Stage::Source {
                    amplitude, phase, ..
                } => {
                    *amplitude = next();
                    *phase = next();
                }
                Stage::Mesh {
                    mesh,
                    trainable: true,
                    ..
                } => {
                    for m in mesh.mzis.iter_mut() {
                        m.theta = next();
                    }
                    for m in mesh.mzis.iter_mut() {
                        m.phi = next();
                    }
                    for o in mesh.output_phases.iter_mut() {
                        *o = next();
                    }
                }
                Stage::Attenuators { column, .. } => {
                    for a in column.iter_mut() {
                        a.transmission = next();
                    }
                }
                Stage::Activation { gain, bias, .. } => {
                    *gain = next();
                    *bias = next();
                }
                _ => {}
            }
        }
    }
}

//! Executing a compiled reducer netlist: codes → input fields on the ports
//! its `reducer:` section names, the netlist's simulation plan, then the
//! electronics of the section (comparators or coherent receivers).
//!
//! Detector noise: the plan is built by the caller; reducer execution uses
//! the comparator model of spec/reducer.md (σ·full_scale on P₊ − P₋), so
//! plans here should be built with `detector_noise = 0` and σ passed to
//! [`NetlistReducer::deliver`] / the executor.

use crate::device::DeviceInstance;
use crate::reducer::code_word::{wide, CodeWord};
use crate::reducer::digit_serial::DigitSerialExecutor;
use crate::reducer::executor::{Comparators, ExecutorError, ReducerExecutor, SumResponse};
use crate::simulate::{BatchError, Plan};
use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_formats::netlist::reducer_section::{InterfaceReadout, ReducerInterface};
use optc_model::contract::round_half_even_div;
use optc_model::encoding::encode_field;
use optc_model::modulator::Modulator;
use optc_model::task::Task;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum NetlistRunError {
    #[error("the netlist has no `reducer:` or `digit_serial:` section (compile a reducer, or use `optc simulate`)")]
    NotAReducer,
    #[error("reducer port `{0}` is not a port of the simulation plan")]
    Port(String),
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error(transparent)]
    Executor(#[from] ExecutorError),
    #[error("{0}")]
    Contract(String),
    #[error("a stage of the digit-serial netlist: {0}")]
    Part(String),
}

/// Where the readout's ports sit among the plan's outputs.
#[derive(Debug, Clone)]
enum Columns {
    /// Per bit: plus column, optional minus column.
    Bits(Vec<(usize, Option<usize>)>),
    Coherent {
        receiver: usize,
        gain: f64,
    },
}

/// A reducer netlist bound to one simulation plan.
#[derive(Debug, Clone)]
pub struct NetlistReducer {
    pub interface: ReducerInterface,
    pub task: Task,
    /// Plan input column of each channel.
    inputs: Vec<usize>,
    /// The modulator of each channel (PAM links; empty: field q/Q).
    modulators: Vec<Modulator>,
    plan_inputs: usize,
    columns: Columns,
}

impl NetlistReducer {
    pub fn new(interface: &ReducerInterface, plan: &Plan) -> Result<Self, NetlistRunError> {
        let task = interface.task().map_err(NetlistRunError::Contract)?;
        let find = |names: &[String], port: &str| {
            names
                .iter()
                .position(|n| n == port)
                .ok_or_else(|| NetlistRunError::Port(port.to_string()))
        };
        let inputs = interface
            .inputs
            .iter()
            .map(|p| find(&plan.input_names, p))
            .collect::<Result<Vec<_>, _>>()?;
        let columns = match &interface.readout {
            InterfaceReadout::Bits { bits, .. } => Columns::Bits(
                bits.iter()
                    .map(|b| {
                        let plus = find(&plan.output_names, &b.plus)?;
                        let minus = match &b.minus {
                            Some(m) => Some(find(&plan.output_names, m)?),
                            None => None,
                        };
                        Ok((plus, minus))
                    })
                    .collect::<Result<Vec<_>, NetlistRunError>>()?,
            ),
            InterfaceReadout::Coherent { receivers, gain } => {
                let first = receivers
                    .first()
                    .ok_or_else(|| NetlistRunError::Port("(no receiver)".into()))?;
                Columns::Coherent {
                    receiver: find(&plan.output_names, first)?,
                    gain: *gain,
                }
            }
        };
        Ok(Self {
            interface: interface.clone(),
            modulators: task.ideal_modulators(),
            task,
            inputs,
            plan_inputs: plan.input_names.len(),
            columns,
        })
    }

    /// The runner of a sampled chip: a digit-serial stage's link
    /// transmitters and carry remodulator are that chip's (keyed by the
    /// input ports they drive; spec/device.md, "PAM modulators").
    pub fn on_chip(
        interface: &ReducerInterface,
        plan: &Plan,
        device: &DeviceInstance,
    ) -> Result<Self, NetlistRunError> {
        let mut r = Self::new(interface, plan)?;
        r.modulators = r
            .task
            .modulators(&interface.inputs, device.seed, &device.params);
        Ok(r)
    }

    /// The comparators of a bit readout (empty for a coherent one).
    pub fn comparators(&self) -> Comparators {
        match &self.interface.readout {
            InterfaceReadout::Bits { code, bits } => Comparators {
                code: *code,
                detectors: bits.iter().map(|b| (b.threshold, b.full_scale)).collect(),
            },
            InterfaceReadout::Coherent { .. } => Comparators {
                code: optc_model::encoding::BitCode::TwosComplement,
                detectors: Vec::new(),
            },
        }
    }

    /// The plan's input fields for one input vector: server i's q_i/Q on its
    /// port (amplitude link) or each channel's modulator field at its value
    /// (PAM link), every other input dark.
    pub fn input_fields(&self, values: &[i32], fields: &mut Vec<Complex64>) {
        fields.clear();
        fields.resize(self.plan_inputs, Complex64::new(0.0, 0.0));
        match &self.task {
            Task::Mean(c) => {
                let q = c.max_code();
                for (&v, &col) in values.iter().zip(&self.inputs) {
                    fields[col] = Complex64::new(encode_field(v, q), 0.0);
                }
            }
            Task::Stage(_) => {
                for ((&v, &col), m) in values.iter().zip(&self.inputs).zip(&self.modulators) {
                    fields[col] = m.field(v);
                }
            }
        }
    }

    /// The comparator inputs P₊ − P₋ of every bit from the plan's outputs
    /// (empty for a coherent readout).
    pub fn signals(&self, outputs: &[Complex64]) -> Vec<f64> {
        match &self.columns {
            Columns::Bits(cols) => cols
                .iter()
                .map(|&(p, m)| outputs[p].re - m.map_or(0.0, |m| outputs[m].re))
                .collect(),
            Columns::Coherent { .. } => Vec::new(),
        }
    }

    /// P₊ + P₋ of every bit from the plan's outputs (what `full_scale`
    /// bounds; empty for a coherent readout).
    pub fn totals(&self, outputs: &[Complex64]) -> Vec<f64> {
        match &self.columns {
            Columns::Bits(cols) => cols
                .iter()
                .map(|&(p, m)| outputs[p].re + m.map_or(0.0, |m| outputs[m].re))
                .collect(),
            Columns::Coherent { .. } => Vec::new(),
        }
    }

    /// The gradient at the plan's outputs of a loss whose gradient with
    /// respect to the comparator inputs is `d_signals` (adds to `d_outputs`).
    pub fn signals_backward(&self, d_signals: &[f64], d_outputs: &mut [Complex64]) {
        if let Columns::Bits(cols) = &self.columns {
            for (&(p, m), &d) in cols.iter().zip(d_signals) {
                d_outputs[p] += d;
                if let Some(m) = m {
                    d_outputs[m] -= d;
                }
            }
        }
    }

    /// Runs the plan on `rows` code vectors (row-major, N codes each) and
    /// returns each row's noiseless response (comparator inputs or code).
    pub fn respond(
        &self,
        plan: &Plan,
        codes: &[i32],
        seed: u64,
    ) -> Result<Vec<SumResponse>, NetlistRunError> {
        let n = self.task.channels();
        let rows = codes.len() / n.max(1);
        let mut input = DMatrix::<Complex64>::zeros(rows, self.plan_inputs);
        let mut fields = Vec::new();
        for (r, row) in codes.chunks_exact(n).enumerate() {
            self.input_fields(row, &mut fields);
            for (col, z) in fields.iter().enumerate() {
                input[(r, col)] = *z;
            }
        }
        let out = plan.run(&input, seed)?;
        let mut row = Vec::with_capacity(out.ncols());
        Ok((0..rows)
            .map(|r| {
                row.clear();
                row.extend(out.row(r).iter().copied());
                match &self.columns {
                    Columns::Bits(_) => SumResponse::Signals(self.signals(&row)),
                    Columns::Coherent { receiver, gain } => {
                        let s_hat = (row[*receiver].re * gain).round() as i64;
                        SumResponse::Code(round_half_even_div(s_hat, n as i64) as i32)
                    }
                }
            })
            .collect())
    }

    /// The delivered code for one response; with `noise = Some((σ, rng))`
    /// each comparator input gets N(0, (σ·full_scale)²).
    pub fn deliver<R: Rng>(&self, response: &SumResponse, noise: Option<(f64, &mut R)>) -> i64 {
        match response {
            SumResponse::Code(c) => i64::from(*c),
            SumResponse::Signals(signals) => {
                let comps = self.comparators();
                let mut pattern = 0u32;
                let mut noise = noise.filter(|(s, _)| *s > 0.0);
                for (k, (&s, &(threshold, full_scale))) in
                    signals.iter().zip(&comps.detectors).enumerate()
                {
                    let mut v = s;
                    if let Some((sigma, rng)) = noise.as_mut() {
                        let x: f64 = rng.sample(StandardNormal);
                        v += *sigma * full_scale * x;
                    }
                    if v > threshold {
                        pattern |= 1 << k;
                    }
                }
                self.task.decode(pattern, comps.code)
            }
        }
    }

    /// The per-level table: the plan run once on a representative vector of
    /// every level (every sum S ∈ [−N·Q, N·Q] of a mean task), one batch.
    pub fn sum_table(&self, plan: &Plan) -> Result<Vec<SumResponse>, NetlistRunError> {
        let codes: Vec<i32> = self
            .task
            .levels()
            .flat_map(|s| self.task.representative(s))
            .collect();
        self.respond(plan, &codes, 0)
    }

    /// Whether the chip's response depends on the sum S only: every sum's
    /// representative and its rotation across servers (a different split of
    /// the same S) give the same comparator inputs within 1e-12 of full
    /// scale. An imbalanced input combiner weighs servers differently.
    pub fn sum_only(&self, plan: &Plan) -> Result<bool, NetlistRunError> {
        // Servers only: a stage's carry has its own range.
        let n = match &self.task {
            Task::Mean(c) => c.servers,
            Task::Stage(s) => s.servers,
        };
        let mut codes = Vec::new();
        for s in self.task.levels() {
            let r = self.task.representative(s);
            codes.extend_from_slice(&r);
            let mut rotated = r.clone();
            rotated[..n].rotate_left(1.min(n));
            rotated[..n].reverse();
            codes.extend_from_slice(&rotated);
            // A stage: also the same level with one unit moved between the
            // carry and a digit (the carry channel may weigh differently).
            if let Task::Stage(st) = &self.task {
                let c = r[n];
                let up = r[..n].iter().position(|&d| d < 3).filter(|_| c > 0);
                let down = r[..n]
                    .iter()
                    .position(|&d| d > 0)
                    .filter(|_| c < st.max_carry);
                let mut alt = r.clone();
                if let Some(i) = up {
                    alt[i] += 1;
                    alt[n] -= 1;
                } else if let Some(i) = down {
                    alt[i] -= 1;
                    alt[n] += 1;
                }
                codes.extend_from_slice(&r);
                codes.extend_from_slice(&alt);
            }
        }
        let responses = self.respond(plan, &codes, 0)?;
        let scale: Vec<f64> = self.comparators().detectors.iter().map(|d| d.1).collect();
        Ok(responses
            .chunks_exact(2)
            .all(|pair| match (&pair[0], &pair[1]) {
                (SumResponse::Signals(x), SumResponse::Signals(y)) => x
                    .iter()
                    .zip(y)
                    .zip(&scale)
                    .all(|((x, y), fs)| (x - y).abs() <= 1e-12 * fs.max(1e-300)),
                (x, y) => x == y,
            }))
    }

    /// The executor of this chip: the per-sum table when the response
    /// depends on S only, else every element through the plan.
    pub fn executor(
        &self,
        plan: &Plan,
        detector_noise: f64,
        noise_seed: u64,
    ) -> Result<Executor, NetlistRunError> {
        if !self.sum_only(plan)? {
            return Ok(Executor::Direct(Box::new(DirectExecutor {
                runner: self.clone(),
                plan: plan.clone(),
                detector_noise,
                noise_seed,
            })));
        }
        let Task::Mean(contract) = &self.task else {
            return Err(NetlistRunError::Contract(
                "a digit-serial stage runs inside its chain (optc_sim::reducer::digit_serial)"
                    .into(),
            ));
        };
        let table = self.sum_table(plan)?;
        Ok(Executor::Table(ReducerExecutor::from_sum_table(
            contract,
            &self.comparators(),
            &table,
            detector_noise,
            noise_seed,
        )?))
    }
}

/// A chip whose response depends on each server's code: every element is
/// propagated through the plan, then the comparators (with their noise).
#[derive(Debug, Clone)]
pub struct DirectExecutor {
    runner: NetlistReducer,
    plan: Plan,
    detector_noise: f64,
    noise_seed: u64,
}

/// Elements per batch of the direct path (one noise stream each).
const DIRECT_BATCH: usize = 4096;

impl DirectExecutor {
    fn reduce<T: CodeWord>(&self, codes: &[T], out: &mut [T]) -> Result<(), NetlistRunError> {
        let Task::Mean(contract) = &self.runner.task else {
            return Err(NetlistRunError::Contract("not a mean reducer".into()));
        };
        let n = contract.servers;
        let q = contract.max_code();
        let elements = check_shape(codes, out, n)?;
        // The netlist runs on i32 codes; this path simulates every element,
        // so widening is a small share of its time.
        let codes: Vec<i32> = codes.iter().map(|&c| wide(c)).collect();
        for (e, row) in codes.chunks_exact(n).enumerate() {
            for (i, &c) in row.iter().enumerate() {
                if c < -q || c > q {
                    return Err(ExecutorError::Code {
                        element: e,
                        server: i,
                        code: c,
                        max: q,
                    }
                    .into());
                }
            }
        }
        for (b, (chunk, o)) in codes
            .chunks(DIRECT_BATCH * n)
            .zip(out[..elements].chunks_mut(DIRECT_BATCH))
            .enumerate()
        {
            let responses = self.runner.respond(&self.plan, chunk, 0)?;
            let mut rng = ChaCha8Rng::seed_from_u64(
                self.noise_seed ^ (b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            for (r, o) in responses.iter().zip(o.iter_mut()) {
                *o = T::from_code(
                    self.runner
                        .deliver(r, Some((self.detector_noise, &mut rng)))
                        as i32,
                );
            }
        }
        Ok(())
    }
}

/// Checks `codes` (elements × N) against `out`; the number of elements.
fn check_shape<T>(codes: &[T], out: &[T], n: usize) -> Result<usize, NetlistRunError> {
    if n == 0 || !codes.len().is_multiple_of(n) {
        return Err(ExecutorError::Shape {
            codes: codes.len(),
            servers: n,
        }
        .into());
    }
    let elements = codes.len() / n;
    if out.len() < elements {
        return Err(ExecutorError::Output {
            out: out.len(),
            need: elements,
        }
        .into());
    }
    Ok(elements)
}

/// How a programmed chip reduces codes: by the per-sum table, or directly.
#[derive(Debug, Clone)]
pub enum Executor {
    Table(ReducerExecutor),
    Direct(Box<DirectExecutor>),
    DigitSerial(Box<DigitSerialExecutor>),
}

impl Executor {
    /// Reduces `codes` (row-major, elements × N) into `out`, in the
    /// caller's code type (refused if it cannot hold ±Q).
    pub fn reduce<T: CodeWord>(&self, codes: &[T], out: &mut [T]) -> Result<(), NetlistRunError> {
        let q = self.max_code();
        if !T::holds(q) {
            return Err(NetlistRunError::Contract(format!(
                "{}-byte code words cannot hold the codes ±{q}",
                std::mem::size_of::<T>()
            )));
        }
        match self {
            Executor::Table(t) => Ok(t.reduce(codes, out)?),
            Executor::Direct(d) => d.reduce(codes, out),
            Executor::DigitSerial(d) => d.reduce(codes, out),
        }
    }

    /// Q, the largest code magnitude.
    pub fn max_code(&self) -> i32 {
        match self {
            Executor::Table(t) => t.max_code(),
            Executor::Direct(d) => match &d.runner.task {
                Task::Mean(c) => c.max_code(),
                Task::Stage(_) => 0,
            },
            Executor::DigitSerial(d) => d.max_code(),
        }
    }

    /// Whether results can vary with the detector noise.
    pub fn has_noise(&self) -> bool {
        match self {
            Executor::Table(t) => t.has_noise(),
            Executor::Direct(d) => d.detector_noise > 0.0,
            Executor::DigitSerial(d) => d.has_noise(),
        }
    }

    /// Re-seeds the detector noise.
    pub fn set_noise_seed(&mut self, seed: u64) {
        match self {
            Executor::Table(t) => t.set_noise_seed(seed),
            Executor::Direct(d) => d.noise_seed = seed,
            Executor::DigitSerial(d) => d.set_noise_seed(seed),
        }
    }

    /// Whether every element is simulated (the chip is not sum-only).
    pub fn is_direct(&self) -> bool {
        match self {
            Executor::Table(_) => false,
            Executor::Direct(_) => true,
            Executor::DigitSerial(d) => d.is_direct(),
        }
    }
}

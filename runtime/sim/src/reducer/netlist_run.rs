//! Executing a compiled reducer netlist: codes → input fields on the ports
//! its `reducer:` section names, the netlist's simulation plan, then the
//! electronics of the section (comparators or coherent receivers).
//!
//! Detector noise: the plan is built by the caller; reducer execution uses
//! the comparator model of spec/reducer.md (σ·full_scale on P₊ − P₋), so
//! plans here should be built with `detector_noise = 0` and σ passed to
//! [`NetlistReducer::deliver`] / the executor.

use crate::reducer::executor::{Comparators, ExecutorError, ReducerExecutor, SumResponse};
use crate::simulate::{BatchError, Plan};
use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_formats::reducer_section::{InterfaceReadout, ReducerInterface};
use optc_model::contract::{round_half_even_div, Contract};
use optc_model::encoding::{decode_bits, encode_field};
use rand::Rng;
use rand_distr::StandardNormal;
use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum NetlistRunError {
    #[error("the netlist has no `reducer:` section (compile a reducer, or use `optc simulate`)")]
    NotAReducer,
    #[error("reducer port `{0}` is not a port of the simulation plan")]
    Port(String),
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error(transparent)]
    Executor(#[from] ExecutorError),
    #[error("{0}")]
    Contract(String),
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
    pub contract: Contract,
    /// Plan input column of each server.
    inputs: Vec<usize>,
    plan_inputs: usize,
    columns: Columns,
}

impl NetlistReducer {
    pub fn new(interface: &ReducerInterface, plan: &Plan) -> Result<Self, NetlistRunError> {
        let contract = Contract::mean(interface.servers, interface.bits)
            .map_err(|e| NetlistRunError::Contract(e.to_string()))?;
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
            contract,
            inputs,
            plan_inputs: plan.input_names.len(),
            columns,
        })
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

    /// Runs the plan on `rows` code vectors (row-major, N codes each) and
    /// returns each row's noiseless response (comparator inputs or code).
    pub fn respond(
        &self,
        plan: &Plan,
        codes: &[i32],
        seed: u64,
    ) -> Result<Vec<SumResponse>, NetlistRunError> {
        let n = self.contract.servers;
        let rows = codes.len() / n.max(1);
        let q = self.contract.max_code();
        let mut input = DMatrix::<Complex64>::zeros(rows, self.plan_inputs);
        for (r, row) in codes.chunks_exact(n).enumerate() {
            for (&c, &col) in row.iter().zip(&self.inputs) {
                input[(r, col)] = Complex64::new(encode_field(c, q), 0.0);
            }
        }
        let out = plan.run(&input, seed)?;
        Ok((0..rows)
            .map(|r| match &self.columns {
                Columns::Bits(cols) => SumResponse::Signals(
                    cols.iter()
                        .map(|&(p, m)| out[(r, p)].re - m.map_or(0.0, |m| out[(r, m)].re))
                        .collect(),
                ),
                Columns::Coherent { receiver, gain } => {
                    let s_hat = (out[(r, *receiver)].re * gain).round() as i64;
                    SumResponse::Code(round_half_even_div(s_hat, n as i64) as i32)
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
                decode_bits(pattern, self.contract.bits, comps.code)
            }
        }
    }

    /// The per-sum table: the plan run once on a representative vector of
    /// every sum S ∈ [−N·Q, N·Q] (one batch).
    pub fn sum_table(&self, plan: &Plan) -> Result<Vec<SumResponse>, NetlistRunError> {
        let a = self.contract.max_sum();
        let codes: Vec<i32> = (-a..=a)
            .flat_map(|s| self.contract.representative(s))
            .collect();
        self.respond(plan, &codes, 0)
    }

    /// The fast executor built from the netlist's per-sum table.
    pub fn executor(
        &self,
        plan: &Plan,
        detector_noise: f64,
        noise_seed: u64,
    ) -> Result<ReducerExecutor, NetlistRunError> {
        let table = self.sum_table(plan)?;
        Ok(ReducerExecutor::from_sum_table(
            &self.contract,
            &self.comparators(),
            &table,
            detector_noise,
            noise_seed,
        )?)
    }
}

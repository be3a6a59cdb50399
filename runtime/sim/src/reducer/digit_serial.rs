//! A digit-serial reducer chip (spec/reducer.md, "Digit-serial reducer"):
//! each stage is a part of the netlist with its own plan on the sampled
//! chip, its PAM4 transmitters and carry remodulator sampled per port; the
//! chain runs stage by stage, each stage's decided carry driving the next
//! stage's remodulator.

use crate::device::{DeviceInstance, DeviceParams, NodeSettings};
use crate::reducer::code_word::{wide, CodeWord};
use crate::reducer::executor::{ExecutorError, LevelTable, SumResponse};
use crate::reducer::netlist_run::{NetlistReducer, NetlistRunError};
use crate::simulate::Plan;
use optc_formats::netlist::digit_serial_section::DigitSerialInterface;
use optc_formats::netlist::{Circuit, Netlist};
use optc_model::digit_serial::DigitSerial;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::collections::HashMap;

/// Elements per noise stream / rayon task.
const CHUNK: usize = 1 << 14;

/// Where a unit's stages sit in the chip's flat list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitSpan {
    pub level: usize,
    pub index: usize,
    pub initial_carry: i32,
    pub first: usize,
    pub stages: usize,
}

/// One stage of a sampled chip.
#[derive(Debug, Clone)]
pub struct StageChip {
    pub circuit: Circuit,
    pub settings: NodeSettings,
    pub device: DeviceInstance,
    pub plan: Plan,
    pub runner: NetlistReducer,
}

/// A digit-serial reducer on one chip instance.
#[derive(Debug, Clone)]
pub struct DigitSerialChip {
    pub chain: DigitSerial,
    pub section: DigitSerialInterface,
    /// Every stage of every unit, unit by unit (the section's order).
    pub stages: Vec<StageChip>,
    /// Each unit's level, initial carry and first stage in `stages`.
    pub units: Vec<UnitSpan>,
    /// σ of the comparators' noise, relative to full scale.
    pub detector_noise: f64,
}

/// The settings of `part`'s nodes taken from the whole chip's.
pub fn part_settings(part: &Circuit, whole: &Circuit, settings: &NodeSettings) -> NodeSettings {
    let index: HashMap<&str, usize> = whole
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.as_str(), i))
        .collect();
    part.nodes
        .iter()
        .map(|n| {
            index
                .get(n.name.as_str())
                .map_or([0.0; 2], |&i| settings[i])
        })
        .collect()
}

/// Writes `part`'s settings back into the whole chip's.
pub fn merge_settings(
    part: &Circuit,
    part_settings: &NodeSettings,
    whole: &Circuit,
    settings: &mut NodeSettings,
) {
    let index: HashMap<&str, usize> = part
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.as_str(), i))
        .collect();
    for (i, n) in whole.nodes.iter().enumerate() {
        if let Some(&j) = index.get(n.name.as_str()) {
            settings[i] = part_settings[j];
        }
    }
}

impl DigitSerialChip {
    /// Chip `seed` of `params` (its detector noise goes to the comparators)
    /// for a digit-serial netlist programmed with `settings` (of `whole`).
    pub fn new(
        netlist: &Netlist,
        whole: &Circuit,
        settings: &NodeSettings,
        params: &DeviceParams,
        seed: u64,
    ) -> Result<Self, NetlistRunError> {
        let section = netlist
            .digit_serial
            .clone()
            .ok_or(NetlistRunError::NotAReducer)?;
        let chain = section.chain().map_err(NetlistRunError::Contract)?;
        let static_errors = params.without_detector_noise();
        let mut stages = Vec::new();
        let mut units = Vec::with_capacity(section.units.len());
        let mut first = 0;
        for u in &section.units {
            units.push(UnitSpan {
                level: u.level,
                index: u.index,
                initial_carry: u.initial_carry,
                first,
                stages: u.stages.len(),
            });
            first += u.stages.len();
        }
        for stage in section.stages() {
            let part = section.stage_netlist(netlist, stage);
            let circuit = Circuit::new(&part, &whole.file, "")
                .map_err(|e| NetlistRunError::Part(e.to_string()))?;
            let st = part_settings(&circuit, whole, settings);
            let device = DeviceInstance::sample(&static_errors, &circuit, seed);
            let plan = Plan::new(&circuit, &st, &device);
            let iface = &stage.interface;
            let runner = NetlistReducer::on_chip(iface, &plan, &device)?;
            stages.push(StageChip {
                circuit,
                settings: st,
                device,
                plan,
                runner,
            });
        }
        Ok(Self {
            chain,
            section,
            stages,
            units,
            detector_noise: params.detector_noise,
        })
    }

    /// Reprograms stage j with new settings (its own calibration).
    pub fn program_stage(&mut self, j: usize, settings: NodeSettings) {
        let s = &mut self.stages[j];
        s.plan = Plan::new(&s.circuit, &settings, &s.device);
        s.settings = settings;
    }

    /// Every stage's response depends on its level only (no transmitter or
    /// combiner errors weigh the channels differently).
    pub fn level_only(&self) -> Result<bool, NetlistRunError> {
        for s in &self.stages {
            if !s.runner.sum_only(&s.plan)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The executor of this chip: per-stage level tables when every stage
    /// is level-only, else every element through every stage's plan.
    pub fn executor(&self, noise_seed: u64) -> Result<DigitSerialExecutor, NetlistRunError> {
        let tables = if self.level_only()? {
            let mut t = Vec::new();
            for s in &self.stages {
                let resp = s.runner.sum_table(&s.plan)?;
                t.push(LevelTable::new(
                    s.runner.task.bits(),
                    false,
                    &s.runner.comparators(),
                    &resp,
                    self.detector_noise,
                )?);
            }
            Some(t)
        } else {
            None
        };
        let fast = tables.as_ref().and_then(|t| FastChain::new(&self.chain, t));
        Ok(DigitSerialExecutor {
            chip: self.clone(),
            tables,
            fast,
            noise_seed,
        })
    }
}

/// Runs codes through a digit-serial chip.
#[derive(Debug, Clone)]
pub struct DigitSerialExecutor {
    chip: DigitSerialChip,
    tables: Option<Vec<LevelTable>>,
    /// The noiseless tables composed for the fast path (when no comparator
    /// can flip and the digit sums fit a byte).
    fast: Option<FastChain>,
    noise_seed: u64,
}

/// A noiseless chain as lookups: the digit sums of all servers at once,
/// one byte lane per digit (3N ≤ 255), then one lookup per pair of stages
/// (the two stages' tables composed: (D_a, D_b, c_in) → two digits and
/// c_out), then the shift and tie of the mean.
#[derive(Debug, Clone)]
struct FastChain {
    /// spread[b]: byte b's four base-4 digits, one per byte lane.
    spread: Vec<u64>,
    /// pairs[k][(d_a·sums + d_b)·carries + c] = digits | c_out << 4.
    pairs: Vec<Vec<u16>>,
    sums: usize,
    carries: usize,
    initial_carry: usize,
    stages: usize,
    shift: u32,
    max_code: i64,
    wide: bool,
}

impl FastChain {
    fn new(chain: &DigitSerial, tables: &[LevelTable]) -> Option<Self> {
        let n = chain.servers;
        if chain.levels() != 1 || 3 * n > 255 || tables.iter().any(LevelTable::has_noise) {
            return None;
        }
        let m = chain.stages();
        let sums = 3 * n + 1;
        let carries = chain.max_carry() as usize + 1;
        let stage = |j: usize, d: usize, c: usize| -> (u32, usize) {
            let t = &tables[j];
            let v = t.noiseless((d + c).min(t.len() - 1)).unwrap_or(0).max(0) as u32;
            (v & 3, ((v >> 2) as usize).min(carries - 1))
        };
        let pairs = (0..m.div_ceil(2))
            .map(|k| {
                let (a, b) = (2 * k, 2 * k + 1);
                let mut t = vec![0u16; sums * sums * carries];
                for da in 0..sums {
                    for db in 0..sums {
                        for c in 0..carries {
                            let (lo, c1) = stage(a, da, c);
                            let (hi, c2) = if b < m { stage(b, db, c1) } else { (0, c1) };
                            t[(da * sums + db) * carries + c] =
                                (lo | hi << 2) as u16 | (c2 as u16) << 4;
                        }
                    }
                }
                t
            })
            .collect();
        Some(FastChain {
            spread: (0..256u64)
                .map(|b| (0..4).fold(0u64, |acc, j| acc | (((b >> (2 * j)) & 3) << (8 * j))))
                .collect(),
            pairs,
            sums,
            carries,
            initial_carry: chain.initial_carry() as usize,
            stages: m,
            shift: chain.shift(),
            max_code: chain.max_code() as i64,
            wide: m > 4,
        })
    }

    /// The digit lanes of one offset code u.
    #[inline]
    fn lanes(&self, u: i32) -> u64 {
        let u = u as usize;
        let lo = self.spread[u & 0xff];
        if self.wide {
            lo + (self.spread[(u >> 8) & 0xff] << 32)
        } else {
            lo
        }
    }

    /// The delivered code from the digit sums' lanes.
    #[inline]
    fn finish(&self, lanes: u64) -> i32 {
        let mut carry = self.initial_carry;
        let mut total = 0u64;
        for (k, t) in self.pairs.iter().enumerate() {
            let da = ((lanes >> (16 * k)) & 0xff) as usize;
            let db = ((lanes >> (16 * k + 8)) & 0xff) as usize;
            let e = t[(da * self.sums + db) * self.carries + carry];
            total |= u64::from(e & 0xf) << (4 * k);
            carry = usize::from(e >> 4);
        }
        total |= (carry as u64) << (2 * self.stages);
        let mask = (1u64 << self.shift) - 1;
        let tie = u64::from(total & mask == mask);
        (((total >> self.shift) | tie) as i64 - self.max_code) as i32
    }
}

impl DigitSerialExecutor {
    /// The same executor without the composed noiseless tables: every
    /// element through the per-stage level tables (tests compare the two).
    pub fn without_fast_path(mut self) -> Self {
        self.fast = None;
        self
    }

    pub fn set_noise_seed(&mut self, seed: u64) {
        self.noise_seed = seed;
    }

    /// Q, the largest code magnitude.
    pub fn max_code(&self) -> i32 {
        self.chip.chain.max_code()
    }

    /// Whether every element is simulated (some stage is not level-only).
    pub fn is_direct(&self) -> bool {
        self.tables.is_none()
    }

    fn check<T: CodeWord>(&self, codes: &[T], out: &[T]) -> Result<usize, ExecutorError> {
        let n = self.chip.chain.servers;
        if !codes.len().is_multiple_of(n) {
            return Err(ExecutorError::Shape {
                codes: codes.len(),
                servers: n,
            });
        }
        let elements = codes.len() / n;
        if out.len() < elements {
            return Err(ExecutorError::Output {
                out: out.len(),
                need: elements,
            });
        }
        let q = self.chip.chain.max_code();
        // Validated in parallel: one pass over the codes is a large share
        // of the table path's time.
        codes
            .par_chunks(CHUNK * n)
            .enumerate()
            .try_for_each(|(k, chunk)| {
                match chunk.iter().position(|&c| wide(c) < -q || wide(c) > q) {
                    None => Ok(()),
                    Some(at) => Err(ExecutorError::Code {
                        element: k * CHUNK + at / n,
                        server: at % n,
                        code: wide(chunk[at]),
                        max: q,
                    }),
                }
            })?;
        Ok(elements)
    }

    /// Reduces `codes` (row-major, elements × N) into `out`.
    pub fn reduce<T: CodeWord>(&self, codes: &[T], out: &mut [T]) -> Result<(), NetlistRunError> {
        let elements = self.check(codes, out)?;
        let n = self.chip.chain.servers;
        let out = &mut out[..elements];
        match &self.tables {
            Some(tables) => {
                codes
                    .par_chunks(CHUNK * n)
                    .zip(out.par_chunks_mut(CHUNK))
                    .enumerate()
                    .for_each(|(i, (c, o))| self.table_chunk(tables, c, o, i));
                Ok(())
            }
            None => {
                for (i, (c, o)) in codes
                    .chunks(CHUNK * n)
                    .zip(out.chunks_mut(CHUNK))
                    .enumerate()
                {
                    self.direct_chunk(c, o, i)?;
                }
                Ok(())
            }
        }
    }

    fn rng(&self, chunk: usize) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(
            self.noise_seed ^ (chunk as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        )
    }

    fn table_chunk<T: CodeWord>(
        &self,
        tables: &[LevelTable],
        codes: &[T],
        out: &mut [T],
        chunk: usize,
    ) {
        let ch = &self.chip.chain;
        let noisy = tables.iter().any(LevelTable::has_noise);
        if let (false, Some(fast)) = (noisy, &self.fast) {
            return self.noiseless_chunk(fast, codes, out);
        }
        let (n, q) = (ch.servers, ch.max_code() as i64);
        let mut rng = noisy.then(|| self.rng(chunk));
        let mut values: Vec<u64> = Vec::with_capacity(n);
        let mut next: Vec<u64> = Vec::with_capacity(n);
        for (row, o) in codes.chunks_exact(n).zip(out.iter_mut()) {
            values.clear();
            values.extend(row.iter().map(|&c| (i64::from(wide(c)) + q) as u64));
            next.clear();
            let mut level = 0;
            for u in &self.chip.units {
                if u.level != level {
                    std::mem::swap(&mut values, &mut next);
                    next.clear();
                    level = u.level;
                }
                let fan = ch.fan_in()[u.level];
                let inputs = &values[u.index * fan..(u.index + 1) * fan];
                let mut carry = u.initial_carry as u64;
                let mut total = 0u64;
                for j in 0..u.stages {
                    let t = &tables[u.first + j];
                    let d: u64 = inputs.iter().map(|v| (v >> (2 * j)) & 3).sum();
                    let l = ((d + carry) as usize).min(t.len() - 1);
                    let v = t.deliver(l, rng.as_mut()).max(0) as u64;
                    total |= (v & 3) << (2 * j);
                    carry = (v >> 2).min(fan as u64 - 1);
                }
                next.push(total | carry << (2 * u.stages));
            }
            *o = T::from_code(ch.finish(next[0]) as i32);
        }
    }

    fn noiseless_chunk<T: CodeWord>(&self, fast: &FastChain, codes: &[T], out: &mut [T]) {
        let ch = &self.chip.chain;
        let (n, q) = (ch.servers, ch.max_code());
        if n == 4 {
            // The common unit size, unrolled.
            for (row, o) in codes.chunks_exact(4).zip(out.iter_mut()) {
                let lanes = fast.lanes(wide(row[0]) + q)
                    + fast.lanes(wide(row[1]) + q)
                    + fast.lanes(wide(row[2]) + q)
                    + fast.lanes(wide(row[3]) + q);
                *o = T::from_code(fast.finish(lanes));
            }
            return;
        }
        for (row, o) in codes.chunks_exact(n).zip(out.iter_mut()) {
            let lanes: u64 = row.iter().map(|&c| fast.lanes(wide(c) + q)).sum();
            *o = T::from_code(fast.finish(lanes));
        }
    }

    fn direct_chunk<T: CodeWord>(
        &self,
        codes: &[T],
        out: &mut [T],
        chunk: usize,
    ) -> Result<(), NetlistRunError> {
        let ch = &self.chip.chain;
        let (n, q) = (ch.servers, ch.max_code() as i64);
        let rows = codes.len() / n;
        let mut rng = self.rng(chunk);
        // values[r][i]: input i of the current level for row r.
        let mut values: Vec<Vec<u64>> = codes
            .chunks_exact(n)
            .map(|row| {
                row.iter()
                    .map(|&c| (i64::from(wide(c)) + q) as u64)
                    .collect()
            })
            .collect();
        let mut next: Vec<Vec<u64>> = vec![Vec::new(); rows];
        let mut level = 0;
        for u in &self.chip.units {
            if u.level != level {
                std::mem::swap(&mut values, &mut next);
                next.iter_mut().for_each(Vec::clear);
                level = u.level;
            }
            let fan = ch.fan_in()[u.level];
            let mut carry = vec![u.initial_carry as u64; rows];
            let mut total = vec![0u64; rows];
            let mut batch = vec![0i32; rows * (fan + 1)];
            for j in 0..u.stages {
                let stage = &self.chip.stages[u.first + j];
                for r in 0..rows {
                    let inputs = &values[r][u.index * fan..(u.index + 1) * fan];
                    for (i, v) in inputs.iter().enumerate() {
                        batch[r * (fan + 1) + i] = ((v >> (2 * j)) & 3) as i32;
                    }
                    batch[r * (fan + 1) + fan] = carry[r] as i32;
                }
                let resp = stage.runner.respond(&stage.plan, &batch, 0)?;
                for (r, resp) in resp.iter().enumerate() {
                    let v = stage
                        .runner
                        .deliver(resp, Some((self.chip.detector_noise, &mut rng)))
                        .clamp(0, stage.runner.task.level_count() as i64 - 1)
                        as u64;
                    total[r] |= (v & 3) << (2 * j);
                    carry[r] = (v >> 2).min(fan as u64 - 1);
                }
            }
            for r in 0..rows {
                next[r].push(total[r] | carry[r] << (2 * u.stages));
            }
        }
        for (o, v) in out.iter_mut().zip(&next) {
            *o = T::from_code(ch.finish(v[0]) as i32);
        }
        Ok(())
    }
}

/// A stage's noiseless exact-match rate on this chip over its whole input
/// domain (every digit vector × carry when there are at most `limit`, else
/// every level's representative), and whether the domain was enumerated.
pub fn stage_exact(stage: &StageChip, limit: u128) -> Result<(f64, bool), NetlistRunError> {
    let task = &stage.runner.task;
    let exhaustive = task.inputs_count() <= limit;
    let mut values = Vec::new();
    if exhaustive {
        task.for_each_input(|v| values.extend_from_slice(v));
    } else {
        for l in task.levels() {
            values.extend(task.representative(l));
        }
    }
    let resp = stage.runner.respond(&stage.plan, &values, 0)?;
    let ch = task.channels();
    let ok = values
        .chunks_exact(ch)
        .zip(&resp)
        .filter(|(v, r)| {
            let want = task.target(task.level_of(v));
            matches!(r, SumResponse::Signals(_))
                && stage.runner.deliver::<ChaCha8Rng>(r, None) == want
        })
        .count();
    Ok((ok as f64 / resp.len().max(1) as f64, exhaustive))
}

/// `count` seeded uniform code vectors, then the extremes (all −Q, all Q,
/// all 0, and each server alone at −Q and at Q with the others at 0), then
/// ties of the mean S = N·k + N/2 (codes spread as evenly as possible):
/// every k ∈ [−Q, Q − 1] with `every_tie`, else k ∈ {−Q, −1, 0, Q − 1}.
/// End-to-end verification on the nominal chip runs every tie; device
/// instances the few.
pub fn verification_vectors(
    chain: DigitSerial,
    count: usize,
    seed: u64,
    every_tie: bool,
) -> Vec<i32> {
    use rand::Rng;
    let (n, q) = (chain.servers, chain.max_code());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut v: Vec<i32> = (0..count * n).map(|_| rng.gen_range(-q..=q)).collect();
    for fill in [-q, q, 0] {
        v.extend(std::iter::repeat_n(fill, n));
    }
    for i in 0..n {
        for x in [-q, q] {
            v.extend((0..n).map(|j| if i == j { x } else { 0 }));
        }
    }
    let contract = chain.contract();
    let half = (n / 2) as i64;
    let q = q as i64;
    let ties: Vec<i64> = if every_tie {
        (-q..q).collect()
    } else {
        vec![-q, -1, 0, q - 1]
    };
    for k in ties {
        v.extend(contract.representative(n as i64 * k + half));
    }
    v
}

impl DigitSerialChip {
    /// Calibrates every stage on its own comparator signals (as a mean
    /// reducer chip is, spec/reducer.md "Calibration"), stage by stage, and
    /// reprograms it; the calibrations in stage order.
    pub fn calibrate_stages(
        &mut self,
        opts: &crate::reducer::calibrate::CalibrationOptions,
    ) -> Result<
        Vec<crate::reducer::calibrate::Calibration>,
        crate::reducer::calibrate::CalibrationError,
    > {
        let mut out = Vec::with_capacity(self.stages.len());
        for j in 0..self.stages.len() {
            let s = &self.stages[j];
            if let Some(cal) = crate::reducer::calibrate::calibrate(
                &s.circuit,
                &s.runner,
                &s.device,
                &s.settings,
                opts,
            )? {
                self.program_stage(j, cal.settings.clone());
                out.push(cal);
            }
        }
        Ok(out)
    }

    /// The whole chip's settings with every stage's current ones.
    pub fn whole_settings(&self, whole: &Circuit, base: &NodeSettings) -> NodeSettings {
        let mut out = base.clone();
        for s in &self.stages {
            merge_settings(&s.circuit, &s.settings, whole, &mut out);
        }
        out
    }

    /// The executor that simulates every element through every stage.
    pub fn direct_executor(&self, noise_seed: u64) -> DigitSerialExecutor {
        DigitSerialExecutor {
            chip: self.clone(),
            tables: None,
            fast: None,
            noise_seed,
        }
    }
}

impl DigitSerialExecutor {
    /// Whether any stage's comparators can flip under detector noise.
    pub fn has_noise(&self) -> bool {
        match &self.tables {
            Some(t) => t.iter().any(LevelTable::has_noise),
            None => self.chip.detector_noise > 0.0,
        }
    }
}

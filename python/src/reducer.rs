//! A compiled reducer on one chip instance: the CLI's `reducer_chip` loads
//! it, the runtime's per-sum-table executor (rayon-parallel) runs it.

use crate::arrays;
use crate::errors::Failure;
use crate::zero_copy::{self, Code};
use optc_model::contract::Contract;
use optc_model::device::DeviceParams;
use optc_sim::programmed::{self, Programmed, ReducerChip};
use optc_sim::reducer::code_word::{wide, CodeWord};
use optc_sim::reducer::netlist_run::Executor;
use pyo3::buffer::PyBuffer;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rayon::prelude::*;

/// The native half of `optc.Reducer`.
#[pyclass(module = "optc._optc", frozen)]
pub struct Reducer {
    servers: usize,
    bits: u32,
    max_code: i32,
    detector_noise: f64,
    noise_seed: u64,
    chip: ReducerChip,
    executor: Executor,
    contract: Contract,
    /// The contract's result per sum S + max_sum (mean reducers depend on S
    /// only): the mismatch count looks results up instead of dividing.
    by_sum: Vec<i32>,
}

impl Reducer {
    pub fn new(
        programmed: &Programmed,
        netlist_file: &str,
        device: Option<DeviceParams>,
        seed: u64,
    ) -> Result<Self, Failure> {
        let chip = programmed::reducer_chip(programmed, netlist_file, device, seed)?;
        let executor = chip.executor(seed).map_err(Failure::run)?;
        let contract = Contract::mean(chip.servers, chip.bits).map_err(Failure::run)?;
        let max_sum = contract.max_sum();
        let by_sum = (-max_sum..=max_sum)
            .map(|s| contract.reference_from_sum(s) as i32)
            .collect();
        Ok(Reducer {
            contract,
            by_sum,
            servers: chip.servers,
            bits: chip.bits,
            max_code: chip.max_code(),
            detector_noise: chip.detector_noise,
            noise_seed: seed,
            chip,
            executor,
        })
    }

    /// Runs the executor on i32 codes, reseeding the noise if asked.
    fn run<T: CodeWord>(
        &self,
        codes: &[T],
        seed: Option<u64>,
        out: &mut [T],
    ) -> Result<(), Failure> {
        match seed {
            Some(seed) if self.executor.has_noise() => {
                let mut exec = self.executor.clone();
                exec.set_noise_seed(seed);
                exec.reduce(codes, out).map_err(Failure::run)
            }
            _ => self.executor.reduce(codes, out).map_err(Failure::run),
        }
    }

    /// The zero-copy path of `reduce_into` for one code type.
    fn reduce_buffers<T: Code>(
        &self,
        py: Python<'_>,
        codes: &PyBuffer<T>,
        out: &PyBuffer<T>,
        noise_seed: Option<u64>,
        count: bool,
        sums: Option<&PyBuffer<i32>>,
    ) -> Result<u64, Failure> {
        let n = self.servers;
        if codes.dimensions() != 2 || codes.shape()[1] != n {
            return Err(Failure::run(format!(
                "codes must have shape (elements, {n}), got {:?}",
                codes.shape()
            )));
        }
        let elements = codes.shape()[0];
        if out.item_count() != elements {
            return Err(Failure::run(format!(
                "out must hold {elements} codes (one per element), it holds {}",
                out.item_count()
            )));
        }
        if !T::holds(self.max_code) {
            return Err(Failure::run(format!(
                "{}-bit codes do not fit {}-byte integers: pass int16 or int32 codes",
                self.bits,
                std::mem::size_of::<T>()
            )));
        }
        if let Some(s) = sums {
            if s.item_count() != elements {
                return Err(Failure::run(format!(
                    "sums must hold {elements} int32 values (one per element), it holds {}",
                    s.item_count()
                )));
            }
        }
        let input = zero_copy::items(codes, "codes")?;
        let output = zero_copy::items_mut(out, "out")?;
        let sums = sums.map(|s| zero_copy::items_mut(s, "sums")).transpose()?;
        py.detach(|| {
            self.run(input, noise_seed, output)?;
            Ok(self.after_pass(input, output, count, sums))
        })
    }

    /// After the reduction, one pass over the codes: the delivered codes
    /// that differ from the contract (if `count`), and each element's code
    /// sum S into `sums` (if given). One rayon task per `CHUNK` elements.
    fn after_pass<T: CodeWord>(
        &self,
        codes: &[T],
        delivered: &[T],
        count: bool,
        sums: Option<&mut [i32]>,
    ) -> u64 {
        const CHUNK: usize = 1 << 14;
        let n = self.servers;
        // |S| ≤ N·Q ≤ 1024 · 32767 fits i32.
        let max_sum = self.contract.max_sum() as i32;
        let off = |sum: i32, r: T| u64::from(self.by_sum[(sum + max_sum) as usize] != wide(r));
        let sum_of = |row: &[T]| -> i32 { row.iter().map(|&c| wide(c)).sum() };
        match sums {
            Some(sums) => codes
                .par_chunks(n * CHUNK)
                .zip(delivered.par_chunks(CHUNK))
                .zip(sums.par_chunks_mut(CHUNK))
                .map(|((c, d), s)| {
                    let mut k = 0;
                    for ((row, &r), s) in c.chunks_exact(n).zip(d).zip(s) {
                        *s = sum_of(row);
                        if count {
                            k += off(*s, r);
                        }
                    }
                    k
                })
                .sum(),
            None if count => codes
                .par_chunks(n * CHUNK)
                .zip(delivered.par_chunks(CHUNK))
                .map(|(c, d)| {
                    c.chunks_exact(n)
                        .zip(d)
                        .map(|(row, &r)| off(sum_of(row), r))
                        .sum::<u64>()
                })
                .sum(),
            None => 0,
        }
    }

    /// Codes as i32, row-major (element, server), range-checked like the
    /// executor checks them (it never sees values that do not fit i32).
    fn codes(&self, values: &[i64]) -> Result<Vec<i32>, Failure> {
        if values.len() % self.servers != 0 {
            return Err(Failure::run(format!(
                "codes has {} values, not a multiple of {} servers",
                values.len(),
                self.servers
            )));
        }
        let max = i64::from(self.max_code);
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                if (-max..=max).contains(&v) {
                    Ok(v as i32)
                } else {
                    Err(Failure::run(format!(
                        "element {}, server {}: code {v} outside [-{max}, {max}]",
                        i / self.servers,
                        i % self.servers
                    )))
                }
            })
            .collect()
    }
}

#[pymethods]
impl Reducer {
    #[getter]
    fn servers(&self) -> usize {
        self.servers
    }

    #[getter]
    fn bits(&self) -> u32 {
        self.bits
    }

    #[getter]
    fn max_code(&self) -> i32 {
        self.max_code
    }

    #[getter]
    fn detector_noise(&self) -> f64 {
        self.detector_noise
    }

    /// int64 codes (row-major, elements × servers) → the int64 code each
    /// element delivers. `noise_seed` reseeds detector noise for this call;
    /// `exact` simulates every element through the netlist.
    #[pyo3(signature = (codes, noise_seed=None, exact=false))]
    fn reduce<'py>(
        &self,
        py: Python<'py>,
        codes: &[u8],
        noise_seed: Option<u64>,
        exact: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let out = py.detach(|| -> Result<Vec<i64>, Failure> {
            let codes = self.codes(&arrays::i64_values(codes)?)?;
            let seed = noise_seed.unwrap_or(self.noise_seed);
            if exact {
                return self.chip.reduce_exact(&codes, seed).map_err(Failure::run);
            }
            let mut out = vec![0i32; codes.len() / self.servers];
            self.run(&codes, noise_seed.map(|_| seed), &mut out)?;
            Ok(out.into_iter().map(i64::from).collect())
        })?;
        Ok(PyBytes::new(py, &arrays::i64_bytes(&out)))
    }

    /// The zero-copy path: `codes` (C-contiguous int8, int16 or int32,
    /// shape (elements, servers)) read in place; the delivered codes are
    /// written into `out` (the same type, `elements` items). Returns how
    /// many delivered codes differ from the contract (0 when
    /// `count_mismatches` is false). `sums`, a writable int32 array of
    /// `elements` items, receives each element's code sum S.
    #[pyo3(signature = (codes, out, noise_seed=None, count_mismatches=true, sums=None))]
    fn reduce_into(
        &self,
        py: Python<'_>,
        codes: &Bound<'_, PyAny>,
        out: &Bound<'_, PyAny>,
        noise_seed: Option<u64>,
        count_mismatches: bool,
        sums: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let sums = sums
            .map(|s| {
                PyBuffer::<i32>::get(s)
                    .map_err(|_| Failure::run("sums must be a writable C-contiguous int32 array"))
            })
            .transpose()?;
        macro_rules! typed {
            ($t:ty) => {
                if let Ok(c) = PyBuffer::<$t>::get(codes) {
                    let o = PyBuffer::<$t>::get(out).map_err(|_| {
                        Failure::run(format!(
                            "out must be a writable {} array like codes",
                            stringify!($t)
                        ))
                    })?;
                    return Ok(self.reduce_buffers(
                        py,
                        &c,
                        &o,
                        noise_seed,
                        count_mismatches,
                        sums.as_ref(),
                    )?);
                }
            };
        }
        typed!(i8);
        typed!(i16);
        typed!(i32);
        Err(Failure::run("codes must be a C-contiguous int8, int16 or int32 array").into())
    }
}

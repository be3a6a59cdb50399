//! A compiled reducer on one chip instance: the CLI's `reducer_chip` loads
//! it, the runtime's per-sum-table executor (rayon-parallel) runs it.

use crate::arrays;
use crate::errors::Failure;
use optc_sim::programmed::{self, Programmed, ReducerChip};
use optc_model::device::DeviceParams;
use optc_sim::reducer::netlist_run::Executor;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

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
        Ok(Reducer {
            servers: chip.servers,
            bits: chip.bits,
            max_code: chip.max_code(),
            detector_noise: chip.detector_noise,
            noise_seed: seed,
            chip,
            executor,
        })
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
            if noise_seed.is_some() && self.executor.has_noise() {
                let mut exec = self.executor.clone();
                exec.set_noise_seed(seed);
                exec.reduce(&codes, &mut out).map_err(Failure::run)?;
            } else {
                self.executor
                    .reduce(&codes, &mut out)
                    .map_err(Failure::run)?;
            }
            Ok(out.into_iter().map(i64::from).collect())
        })?;
        Ok(PyBytes::new(py, &arrays::i64_bytes(&out)))
    }
}

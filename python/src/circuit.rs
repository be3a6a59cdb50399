//! A programmed netlist (netlist + phase file, optionally its compile
//! report) as the Python `Circuit` sees it: the CLI's loaders build it, the
//! runtime's plan simulates it.

use crate::arrays;
use crate::device::device_params;
use crate::errors::Failure;
use crate::reducer::Reducer;
use optc_formats::netlist::{FormatError as NetlistFormatError, Problem};
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::programmed::{self, Programmed};
use optc_sim::simulate::Plan;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::{Path, PathBuf};

/// The native half of `optc.Circuit`; use `optc.Circuit`, not this class.
#[pyclass(module = "optc._optc", frozen)]
pub struct NativeCircuit {
    pub name: String,
    /// Names the netlist in errors (its path, or `NAME.netlist.yaml`).
    pub netlist_file: String,
    pub netlist_text: String,
    pub phases_text: String,
    pub report_yaml: Option<String>,
    pub programmed: Programmed,
}

impl NativeCircuit {
    /// From texts already in memory (a fresh compile).
    pub fn from_texts(
        netlist_text: String,
        phases_text: String,
        report_yaml: Option<String>,
        name: &str,
    ) -> Result<Self, Failure> {
        let netlist_file = format!("{name}.netlist.yaml");
        let phases_file = format!("{name}.phases.yaml");
        let programmed =
            programmed::from_texts(&netlist_file, &netlist_text, &phases_file, &phases_text)?;
        Ok(NativeCircuit {
            name: programmed.netlist.name.clone(),
            netlist_file,
            netlist_text,
            phases_text,
            report_yaml,
            programmed,
        })
    }

    /// From files, exactly as `optc simulate` / `optc reduce` load them.
    pub fn load(
        netlist: &Path,
        phases: Option<&Path>,
        report: Option<&Path>,
    ) -> Result<Self, Failure> {
        let programmed = programmed::load(netlist, phases)?;
        let phases_path = phases.map_or_else(
            || programmed::default_phases_path(netlist),
            Path::to_path_buf,
        );
        let read = |p: &Path| {
            std::fs::read_to_string(p)
                .map_err(|e| Failure::format(format!("{}: cannot read the file: {e}", p.display())))
        };
        let report_yaml = match report {
            Some(p) => Some(read(p)?),
            None => None,
        };
        Ok(NativeCircuit {
            name: programmed.netlist.name.clone(),
            netlist_file: netlist.display().to_string(),
            netlist_text: read(netlist)?,
            phases_text: read(&phases_path)?,
            report_yaml,
            programmed,
        })
    }

    fn plan(&self, params: &DeviceParams, seed: u64) -> Plan {
        let Programmed {
            circuit, settings, ..
        } = &self.programmed;
        let device = DeviceInstance::sample(params, circuit, seed);
        Plan::new(circuit, settings, &device)
    }
}

#[pymethods]
impl NativeCircuit {
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    #[getter]
    fn netlist_yaml(&self) -> &str {
        &self.netlist_text
    }

    #[getter]
    fn phases_yaml(&self) -> &str {
        &self.phases_text
    }

    #[getter]
    fn report_yaml(&self) -> Option<&str> {
        self.report_yaml.as_deref()
    }

    /// The netlist as JSON text (the YAML file's data).
    fn netlist_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.programmed.netlist).map_err(|e| Failure::format(e).into())
    }

    fn phases_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.programmed.phases).map_err(|e| Failure::format(e).into())
    }

    fn report_json(&self) -> PyResult<Option<String>> {
        let Some(text) = &self.report_yaml else {
            return Ok(None);
        };
        let value: serde_json::Value = serde_yaml::from_str(text).map_err(Failure::format)?;
        Ok(Some(
            serde_json::to_string(&value).map_err(Failure::format)?,
        ))
    }

    #[getter]
    fn inputs(&self) -> Vec<String> {
        self.programmed.circuit.input_names.clone()
    }

    #[getter]
    fn outputs(&self) -> Vec<String> {
        self.programmed
            .circuit
            .outputs
            .iter()
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The servers and bits of a reducer netlist (either section), or None.
    fn reducer_shape(&self) -> Option<(usize, u32)> {
        let n = &self.programmed.netlist;
        n.reducer
            .as_ref()
            .map(|r| (r.servers, r.bits))
            .or_else(|| n.digit_serial.as_ref().map(|d| (d.servers, d.bits)))
    }

    /// (rows, cols, row-major complex128 bytes) of the ideal transfer matrix.
    fn matrix<'py>(&self, py: Python<'py>) -> PyResult<(usize, usize, Bound<'py, PyBytes>)> {
        let circuit = &self.programmed.circuit;
        if let Some(node) = circuit.first_nonlinear() {
            let e = NetlistFormatError::new(
                &circuit.file,
                Problem::NotLinear {
                    kind: node.kind.name().to_string(),
                },
            )
            .at_instance(&node.name)
            .at_line(node.line);
            return Err(Failure::run(e).into());
        }
        let (rows, cols, bytes) = py.detach(|| {
            let m = self.plan(&DeviceParams::IDEAL, 0).transfer_matrix();
            (m.nrows(), m.ncols(), arrays::complex_bytes(&m))
        });
        Ok((rows, cols, PyBytes::new(py, &bytes)))
    }

    /// Propagates `rows` samples (row-major complex128) through the circuit
    /// on the ideal device, or on one instance of the device described by
    /// `device` = (file label, YAML text) with static errors from `seed`.
    #[pyo3(signature = (fields, rows, cols, device=None, seed=0))]
    fn simulate<'py>(
        &self,
        py: Python<'py>,
        fields: &[u8],
        rows: usize,
        cols: usize,
        device: Option<(String, String)>,
        seed: u64,
    ) -> PyResult<(usize, usize, Bound<'py, PyBytes>)> {
        let (r, c, bytes) = py.detach(|| -> Result<_, Failure> {
            let params = device_params(device.as_ref())?.unwrap_or(DeviceParams::IDEAL);
            let input = arrays::complex_matrix(fields, rows, cols)?;
            let out = self
                .plan(&params, seed)
                .run(&input, seed)
                .map_err(Failure::run)?;
            Ok((out.nrows(), out.ncols(), arrays::complex_bytes(&out)))
        })?;
        Ok((r, c, PyBytes::new(py, &bytes)))
    }

    /// The reducer on one chip instance (see `optc.Circuit.reducer`);
    /// `nominal` keeps only what every chip of the device shares.
    #[pyo3(signature = (device=None, seed=0, nominal=false))]
    fn reducer(
        &self,
        py: Python<'_>,
        device: Option<(String, String)>,
        seed: u64,
        nominal: bool,
    ) -> PyResult<Reducer> {
        Ok(py.detach(|| -> Result<_, Failure> {
            let mut params = device_params(device.as_ref())?;
            if nominal {
                params = params.map(|p| p.nominal());
            }
            Reducer::new(&self.programmed, &self.netlist_file, params, seed)
        })?)
    }

    /// Writes NAME.netlist.yaml, NAME.phases.yaml (and NAME.report.yaml when
    /// there is a report) into `dir`; returns the paths written.
    fn save(&self, dir: PathBuf) -> PyResult<Vec<PathBuf>> {
        let io = |p: &Path, e: std::io::Error| {
            Failure::run(format!("cannot write `{}`: {e}", p.display()))
        };
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        let mut files = vec![
            (format!("{}.netlist.yaml", self.name), &self.netlist_text),
            (format!("{}.phases.yaml", self.name), &self.phases_text),
        ];
        if let Some(r) = &self.report_yaml {
            files.push((format!("{}.report.yaml", self.name), r));
        }
        let mut written = Vec::with_capacity(files.len());
        for (file, text) in files {
            let path = dir.join(file);
            optc_formats::fsio::write_atomic(&path, text.as_bytes()).map_err(|e| io(&path, e))?;
            written.push(path);
        }
        Ok(written)
    }
}

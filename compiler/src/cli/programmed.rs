//! Loading a netlist together with its phase file, as `simulate` and
//! `reduce` both do: the phase file defaults to `NAME.phases.yaml` beside
//! the netlist and must belong to it.

use super::CliError;
use optc_runtime::device::{DeviceInstance, DeviceParams, NodeSettings};
use optc_runtime::netlist::{Circuit, Netlist};
use optc_runtime::phases::Phases;
use optc_runtime::reducer::calibrate::{calibrate, Calibration, CalibrationOptions};
use optc_runtime::reducer::interface::ReducerInterface;
use optc_runtime::reducer::netlist_run::{NetlistReducer, NetlistRunError};
use optc_runtime::simulate::Plan;
use std::path::{Path, PathBuf};

/// A validated netlist with its resolved programmable settings.
pub struct Programmed {
    pub netlist: Netlist,
    pub circuit: Circuit,
    pub phases: Phases,
    pub settings: NodeSettings,
}

/// `dir/NAME.netlist.yaml` → `dir/NAME.phases.yaml`.
pub fn default_phases_path(netlist: &Path) -> PathBuf {
    let name = netlist
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name
        .strip_suffix(".netlist.yaml")
        .or_else(|| name.strip_suffix(".yaml"))
        .unwrap_or(&name);
    netlist.with_file_name(format!("{stem}.phases.yaml"))
}

pub fn load(netlist_path: &Path, phases_path: Option<&Path>) -> Result<Programmed, CliError> {
    let input_err = |e: optc_runtime::netlist::FormatError| CliError::Input(e.to_string());
    let (netlist, circuit) = Netlist::load(netlist_path).map_err(input_err)?;
    let phases_path =
        phases_path.map_or_else(|| default_phases_path(netlist_path), Path::to_path_buf);
    let (phases, text) = Phases::load(&phases_path).map_err(input_err)?;
    program(
        netlist,
        circuit,
        phases,
        &phases_path.display().to_string(),
        &text,
    )
}

/// Like `load`, for netlist and phase-file texts already in memory; the file
/// names locate errors.
pub fn from_texts(
    netlist_file: &str,
    netlist_text: &str,
    phases_file: &str,
    phases_text: &str,
) -> Result<Programmed, CliError> {
    let input_err = |e: optc_runtime::netlist::FormatError| CliError::Input(e.to_string());
    let netlist = Netlist::parse(netlist_file, netlist_text).map_err(input_err)?;
    let circuit = Circuit::new(&netlist, netlist_file, netlist_text).map_err(input_err)?;
    let phases = Phases::parse(phases_file, phases_text).map_err(input_err)?;
    program(netlist, circuit, phases, phases_file, phases_text)
}

fn program(
    netlist: Netlist,
    circuit: Circuit,
    phases: Phases,
    phases_file: &str,
    phases_text: &str,
) -> Result<Programmed, CliError> {
    let settings = phases
        .resolve(&circuit, phases_file, phases_text)
        .map_err(|e| CliError::Input(e.to_string()))?;
    Ok(Programmed {
        netlist,
        circuit,
        phases,
        settings,
    })
}

/// A compiled reducer netlist programmed onto one chip instance, as
/// `optc reduce` and `optc train` run it.
pub struct ReducerChip {
    pub interface: ReducerInterface,
    pub plan: Plan,
    pub runner: NetlistReducer,
    /// The device's detector noise: applied by the comparators
    /// (σ·full_scale), not by the plan.
    pub detector_noise: f64,
}

/// Without a device file the chip is the phase file's nominal device (its
/// DAC, and the loss and crosstalk it was calibrated for; no random errors);
/// with one, static errors are sampled from `seed`. With `calibrate`, the
/// sampled chip is first calibrated on its own comparator signals, exactly
/// as `optc calibrate` does.
pub fn load_reducer(
    netlist_path: &Path,
    phases_path: Option<&Path>,
    device_path: Option<&Path>,
    seed: u64,
    calibrate: bool,
) -> Result<ReducerChip, CliError> {
    let programmed = load(netlist_path, phases_path)?;
    let params = match device_path {
        Some(p) => Some(DeviceParams::load(p).map_err(|e| CliError::Input(e.to_string()))?),
        None => None,
    };
    chip(
        &programmed,
        &netlist_path.display().to_string(),
        params,
        seed,
        calibrate,
    )
}

/// A programmed reducer netlist (`netlist_file` names it in errors) on one
/// chip instance of `device` (static errors from `seed`), or on the phase
/// file's nominal device when `device` is `None`.
pub fn reducer_chip(
    programmed: &Programmed,
    netlist_file: &str,
    device: Option<DeviceParams>,
    seed: u64,
) -> Result<ReducerChip, CliError> {
    chip(programmed, netlist_file, device, seed, false)
}

/// One sampled chip instance of a programmed reducer: its static errors
/// (detector noise off: the comparators add it), the plan of the phase
/// file's settings on it, and the runner.
pub struct SampledChip {
    pub interface: ReducerInterface,
    pub device: DeviceInstance,
    pub plan: Plan,
    pub runner: NetlistReducer,
}

/// Samples instance `seed` of `params` for `programmed` (`netlist_file`
/// names it in errors).
pub fn sample_chip(
    programmed: &Programmed,
    netlist_file: &str,
    params: &DeviceParams,
    seed: u64,
) -> Result<SampledChip, CliError> {
    let interface = programmed.netlist.reducer.clone().ok_or_else(|| {
        CliError::Input(format!("{netlist_file}: {}", NetlistRunError::NotAReducer))
    })?;
    let device =
        DeviceInstance::sample(&params.without_detector_noise(), &programmed.circuit, seed);
    let plan = Plan::new(&programmed.circuit, &programmed.settings, &device);
    let runner = NetlistReducer::new(&interface, &plan)
        .map_err(|e| CliError::Input(format!("{netlist_file}: {e}")))?;
    Ok(SampledChip {
        interface,
        device,
        plan,
        runner,
    })
}

/// The chip's own calibration, starting from the phase file's settings
/// (`None`: a coherent readout has no comparators to calibrate).
pub fn calibrate_chip(
    programmed: &Programmed,
    netlist_file: &str,
    chip: &SampledChip,
) -> Result<Option<Calibration>, CliError> {
    calibrate(
        &programmed.circuit,
        &chip.runner,
        &chip.device,
        &programmed.settings,
        &CalibrationOptions::default(),
    )
    .map_err(|e| CliError::Input(format!("{netlist_file}: {e}")))
}

fn chip(
    programmed: &Programmed,
    netlist_file: &str,
    device: Option<DeviceParams>,
    seed: u64,
    calibrate: bool,
) -> Result<ReducerChip, CliError> {
    let params = device.unwrap_or_else(|| programmed.phases.nominal_device());
    let mut sampled = sample_chip(programmed, netlist_file, &params, seed)?;
    if calibrate {
        // A coherent readout has nothing to calibrate: keep the plan.
        if let Some(cal) = calibrate_chip(programmed, netlist_file, &sampled)? {
            sampled.plan = Plan::new(&programmed.circuit, &cal.settings, &sampled.device);
        }
    }
    Ok(ReducerChip {
        interface: sampled.interface,
        plan: sampled.plan,
        runner: sampled.runner,
        detector_noise: params.detector_noise,
    })
}

//! Loading a netlist together with its phase file, as `simulate` and
//! `reduce` both do: the phase file defaults to `NAME.phases.yaml` beside
//! the netlist and must belong to it.

use crate::device::{DeviceInstance, DeviceParams, NodeSettings};
use crate::reducer::calibrate::{calibrate, Calibration, CalibrationError, CalibrationOptions};
use crate::reducer::digit_serial::DigitSerialChip;
use crate::reducer::netlist_run::{Executor, NetlistReducer, NetlistRunError};
use crate::simulate::Plan;
use optc_formats::netlist::reducer_section::ReducerInterface;
use optc_formats::netlist::{Circuit, FormatError, Netlist};
use optc_formats::phases::Phases;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why a programmed netlist or chip could not be loaded.
#[derive(Debug, Error)]
pub enum ProgramError {
    /// A file is malformed or does not belong to its netlist.
    #[error(transparent)]
    Format(#[from] FormatError),
    /// The netlist is not a compiled reducer, or its reducer section does
    /// not match the simulation plan.
    #[error("{file}: {source}")]
    Reducer {
        file: String,
        source: NetlistRunError,
    },
    /// Per-chip calibration failed.
    #[error("{file}: {source}")]
    Calibration {
        file: String,
        source: CalibrationError,
    },
}

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

pub fn load(netlist_path: &Path, phases_path: Option<&Path>) -> Result<Programmed, ProgramError> {
    let phases_path =
        phases_path.map_or_else(|| default_phases_path(netlist_path), Path::to_path_buf);
    // The two files are read and checked side by side; a netlist error is
    // reported before a phase-file error, as if read one after the other.
    let (netlist, phases) = rayon::join(
        || Netlist::load(netlist_path),
        || Phases::load(&phases_path),
    );
    let (netlist, circuit) = netlist?;
    let (phases, text) = phases?;
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
) -> Result<Programmed, ProgramError> {
    let netlist = Netlist::parse(netlist_file, netlist_text)?;
    let circuit = Circuit::new(&netlist, netlist_file, netlist_text)?;
    let phases = Phases::parse(phases_file, phases_text)?;
    program(netlist, circuit, phases, phases_file, phases_text)
}

fn program(
    netlist: Netlist,
    circuit: Circuit,
    phases: Phases,
    phases_file: &str,
    phases_text: &str,
) -> Result<Programmed, ProgramError> {
    let settings = phases.resolve(&circuit, phases_file, phases_text)?;
    Ok(Programmed {
        netlist,
        circuit,
        phases,
        settings,
    })
}

/// A compiled reducer netlist programmed onto one chip instance, as
/// `optc reduce`, `optc train` and the Python package run it.
pub struct ReducerChip {
    pub servers: usize,
    pub bits: u32,
    /// The device's detector noise: applied by the comparators
    /// (σ·full_scale), not by the plan.
    pub detector_noise: f64,
    pub kind: ChipKind,
}

/// One photonic ADC (or coherent readout) over amplitude links.
pub struct AdcChip {
    pub interface: ReducerInterface,
    pub plan: Plan,
    pub runner: NetlistReducer,
}

/// Which reducer the chip is.
pub enum ChipKind {
    /// One photonic ADC (or coherent readout) over amplitude links.
    Adc(Box<AdcChip>),
    /// A digit-serial chain over PAM4 links.
    DigitSerial(Box<DigitSerialChip>),
}

impl ReducerChip {
    /// Q = 2^(b−1) − 1.
    pub fn max_code(&self) -> i32 {
        (1i32 << (self.bits - 1)) - 1
    }

    /// The fast executor (per-sum or per-level tables where the chip allows).
    pub fn executor(&self, noise_seed: u64) -> Result<Executor, NetlistRunError> {
        match &self.kind {
            ChipKind::Adc(a) => a.runner.executor(&a.plan, self.detector_noise, noise_seed),
            ChipKind::DigitSerial(c) => {
                Ok(Executor::DigitSerial(Box::new(c.executor(noise_seed)?)))
            }
        }
    }

    /// Every element simulated through the netlist (the exact slow path),
    /// detector noise from ChaCha8Rng(seed).
    pub fn reduce_exact(&self, codes: &[i32], seed: u64) -> Result<Vec<i64>, NetlistRunError> {
        match &self.kind {
            ChipKind::Adc(a) => {
                let resp = a.runner.respond(&a.plan, codes, 0)?;
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                Ok(resp
                    .iter()
                    .map(|r| a.runner.deliver(r, Some((self.detector_noise, &mut rng))))
                    .collect())
            }
            ChipKind::DigitSerial(c) => {
                let mut out = vec![0i32; codes.len() / self.servers.max(1)];
                c.direct_executor(seed).reduce(codes, &mut out)?;
                Ok(out.into_iter().map(i64::from).collect())
            }
        }
    }
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
) -> Result<ReducerChip, ProgramError> {
    let programmed = load(netlist_path, phases_path)?;
    let params = match device_path {
        Some(p) => Some(optc_formats::device_file::load(p)?),
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
) -> Result<ReducerChip, ProgramError> {
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
) -> Result<SampledChip, ProgramError> {
    let reducer_err = |source| ProgramError::Reducer {
        file: netlist_file.to_string(),
        source,
    };
    let interface = programmed
        .netlist
        .reducer
        .clone()
        .ok_or_else(|| reducer_err(NetlistRunError::NotAReducer))?;
    // A stage's interface runs only inside its chain (its carry comes
    // from the previous stage).
    if interface.stage.is_some() {
        return Err(reducer_err(NetlistRunError::Contract(
            "the `reducer:` section describes one digit-serial stage (`stage:`); run the whole \
             netlist with its `digit_serial:` section"
                .into(),
        )));
    }
    let device =
        DeviceInstance::sample(&params.without_detector_noise(), &programmed.circuit, seed);
    let plan = Plan::new(&programmed.circuit, &programmed.settings, &device);
    let runner = NetlistReducer::new(&interface, &plan).map_err(reducer_err)?;
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
) -> Result<Option<Calibration>, ProgramError> {
    calibrate(
        &programmed.circuit,
        &chip.runner,
        &chip.device,
        &programmed.settings,
        &CalibrationOptions::default(),
    )
    .map_err(|source| ProgramError::Calibration {
        file: netlist_file.to_string(),
        source,
    })
}

fn chip(
    programmed: &Programmed,
    netlist_file: &str,
    device: Option<DeviceParams>,
    seed: u64,
    calibrate: bool,
) -> Result<ReducerChip, ProgramError> {
    let params = device.unwrap_or_else(|| programmed.phases.nominal_device());
    if let Some(section) = &programmed.netlist.digit_serial {
        let mut c = DigitSerialChip::new(
            &programmed.netlist,
            &programmed.circuit,
            &programmed.settings,
            &params,
            seed,
        )
        .map_err(|source| ProgramError::Reducer {
            file: netlist_file.to_string(),
            source,
        })?;
        if calibrate {
            c.calibrate_stages(&CalibrationOptions::default())
                .map_err(|source| ProgramError::Calibration {
                    file: netlist_file.to_string(),
                    source,
                })?;
        }
        return Ok(ReducerChip {
            servers: section.servers,
            bits: section.bits,
            detector_noise: params.detector_noise,
            kind: ChipKind::DigitSerial(Box::new(c)),
        });
    }
    let mut sampled = sample_chip(programmed, netlist_file, &params, seed)?;
    if calibrate {
        // A coherent readout has nothing to calibrate: keep the plan.
        if let Some(cal) = calibrate_chip(programmed, netlist_file, &sampled)? {
            sampled.plan = Plan::new(&programmed.circuit, &cal.settings, &sampled.device);
        }
    }
    Ok(ReducerChip {
        servers: sampled.interface.servers,
        bits: sampled.interface.bits,
        detector_noise: params.detector_noise,
        kind: ChipKind::Adc(Box::new(AdcChip {
            interface: sampled.interface,
            plan: sampled.plan,
            runner: sampled.runner,
        })),
    })
}

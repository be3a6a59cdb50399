//! `optc calibrate`: program one chip instance of a compiled reducer.
//!
//! Samples the chip's static errors from the device file and `--seed` (as
//! `optc reduce --device` does), runs the search of `reducer::calibrate`
//! on it (heaters in DAC steps, attenuator trims), starting from the
//! compiled phase file, and writes that chip's phase file. The search only
//! uses the comparator signals of one known input vector per sum, as a
//! test bench would.

use super::CliError;
use clap::Args;
use optc_formats::netlist::reducer_section::InterfaceReadout;
use optc_formats::phases::CalibratedFor;
use optc_sim::programmed::{self, ProgramError};
use optc_sim::reducer::calibrate::CalibrationOptions;
use optc_sim::reducer::digit_serial::DigitSerialChip;
use optc_sim::reducer::netlist_run::NetlistRunError;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The reducer netlist (NAME.netlist.yaml, with a `reducer:` section).
    pub netlist: PathBuf,
    /// The phase file to start from [default: NAME.phases.yaml next to the netlist].
    #[arg(long)]
    pub phases: Option<PathBuf>,
    /// The device file whose instance is calibrated (with --chip: the DAC,
    /// crosstalk and loss of the measured chip [default: ideal]).
    #[arg(long, value_name = "FILE", required_unless_present = "chip")]
    pub device: Option<PathBuf>,
    /// A linear netlist's measured chip (spec/chip.md, `optc characterize`
    /// writes one): program it to realise the netlist's own matrix.
    #[arg(long, value_name = "FILE")]
    pub chip: Option<PathBuf>,
    /// Seed of the device instance (the same seed as `optc reduce --seed`).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Where to write the chip's phase file.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: PathBuf,
}

fn input_err(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

pub fn run(args: CalibrateArgs) -> Result<(), CliError> {
    let programmed = programmed::load(&args.netlist, args.phases.as_deref())?;
    let netlist_file = args.netlist.display().to_string();
    let is_chain = programmed.netlist.digit_serial.is_some();
    let is_reducer = programmed.netlist.reducer.is_some() || is_chain;
    if let Some(chip) = &args.chip {
        if is_reducer {
            return Err(input_err(format!(
                "{netlist_file}: a reducer is calibrated on its comparator signals \
                 (--device), not from a chip file"
            )));
        }
        return measured_chip(&args, &programmed, chip);
    }
    if !is_reducer {
        return Err(input_err(format!(
            "{netlist_file}: {} (a linear netlist is programmed from its measured chip: --chip FILE)",
            NetlistRunError::NotAReducer
        )));
    }
    let device = args
        .device
        .clone()
        .expect("clap requires --device without --chip");
    let params = optc_formats::device_file::load(&device).map_err(input_err)?;
    let coherent = || {
        input_err(format!(
            "{netlist_file}: a coherent (linear) readout has no comparators to calibrate"
        ))
    };
    if programmed
        .netlist
        .reducer
        .as_ref()
        .is_some_and(|i| matches!(i.readout, InterfaceReadout::Coherent { .. }))
    {
        return Err(coherent());
    }
    // The chip's DAC is the phase file's: codes in the output must be codes
    // this chip holds.
    if params.phase_bits != programmed.phases.phase_bits {
        let bits = |b: Option<u32>| {
            b.map_or("continuous phases".to_string(), |b| {
                format!("a {b}-bit DAC")
            })
        };
        return Err(input_err(format!(
            "{}: the device has {} but the phase file {} was written for {}; \
             compile for this device, or use a device file with `phase_bits` matching",
            device.display(),
            bits(params.phase_bits),
            args.phases
                .as_deref()
                .map_or_else(
                    || programmed::default_phases_path(&args.netlist),
                    std::path::Path::to_path_buf
                )
                .display(),
            bits(programmed.phases.phase_bits)
        )));
    }
    let (settings, cal) = if is_chain {
        // A digit-serial chain: every stage on its own signals.
        let mut chip = DigitSerialChip::new(
            &programmed.netlist,
            &programmed.circuit,
            &programmed.settings,
            &params,
            args.seed,
        )
        .map_err(|source| ProgramError::Reducer {
            file: netlist_file.clone(),
            source,
        })?;
        let cals = chip
            .calibrate_stages(&CalibrationOptions::default())
            .map_err(|source| ProgramError::Calibration {
                file: netlist_file.clone(),
                source,
            })?;
        let summary = Summary {
            worst_before: cals
                .iter()
                .map(|c| c.before.worst)
                .fold(f64::INFINITY, f64::min),
            worst_after: cals
                .iter()
                .map(|c| c.after.worst)
                .fold(f64::INFINITY, f64::min),
            error_before: cals.iter().map(|c| c.before.error_rate).fold(0.0, f64::max),
            error_after: cals.iter().map(|c| c.after.error_rate).fold(0.0, f64::max),
            trials: cals.iter().map(|c| c.trials).sum(),
            what: format!("{} stages, worst stage", cals.len()),
        };
        (
            chip.whole_settings(&programmed.circuit, &programmed.settings),
            summary,
        )
    } else {
        let chip = programmed::sample_chip(&programmed, &netlist_file, &params, args.seed)?;
        let cal =
            programmed::calibrate_chip(&programmed, &netlist_file, &chip)?.ok_or_else(coherent)?;
        let summary = Summary {
            worst_before: cal.before.worst,
            worst_after: cal.after.worst,
            error_before: cal.before.error_rate,
            error_after: cal.after.error_rate,
            trials: cal.trials,
            what: String::new(),
        };
        (cal.settings, summary)
    };
    let mut out = programmed
        .phases
        .with_settings(&programmed.circuit, &settings);
    // This file is for this chip: its loss and crosstalk are the device's.
    out.calibrated_for = Some(CalibratedFor {
        mzi_loss_db: params.mzi_loss_db,
        crosstalk: params.crosstalk,
        splitter_loss_db: params.splitter_loss_db,
    });
    optc_formats::fsio::write_atomic(&args.out, out.to_yaml().as_bytes())
        .map_err(|e| input_err(format!("cannot write `{}`: {e}", args.out.display())))?;
    eprintln!(
        "calibrated instance {} of {}{}: worst margin {:+.4} -> {:+.4} of full scale, \
         error rate {:.4} -> {:.4} ({} trial settings)",
        args.seed,
        device.display(),
        if cal.what.is_empty() {
            String::new()
        } else {
            format!(" ({})", cal.what)
        },
        cal.worst_before,
        cal.worst_after,
        cal.error_before,
        cal.error_after,
        cal.trials
    );
    eprintln!("  wrote {}", args.out.display());
    Ok(())
}

/// `optc calibrate --chip`.
fn measured_chip(
    args: &CalibrateArgs,
    programmed: &programmed::Programmed,
    chip_path: &std::path::Path,
) -> Result<(), CliError> {
    let netlist_file = args.netlist.display().to_string();
    program_measured(
        programmed,
        &netlist_file,
        chip_path,
        args.device.as_deref(),
        args.seed,
        &args.out,
    )
}

/// Error-aware settings for a measured linear chip (spec/chip.md,
/// `optc_sim::program_chip`), written as a phase file to `out`; used by
/// `optc calibrate --chip` and `optc compile --chip`.
pub(crate) fn program_measured(
    programmed: &programmed::Programmed,
    netlist_file: &str,
    chip_path: &std::path::Path,
    device_path: Option<&std::path::Path>,
    seed: u64,
    out_path: &std::path::Path,
) -> Result<(), CliError> {
    use optc_sim::device::{DeviceInstance, DeviceParams};
    let circuit = &programmed.circuit;
    if let Some(n) = circuit.nodes.iter().find(|n| !n.kind.is_linear()) {
        return Err(input_err(format!(
            "{netlist_file}: instance `{}` is a `{}`; only linear netlists have a matrix to realise",
            n.name,
            n.kind.name()
        )));
    }
    let params = match device_path {
        Some(p) => optc_formats::device_file::load(p).map_err(input_err)?,
        None => DeviceParams::IDEAL,
    };
    // The fit sees continuous phases; the DAC rounds the result afterwards.
    let fit = DeviceParams {
        phase_bits: None,
        ..params
    };
    let chip_file = chip_path.display().to_string();
    let chip = optc_formats::chip_file::load(chip_path).map_err(input_err)?;
    let device =
        DeviceInstance::measured(&fit, circuit, seed, &chip, &chip_file).map_err(input_err)?;
    let ideal = DeviceInstance::sample(&DeviceParams::IDEAL, circuit, 0);
    let target =
        optc_sim::simulate::Plan::new(circuit, &programmed.settings, &ideal).transfer_matrix();
    let p = optc_sim::program_chip::program(circuit, &programmed.settings, &device, &target);
    let mut out = programmed.phases.with_settings(circuit, &p.settings);
    out.calibrated_for = Some(CalibratedFor {
        mzi_loss_db: params.mzi_loss_db,
        crosstalk: params.crosstalk,
        splitter_loss_db: params.splitter_loss_db,
    });
    optc_formats::fsio::write_atomic(out_path, out.to_yaml().as_bytes())
        .map_err(|e| input_err(format!("cannot write `{}`: {e}", out_path.display())))?;
    let how = if p.global {
        format!("local correction, then {} global iterations", p.iterations)
    } else {
        format!(
            "local correction only: more than {} heaters for the global fit",
            optc_sim::program_chip::MAX_GLOBAL_HEATERS
        )
    };
    eprintln!(
        "programmed the measured chip {chip_file}: max |U_chip - U| {:.3e} with the compiled \
         settings -> {:.3e} locally corrected -> {:.3e} error-aware ({how})",
        p.ideal_error, p.local_error, p.error
    );
    for o in &p.out_of_reach {
        eprintln!(
            "  {}: needs |T00| = {:.4}, its couplers reach [{:.4}, {:.4}]",
            o.instance, o.needed, o.reach[0], o.reach[1]
        );
    }
    if !p.local_missed.is_empty() {
        let worst = p.local_missed.iter().map(|m| m.1).fold(0.0, f64::max);
        eprintln!(
            "  local correction missed the 2x2 transfer of {} cells (worst row mismatch {worst:.3e})",
            p.local_missed.len()
        );
    }
    if !p.out_of_reach.is_empty() {
        eprintln!(
            "  {} MZIs were asked for a split out of their reach",
            p.out_of_reach.len()
        );
    }
    eprintln!("  wrote {}", out_path.display());
    Ok(())
}

/// What `optc calibrate` prints: margins and error rates before and after.
struct Summary {
    worst_before: f64,
    worst_after: f64,
    error_before: f64,
    error_after: f64,
    trials: usize,
    /// For a chain: which figure (the worst stage's).
    what: String,
}

//! `optc reduce`: run integer gradient codes through a compiled reducer
//! netlist and write the code every server receives.
//!
//! It executes the netlist, not a formula: the netlist's plan is run once on
//! a representative vector of every sum S (one batch), the comparators of the
//! `reducer:` section turn that into a per-sum table, and each element looks
//! its sum up, with detector noise per element (`ReducerExecutor`); a
//! digit-serial netlist does the same per stage and level and runs the
//! chain (`DigitSerialExecutor`). `--exact` instead simulates every element
//! through the netlist (slow path).

use super::CliError;
use clap::Args;
use optc_sim::programmed;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct ReduceArgs {
    /// The reducer netlist (NAME.netlist.yaml, with a `reducer:` or
    /// `digit_serial:` section).
    pub netlist: PathBuf,
    /// The phase file [default: NAME.phases.yaml next to the netlist].
    #[arg(long)]
    pub phases: Option<PathBuf>,
    /// CSV of integer codes: one gradient element per row, one column per
    /// server (`-` reads stdin).
    #[arg(long, value_name = "FILE|-")]
    pub codes: PathBuf,
    /// A device file: run on one sampled instance of this device (static
    /// errors from --seed) with its detector noise [default: the phase
    /// file's nominal device: its DAC (`phase_bits`) and the loss and
    /// crosstalk it was calibrated for (`calibrated_for`), no random errors].
    #[arg(long, value_name = "FILE")]
    pub device: Option<PathBuf>,
    /// Seed of the device instance and of the detector noise.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Calibrate that chip first on its own comparator signals, as
    /// `optc calibrate` does, instead of running the shipped phase file on it.
    #[arg(long, requires = "device")]
    pub calibrate: bool,
    /// Simulate every element through the netlist instead of the per-sum
    /// table (exact on any device, slower).
    #[arg(long)]
    pub exact: bool,
    /// Write the delivered codes to FILE (atomically) instead of stdout.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
}

fn input_err(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

pub fn run(args: ReduceArgs) -> Result<(), CliError> {
    let chip = programmed::load_reducer(
        &args.netlist,
        args.phases.as_deref(),
        args.device.as_deref(),
        args.seed,
        args.calibrate,
    )?;
    let (name, text) = read_codes_text(&args.codes)?;
    let codes = optc_formats::codes_file::parse_codes(&name, &text, chip.servers, chip.max_code())
        .map_err(input_err)?;
    let elements = codes.len() / chip.servers;
    let out: Vec<i64> = if args.exact {
        chip.reduce_exact(&codes, args.seed).map_err(input_err)?
    } else {
        let exec = chip.executor(args.seed).map_err(input_err)?;
        let mut out = vec![0i32; elements];
        exec.reduce(&codes, &mut out).map_err(input_err)?;
        out.into_iter().map(i64::from).collect()
    };
    let mut text = String::with_capacity(out.len() * 3);
    for r in out {
        text.push_str(&r.to_string());
        text.push('\n');
    }
    match &args.out {
        Some(p) => optc_formats::fsio::write_atomic(p, text.as_bytes())
            .map_err(|e| input_err(format!("cannot write `{}`: {e}", p.display()))),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn read_codes_text(path: &Path) -> Result<(String, String), CliError> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| input_err(format!("cannot read stdin: {e}")))?;
        return Ok(("<stdin>".into(), text));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| input_err(format!("{}: cannot read the file: {e}", path.display())))?;
    Ok((path.display().to_string(), text))
}

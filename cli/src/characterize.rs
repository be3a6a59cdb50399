//! `optc characterize`: write the chip characterisation file (spec/chip.md)
//! of one sampled chip of a netlist: what a test bench would measure of
//! every MZI (coupler cross ratios, heater phase offsets) and phase
//! shifter, here drawn from the device file and `--seed` as `optc simulate
//! --device` draws them.

use super::CliError;
use clap::Args;
use optc_formats::netlist::Netlist;
use optc_sim::device::DeviceInstance;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CharacterizeArgs {
    /// The netlist (NAME.netlist.yaml).
    pub netlist: PathBuf,
    /// The device file the chip is sampled from.
    #[arg(long, value_name = "FILE")]
    pub device: PathBuf,
    /// Seed of the chip (the same seed as `optc simulate --seed`).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Where to write the chip file.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(args: CharacterizeArgs) -> Result<(), CliError> {
    let input = |e: &dyn std::fmt::Display| CliError::Input(e.to_string());
    let (_, circuit) = Netlist::load(&args.netlist).map_err(|e| input(&e))?;
    let params = optc_formats::device_file::load(&args.device).map_err(|e| input(&e))?;
    let chip = DeviceInstance::sample(&params, &circuit, args.seed).chip_file(&circuit);
    optc_formats::fsio::write_atomic(&args.out, chip.to_yaml().as_bytes())
        .map_err(|e| input(&format!("cannot write `{}`: {e}", args.out.display())))?;
    eprintln!(
        "characterised chip {} of {}: {} MZIs, {} phase shifters",
        args.seed,
        args.device.display(),
        chip.mzi.len(),
        chip.phase_shifter.len()
    );
    eprintln!("  wrote {}", args.out.display());
    Ok(())
}

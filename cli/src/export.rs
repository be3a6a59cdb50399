//! `optc export`: a netlist with its phase file in the netlist format of
//! SAX or gdsfactory (spec/export.md).

use super::CliError;
use clap::{Args, ValueEnum};
use optc_draw::export::{to_gdsfactory, to_sax};
use optc_sim::programmed::{self, Programmed};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// SAX instances/connections/ports netlist (YAML), settings per instance.
    Sax,
    /// gdsfactory YAML netlist (`gf.read.from_yaml`), generic-PDK cells.
    Gdsfactory,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The netlist (NAME.netlist.yaml).
    pub netlist: PathBuf,
    /// The phase file [default: NAME.phases.yaml next to the netlist].
    #[arg(long, value_name = "FILE")]
    pub phases: Option<PathBuf>,
    /// The tool to export for.
    #[arg(long = "to", value_enum)]
    pub to: Target,
    /// The file to write.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(args: ExportArgs) -> Result<(), CliError> {
    let Programmed {
        netlist,
        circuit,
        settings,
        ..
    } = programmed::load(&args.netlist, args.phases.as_deref())?;
    let text = match args.to {
        Target::Sax => to_sax(&netlist, &circuit, &settings),
        Target::Gdsfactory => to_gdsfactory(&netlist, &circuit, &settings),
    }
    .map_err(|e| CliError::Input(e.to_string()))?;
    super::render::write(&args.out, &text)?;
    println!("wrote {}", args.out.display());
    Ok(())
}

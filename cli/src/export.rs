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
    /// The flat optc netlist (every cell instance expanded into its MZIs),
    /// with its phase file written beside it as NAME.phases.yaml.
    Netlist,
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
    /// The file to write (for `--to netlist`, NAME.netlist.yaml; the phase
    /// file goes beside it).
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(args: ExportArgs) -> Result<(), CliError> {
    let Programmed {
        netlist,
        circuit,
        settings,
        phases,
    } = programmed::load(&args.netlist, args.phases.as_deref())?;
    // The other tools know no cells: they get the flat connections.
    let flat = netlist.flatten();
    let text = match args.to {
        Target::Sax => to_sax(&flat, &circuit, &settings),
        Target::Gdsfactory => to_gdsfactory(&flat, &circuit, &settings),
        Target::Netlist => {
            if !args.out.to_string_lossy().ends_with(".netlist.yaml") {
                return Err(CliError::Input(format!(
                    "`--to netlist` writes NAME.netlist.yaml and NAME.phases.yaml beside it; \
                     `{}` does not end in `.netlist.yaml`",
                    args.out.display()
                )));
            }
            let phases_out = programmed::default_phases_path(&args.out);
            let inputs = [
                args.netlist.clone(),
                args.phases
                    .clone()
                    .unwrap_or_else(|| programmed::default_phases_path(&args.netlist)),
            ];
            for out in [&args.out, &phases_out] {
                if inputs.iter().any(|i| same_file(i, out)) {
                    return Err(CliError::Input(format!(
                        "refusing to overwrite the input `{}` with the flat form",
                        out.display()
                    )));
                }
            }
            let flat_phases = phases.flatten(&netlist, &flat);
            // Both files or neither: the phase file is rendered first.
            let phases_text = flat_phases.to_yaml();
            super::render::write(&args.out, &flat.to_yaml())?;
            super::render::write(&phases_out, &phases_text)?;
            println!("wrote {}", args.out.display());
            println!("wrote {}", phases_out.display());
            return Ok(());
        }
    }
    .map_err(|e| CliError::Input(e.to_string()))?;
    super::render::write(&args.out, &text)?;
    println!("wrote {}", args.out.display());
    Ok(())
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

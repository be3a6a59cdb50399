use super::CliError;
use crate::{frontend, ir};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// The netlist, phase file and report (default).
    Files,
    /// The IR after the front end, printed readably.
    Ir,
    /// The IR as a Graphviz graph.
    Dot,
}

#[derive(Debug, Args)]
pub struct CompileArgs {
    /// The .optc source file, or a .npy / .csv matrix to compile as a linear network.
    pub file: PathBuf,
    /// Output folder for NAME.netlist.yaml, NAME.phases.yaml, NAME.report.yaml.
    #[arg(short = 'o', long = "out", default_value = "out")]
    pub out: PathBuf,
    /// What to produce.
    #[arg(long, value_enum, default_value_t = Emit::Files)]
    pub emit: Emit,
    /// Allow matrix files outside the source file's folder (absolute paths, `..`).
    #[arg(long)]
    pub allow_outside_paths: bool,
}

pub fn run(args: CompileArgs) -> Result<(), CliError> {
    match args.emit {
        Emit::Files => Err(CliError::NotImplemented("optc compile")),
        Emit::Ir | Emit::Dot => {
            let options = frontend::Options {
                allow_outside_paths: args.allow_outside_paths,
            };
            let (_program, graphs) = frontend::load(&args.file, options).map_err(|diags| {
                eprint!("{}", diags.render());
                CliError::Reported(diags.len())
            })?;
            if args.emit == Emit::Ir {
                print!("{}", ir::print::print_all(&graphs));
            } else {
                print!("{}", ir::dot::dot_all(&graphs));
            }
            Ok(())
        }
    }
}

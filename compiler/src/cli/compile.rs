use super::CliError;
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

pub fn run(_args: CompileArgs) -> Result<(), CliError> {
    Err(CliError::NotImplemented("optc compile"))
}

use super::CliError;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ReduceArgs {
    /// The reducer netlist (NAME.netlist.yaml).
    pub netlist: PathBuf,
}

pub fn run(_args: ReduceArgs) -> Result<(), CliError> {
    Err(CliError::NotImplemented("optc reduce"))
}

use super::CliError;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The netlist (NAME.netlist.yaml).
    pub netlist: PathBuf,
}

pub fn run(_args: SimulateArgs) -> Result<(), CliError> {
    Err(CliError::NotImplemented("optc simulate"))
}

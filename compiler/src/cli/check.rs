use super::CliError;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The .optc source file.
    pub file: PathBuf,
    /// Allow matrix files outside the source file's folder (absolute paths, `..`).
    #[arg(long)]
    pub allow_outside_paths: bool,
}

pub fn run(_args: CheckArgs) -> Result<(), CliError> {
    Err(CliError::NotImplemented("optc check"))
}

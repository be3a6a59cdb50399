//! How a subcommand fails.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum CliError {
    /// Diagnostics were already rendered to stderr (with their count).
    #[error("{0} error(s) reported")]
    Reported(usize),
    /// The input is wrong; the message names what and where.
    #[error("{0}")]
    Input(String),
    /// The feature exists in the command surface but not yet in this build.
    #[error("{0} is not implemented yet")]
    NotImplemented(&'static str),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        1
    }

    pub fn report(&self) {
        match self {
            CliError::Reported(_) => {}
            other => eprintln!("error: {other}"),
        }
    }
}

impl From<optc_sim::programmed::ProgramError> for CliError {
    fn from(e: optc_sim::programmed::ProgramError) -> Self {
        CliError::Input(e.to_string())
    }
}

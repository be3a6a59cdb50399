//! The `optc` command line (clap). One file per subcommand; each is a thin
//! layer that reads arguments, calls into the libraries and reports.
//!
//! Exit status: 0 success, 1 the input is wrong (diagnostics on stderr),
//! 2 usage error (clap's own exit code).

mod calibrate;
mod characterize;
mod check;
mod compile;
mod error;
mod export;
mod layout;
mod model;
mod passes;
mod reduce;
mod render;
mod simulate;
mod train;

pub use error::CliError;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "optc",
    version,
    about = "Compiler and runtime for optical in-network reduction circuits",
    long_about = "optc compiles reduction networks written in the optc language (.optc) \
                  into MZI meshes: a netlist, a phase file and a report. Its runtime \
                  simulates any netlist and executes compiled reducers."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and check a source file; report every error found.
    Check(check::CheckArgs),
    /// Compile a source file (or a .npy/.csv matrix) into netlist, phases and report.
    Compile(compile::CompileArgs),
    /// Simulate a netlist: its transfer matrix, or a batch of input fields.
    Simulate(simulate::SimulateArgs),
    /// Run integer gradient codes through a compiled reducer netlist.
    Reduce(reduce::ReduceArgs),
    /// Calibrate one chip: a reducer instance on its comparator signals, or a
    /// measured linear chip (--chip) to realise its netlist's matrix.
    Calibrate(calibrate::CalibrateArgs),
    /// Write the characterisation file (measured splitter ratios and phase
    /// offsets) of one sampled chip of a netlist.
    Characterize(characterize::CharacterizeArgs),
    /// Emulated data-parallel training: optical reducer vs ring all-reduce.
    Train(train::TrainArgs),
    /// Step-time model of ring, tree, in-switch and OptINC reduction at cluster scale.
    Model(model::ModelArgs),
    /// Draw a netlist (and its phases) as SVG.
    Render(render::RenderArgs),
    /// Export a netlist with its phases for SAX or gdsfactory.
    Export(export::ExportArgs),
    /// Lay out a netlist as a routed chip (GDS through gdsfactory) with its pad table.
    Layout(layout::LayoutArgs),
    /// List the compiler's passes in pipeline order, with what each does.
    Passes,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // The command runs on a worker of rayon's pool, so its parallel steps
    // share the machine's cores with it instead of with an idle caller
    // thread and spinning workers besides.
    let result = rayon::scope(|_| run(cli.command));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            err.report();
            ExitCode::from(err.exit_code())
        }
    }
}

fn run(command: Command) -> Result<(), CliError> {
    match command {
        Command::Check(args) => check::run(args),
        Command::Compile(args) => compile::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Reduce(args) => reduce::run(args),
        Command::Calibrate(args) => calibrate::run(args),
        Command::Characterize(args) => characterize::run(args),
        Command::Train(args) => train::run(args),
        Command::Model(args) => model::run(args),
        Command::Render(args) => render::run(args),
        Command::Export(args) => export::run(args),
        Command::Layout(args) => layout::run(args),
        Command::Passes => passes::run(),
    }
}

use super::CliError;
use clap::Args;
use optc::frontend;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The .optc source file.
    pub file: PathBuf,
    /// Allow matrix files outside the source file's folder (absolute paths, `..`).
    #[arg(long)]
    pub allow_outside_paths: bool,
}

pub fn run(args: CheckArgs) -> Result<(), CliError> {
    let options = frontend::Options {
        allow_outside_paths: args.allow_outside_paths,
    };
    match frontend::load(&args.file, options) {
        Ok((program, _)) => {
            println!("ok: {}", program.summary());
            Ok(())
        }
        Err(diags) => {
            eprint!("{}", diags.render());
            Err(CliError::Reported(diags.len()))
        }
    }
}

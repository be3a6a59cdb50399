//! The `optc` command: argument parsing lives in `optc_cli`; all work is
//! done by the layer crates below it (README, "Layout").

fn main() -> std::process::ExitCode {
    optc_cli::main()
}

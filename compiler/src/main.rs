//! The `optc` command: argument parsing lives in `optc::cli`; all work is done
//! by the `optc` and `optc-runtime` libraries.

fn main() -> std::process::ExitCode {
    optc::cli::main()
}

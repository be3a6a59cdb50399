use super::CliError;
use clap::{Args, ValueEnum};
use optc::driver::{self, CompileError, CompileOptions};
use optc::ir;
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
    /// Print each network's IR and lowering after the named pass (see `optc passes`).
    #[arg(long, value_name = "PASS")]
    pub dump_after: Option<String>,
    /// Also draw each network: NAME.svg (and NAME.report.svg for a reducer).
    #[arg(long)]
    pub svg: bool,
    /// A measured chip (spec/chip.md): also write NAME.chip.phases.yaml,
    /// the error-aware settings that make that chip realise the network.
    #[arg(long, value_name = "FILE")]
    pub chip: Option<PathBuf>,
    /// With --chip: the device file for the chip's DAC, crosstalk and loss
    /// [default: ideal].
    #[arg(long, value_name = "FILE", requires = "chip")]
    pub device: Option<PathBuf>,
    /// Print the wall time of every pass and file step to stderr
    /// (`time NETWORK STEP MILLISECONDS`, one line each).
    #[arg(long)]
    pub time_passes: bool,
}

pub fn run(args: CompileArgs) -> Result<(), CliError> {
    if args.chip.is_some() && args.emit != Emit::Files {
        return Err(CliError::Input(
            "--chip programs the compiled files; it needs --emit files".into(),
        ));
    }
    match args.emit {
        Emit::Files => compile_files(&args),
        Emit::Ir | Emit::Dot => {
            // Sources and bare .npy/.csv matrices, as `Emit::Files` sees them.
            let graphs =
                driver::load_graphs(&args.file, args.allow_outside_paths).map_err(|e| match e {
                    CompileError::Diagnostics { rendered, count } => {
                        eprint!("{rendered}");
                        CliError::Reported(count)
                    }
                    other => CliError::Input(other.to_string()),
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

fn compile_files(args: &CompileArgs) -> Result<(), CliError> {
    // A bad chip or device file fails before anything is compiled.
    let input = |e: optc_formats::netlist::FormatError| CliError::Input(e.to_string());
    let chip = match &args.chip {
        Some(p) => Some(optc_formats::chip_file::load(p).map_err(input)?),
        None => None,
    };
    if let Some(p) = &args.device {
        optc_formats::device_file::load(p).map_err(input)?;
    }
    let options = CompileOptions {
        out_dir: args.out.clone(),
        allow_outside_paths: args.allow_outside_paths,
        dump_after: args.dump_after.clone(),
    };
    let compiled = driver::compile(&args.file, &options, |pass, unit| {
        eprintln!(
            "=== {} after pass `{pass}` ===\n{}",
            unit.name(),
            unit.dump()
        );
    })
    .map_err(|e| match e {
        CompileError::Diagnostics { rendered, count } => {
            eprint!("{rendered}");
            CliError::Reported(count)
        }
        other => CliError::Input(other.to_string()),
    })?;
    for c in &compiled {
        eprint!("{}", c.warnings);
        if args.time_passes {
            for (step, took) in &c.unit.timings {
                eprintln!(
                    "time {} {step} {:.3}",
                    c.unit.name(),
                    took.as_secs_f64() * 1e3
                );
            }
        }
        println!("{}", optc::emit::summary_line(&c.unit.report));
        for p in c.paths.all() {
            println!("  wrote {}", p.display());
        }
        if args.svg {
            let drawn =
                super::render::compile_drawings(&c.paths.netlist, &c.paths.phases, &c.unit.report)?;
            for p in drawn {
                println!("  wrote {}", p.display());
            }
        }
    }
    if let (Some(chip), Some(path)) = (&chip, &args.chip) {
        // The network whose structure the chip was measured on.
        let mut matched = false;
        for c in &compiled {
            let programmed = optc_sim::programmed::load(&c.paths.netlist, Some(&c.paths.phases))?;
            if programmed.circuit.hash != chip.structure_hash {
                continue;
            }
            matched = true;
            let out = c
                .paths
                .phases
                .with_file_name(format!("{}.chip.phases.yaml", programmed.circuit.name));
            super::calibrate::program_measured(
                &programmed,
                &c.paths.netlist.display().to_string(),
                path,
                args.device.as_deref(),
                0,
                &out,
            )?;
        }
        if !matched {
            return Err(CliError::Input(format!(
                "{}: the chip was measured on `{}` ({}); no compiled network has that structure \
                 (same modes, mesh style and names)",
                path.display(),
                chip.circuit,
                chip.structure_hash
            )));
        }
    }
    Ok(())
}

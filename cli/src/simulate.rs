//! `optc simulate`: load a netlist and its phase file, realize them on a
//! device (ideal or sampled from a device file), and print the transfer
//! matrix or propagate a batch of input fields.

use super::CliError;
use clap::{Args, ValueEnum};
use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_formats::matrix_file;
use optc_formats::netlist::{FormatError, Problem};
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::programmed::{self, Programmed};
use optc_sim::simulate::Plan;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned, rounded, for reading.
    Text,
    /// `{"rows", "columns", "re", "im"}`.
    Json,
    /// One row per line, complex entries like `0.5-0.5i`, exact round trip.
    Csv,
    /// A complex128 numpy array.
    Npy,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["matrix", "input"])))]
pub struct SimulateArgs {
    /// The netlist (NAME.netlist.yaml).
    pub netlist: PathBuf,
    /// The phase file [default: NAME.phases.yaml next to the netlist].
    #[arg(long)]
    pub phases: Option<PathBuf>,
    /// Print the realized transfer matrix (outputs × inputs) of a linear netlist.
    #[arg(long)]
    pub matrix: bool,
    /// Propagate input field vectors, one per row (.csv or .npy; `-` reads CSV from stdin).
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// A device file (YAML of device parameters) to simulate a non-ideal chip
    /// [default: the ideal device: continuous phases, no loss, the exact
    /// transfer matrix of the settings. `optc reduce` instead defaults to the
    /// phase file's nominal device, which its settings were calibrated for].
    #[arg(long, value_name = "FILE", conflicts_with = "ideal")]
    pub device: Option<PathBuf>,
    /// Simulate the ideal device (the default).
    #[arg(long)]
    pub ideal: bool,
    /// Seed of the device instance (static errors) and of detector noise.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
}

fn input_err(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

pub fn run(args: SimulateArgs) -> Result<(), CliError> {
    let Programmed {
        circuit, settings, ..
    } = programmed::load(&args.netlist, args.phases.as_deref())?;
    let params = match &args.device {
        Some(p) => optc_formats::device_file::load(p).map_err(input_err)?,
        None => DeviceParams::IDEAL,
    };
    let device = DeviceInstance::sample(&params, &circuit, args.seed);
    let plan = Plan::new(&circuit, &settings, &device);
    for (name, g) in &plan.amplifier_gains {
        eprintln!(
            "note: amplifier `{name}` adds power gain {g} ({:.3} dB)",
            10.0 * g.log10()
        );
    }

    let (result, rows, columns) = if args.matrix {
        if let Some(node) = circuit.first_nonlinear() {
            let e = FormatError::new(
                &circuit.file,
                Problem::NotLinear {
                    kind: node.kind.name().to_string(),
                },
            )
            .at_instance(&node.name)
            .at_line(node.line);
            return Err(input_err(e));
        }
        (
            plan.transfer_matrix(),
            plan.output_names.clone(),
            plan.input_names.clone(),
        )
    } else {
        let path = args.input.clone().unwrap_or_default();
        let input = read_input(&path)?;
        let out = plan.run(&input, args.seed).map_err(input_err)?;
        let rows = (0..out.nrows()).map(|r| format!("sample{r}")).collect();
        (out, rows, plan.output_names.clone())
    };

    let bytes = render(args.format, &result, &rows, &columns, &circuit.name)?;
    match &args.out {
        Some(p) => optc_formats::fsio::write_atomic(p, &bytes)
            .map_err(|e| input_err(format!("cannot write `{}`: {e}", p.display()))),
        None => std::io::stdout()
            .write_all(&bytes)
            .map_err(|e| input_err(format!("cannot write to stdout: {e}"))),
    }
}

fn read_input(path: &Path) -> Result<DMatrix<Complex64>, CliError> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| input_err(format!("cannot read stdin: {e}")))?;
        matrix_file::parse_csv(Path::new("<stdin>"), &text).map_err(input_err)
    } else {
        matrix_file::read_matrix(path).map_err(input_err)
    }
}

fn render(
    format: Format,
    m: &DMatrix<Complex64>,
    rows: &[String],
    columns: &[String],
    name: &str,
) -> Result<Vec<u8>, CliError> {
    Ok(match format {
        Format::Csv => matrix_file::to_csv(m).into_bytes(),
        Format::Npy => {
            let mut buf = Vec::new();
            matrix_file::write_npy(&mut buf, m).map_err(input_err)?;
            buf
        }
        Format::Json => {
            let plane = |f: fn(&Complex64) -> f64| -> Vec<Vec<f64>> {
                (0..m.nrows())
                    .map(|r| (0..m.ncols()).map(|c| f(&m[(r, c)])).collect())
                    .collect()
            };
            // Keys in alphabetical order, as the document has always listed
            // them; serialized straight from the struct, not a `Value` tree.
            #[derive(serde::Serialize)]
            struct Doc<'a> {
                columns: &'a [String],
                im: Vec<Vec<f64>>,
                netlist: &'a str,
                re: Vec<Vec<f64>>,
                rows: &'a [String],
            }
            let doc = Doc {
                columns,
                im: plane(|z| z.im),
                netlist: name,
                re: plane(|z| z.re),
                rows,
            };
            let mut s = serde_json::to_string_pretty(&doc).map_err(input_err)?;
            s.push('\n');
            s.into_bytes()
        }
        Format::Text => {
            let cell = |z: Complex64| format!("{:+.6}{:+.6}i", z.re, z.im);
            let width = columns.iter().map(String::len).max().unwrap_or(0).max(20);
            let label = rows.iter().map(String::len).max().unwrap_or(0);
            let mut s = format!("{:label$}", "");
            for c in columns {
                s.push_str(&format!("  {c:>width$}"));
            }
            s.push('\n');
            for (r, row_name) in rows.iter().enumerate() {
                s.push_str(&format!("{row_name:label$}"));
                for c in 0..m.ncols() {
                    s.push_str(&format!("  {:>width$}", cell(m[(r, c)])));
                }
                s.push('\n');
            }
            s.into_bytes()
        }
    })
}

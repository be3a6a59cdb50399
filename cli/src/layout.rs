//! `optc layout`: the routed chip layout of a netlist (spec/layout.md). The
//! plan is made here; gdsfactory draws it in the pinned Python environment
//! (tests/interop/venv.sh makes it), through the builder embedded in optc.

use super::CliError;
use clap::Args;
use optc_draw::chip_layout::{self, plan::micron, Plan, GDS_BUILDER};
use optc_sim::programmed::{self, Programmed};
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Args)]
pub struct LayoutArgs {
    /// The netlist (NAME.netlist.yaml).
    pub netlist: PathBuf,
    /// The phase file [default: NAME.phases.yaml next to the netlist].
    #[arg(long, value_name = "FILE")]
    pub phases: Option<PathBuf>,
    /// The GDS file to write; the pad table (.pads.csv), the plan
    /// (.layout.json) and the layout report (.layout.yaml) go beside it.
    #[arg(short = 'o', long = "out", value_name = "FILE.gds")]
    pub out: PathBuf,
    /// Heater DAC resolution for the pad table's codes [default: the phase
    /// file's `phase_bits`, else 12].
    #[arg(long, value_name = "BITS", value_parser = clap::value_parser!(u32).range(1..=24))]
    pub dac_bits: Option<u32>,
    /// The Python with gdsfactory 9.45 [default: $OPTC_LAYOUT_PYTHON, else
    /// python3]; `tests/interop/venv.sh` prints the pinned venv.
    #[arg(long, value_name = "PYTHON")]
    pub python: Option<PathBuf>,
    /// Plan, check and write the plan, pad table and report only (no
    /// Python, no GDS).
    #[arg(long)]
    pub plan_only: bool,
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".gds").unwrap_or(&name);
    out.with_file_name(format!("{stem}{suffix}"))
}

pub fn run(args: LayoutArgs) -> Result<(), CliError> {
    if args.out.extension().and_then(|e| e.to_str()) != Some("gds") {
        return Err(CliError::Input(format!(
            "`-o {}`: the layout is written as NAME.gds",
            args.out.display()
        )));
    }
    let Programmed {
        circuit,
        settings,
        phases,
        ..
    } = programmed::load(&args.netlist, args.phases.as_deref())?;
    let bits = args.dac_bits.or(phases.phase_bits).unwrap_or(12);
    let plan =
        chip_layout::plan(&circuit, &settings, bits).map_err(|e| CliError::Input(e.to_string()))?;
    let plan_path = sibling(&args.out, ".layout.json");
    let pads_path = sibling(&args.out, ".pads.csv");
    let report_path = sibling(&args.out, ".layout.yaml");
    if args.plan_only {
        write_side_files(&plan, bits, None, [&plan_path, &pads_path, &report_path])?;
    } else {
        // The GDS is renamed into place last, after the files beside it.
        build(&args, &plan, |built| {
            write_side_files(
                &plan,
                bits,
                Some(built),
                [&plan_path, &pads_path, &report_path],
            )
        })?;
        println!("wrote {}", args.out.display());
    }
    for p in [&pads_path, &plan_path, &report_path] {
        println!("wrote {}", p.display());
    }
    let f = plan.figures();
    println!(
        "chip {} × {} mm, {} instances, {} heater pads + {} ground pads, {} crossings, routed waveguide {} mm",
        micron(f.width / 1000),
        micron(f.height / 1000),
        f.instances,
        f.heater_pads,
        f.ground_pads,
        f.crossings,
        micron(f.route_length / 1000)
    );
    Ok(())
}

fn write_side_files(
    plan: &Plan,
    bits: u32,
    built: Option<&str>,
    [plan_path, pads_path, report_path]: [&PathBuf; 3],
) -> Result<(), CliError> {
    super::render::write(plan_path, &plan.to_json())?;
    super::render::write(pads_path, &plan.pad_table())?;
    super::render::write(report_path, &report(plan, bits, built))
}

/// Runs the builder on the plan; `then` gets its report lines (YAML)
/// before the GDS is moved to `args.out`.
fn build(
    args: &LayoutArgs,
    plan: &Plan,
    then: impl FnOnce(&str) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let python = args
        .python
        .clone()
        .or_else(|| std::env::var_os("OPTC_LAYOUT_PYTHON").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("python3"));
    let dir = tempdir(&args.out)?;
    let result = (|| {
        let script = dir.join("gds_build.py");
        let plan_file = dir.join("plan.json");
        let gds = dir.join("out.gds");
        let io = |e: std::io::Error| {
            CliError::Input(format!("cannot write in `{}`: {e}", dir.display()))
        };
        std::fs::write(&script, GDS_BUILDER).map_err(io)?;
        std::fs::write(&plan_file, plan.to_json()).map_err(io)?;
        let out = Command::new(&python)
            .arg(&script)
            .arg(&plan_file)
            .arg(&gds)
            .output()
            .map_err(|e| {
                CliError::Input(format!(
                    "cannot run `{}` ({e}); give the Python with gdsfactory 9.45 by --python or \
                     OPTC_LAYOUT_PYTHON (tests/interop/venv.sh prints the pinned venv)",
                    python.display()
                ))
            })?;
        if !out.status.success() {
            return Err(CliError::Input(format!(
                "the gdsfactory builder failed ({}):\n{}",
                python.display(),
                String::from_utf8_lossy(&out.stderr).trim_end()
            )));
        }
        then(&String::from_utf8_lossy(&out.stdout))?;
        std::fs::rename(&gds, &args.out)
            .map_err(|e| CliError::Input(format!("cannot write `{}`: {e}", args.out.display())))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A fresh directory beside `out` (so the GDS is renamed into place).
fn tempdir(out: &Path) -> Result<PathBuf, CliError> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = parent.join(format!(".optc-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::Input(format!("cannot create `{}`: {e}", dir.display())))?;
    Ok(dir)
}

fn report(plan: &Plan, bits: u32, built: Option<&str>) -> String {
    let f = plan.figures();
    let mut s = format!(
        "# optc layout report (spec/layout.md)\nname: {}\nplan:\n  chip_width_um: {}\n  chip_height_um: {}\n  instances: {}\n  routes: {}\n  routed_length_um: {}\n  heater_pads: {}\n  ground_pads: {}\n  crossings: {}\n  dac_bits: {bits}\n",
        plan.name,
        micron(f.width),
        micron(f.height),
        f.instances,
        plan.routes.len(),
        micron(f.route_length),
        f.heater_pads,
        f.ground_pads,
        f.crossings,
    );
    if let Some(b) = built {
        s.push_str("built:\n");
        // Only the builder's own `key: value` lines (a library may print too).
        let ours = |l: &&str| {
            l.split_once(": ").is_some_and(|(k, _)| {
                !k.is_empty() && k.bytes().all(|c| c.is_ascii_lowercase() || c == b'_')
            })
        };
        for line in b.lines().filter(ours) {
            s.push_str("  ");
            s.push_str(line);
            s.push('\n');
        }
    }
    s
}

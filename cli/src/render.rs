//! `optc render`: a netlist (and optionally its phase file) drawn as SVG;
//! also the drawings `optc compile --svg` writes.

use super::CliError;
use clap::Args;
use optc::emit::Report;
use optc_draw::render::{render_svg, summary_svg, Summary, SummaryTable};
use optc_formats::netlist::{Circuit, Netlist};
use optc_sim::programmed;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The netlist (NAME.netlist.yaml).
    pub netlist: PathBuf,
    /// A phase file: colour each MZI by θ and show the settings on hover.
    #[arg(long, value_name = "FILE")]
    pub phases: Option<PathBuf>,
    /// The SVG file to write.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(args: RenderArgs) -> Result<(), CliError> {
    let svg = render_file(&args.netlist, args.phases.as_deref())?;
    write(&args.out, &svg)?;
    println!("wrote {}", args.out.display());
    Ok(())
}

/// The drawing of a netlist file, with its phase file if given.
pub fn render_file(netlist_path: &Path, phases: Option<&Path>) -> Result<String, CliError> {
    let input_err = |e: optc_formats::netlist::FormatError| CliError::Input(e.to_string());
    match phases {
        Some(p) => {
            let prog = programmed::load(netlist_path, Some(p))?;
            Ok(render_svg(
                &prog.netlist,
                &prog.circuit,
                Some(&prog.settings),
            ))
        }
        None => {
            let (netlist, circuit) = Netlist::load(netlist_path).map_err(input_err)?;
            Ok(render_svg(&netlist, &circuit, None))
        }
    }
}

pub fn write(path: &Path, text: &str) -> Result<(), CliError> {
    optc_formats::fsio::write_atomic(path, text.as_bytes())
        .map_err(|e| CliError::Input(format!("cannot write `{}`: {e}", path.display())))
}

/// `dir/NAME.netlist.yaml` → `dir/NAME{suffix}`.
pub fn beside(netlist: &Path, suffix: &str) -> PathBuf {
    let phases = programmed::default_phases_path(netlist);
    let name = phases
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".phases.yaml").unwrap_or(&name);
    netlist.with_file_name(format!("{stem}{suffix}"))
}

/// For `optc compile --svg`: `NAME.svg` beside the netlist (with phases),
/// and for a reducer `NAME.report.svg`. Returns the paths written.
pub fn compile_drawings(
    netlist_path: &Path,
    phases_path: &Path,
    report: &Report,
) -> Result<Vec<PathBuf>, CliError> {
    let prog = programmed::load(netlist_path, Some(phases_path))?;
    let svg_path = beside(netlist_path, ".svg");
    write(
        &svg_path,
        &render_svg(&prog.netlist, &prog.circuit, Some(&prog.settings)),
    )?;
    let mut written = vec![svg_path];
    if report.reducer.is_some() {
        let path = beside(netlist_path, ".report.svg");
        write(&path, &summary_svg(&report_summary(report, &prog.circuit)))?;
        written.push(path);
    }
    Ok(written)
}

/// The stage an instance belongs to: its name up to the first `_`
/// (`layer1_mzi_c00_m00` → `layer1`), as the emitter names them; an `svd`
/// layer's V† mesh (`layer1_v_mzi_…`) is a stage of its own (`layer1_v`).
fn stage(name: &str) -> &str {
    let first = name.split('_').next().unwrap_or(name);
    if name[first.len()..].starts_with("_v_") {
        &name[..first.len() + 2]
    } else {
        first
    }
}

/// The reducer report's figures as tables: components per stage, the
/// saving against full SVD, exact-match rates (read from the report).
pub fn report_summary(report: &Report, circuit: &Circuit) -> Summary {
    // Stages in propagation order of their first instance.
    let mut stages: Vec<String> = Vec::new();
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for &i in &circuit.order {
        let node = &circuit.nodes[i];
        let s = stage(&node.name).to_string();
        if !stages.contains(&s) {
            stages.push(s.clone());
        }
        *counts.entry((s, node.kind.name().to_string())).or_default() += 1;
    }
    let kinds: Vec<String> = report.components.keys().cloned().collect();
    let mut columns = vec!["stage".to_string()];
    columns.extend(kinds.iter().cloned());
    let mut rows: Vec<Vec<String>> = stages
        .iter()
        .map(|s| {
            let mut row = vec![s.clone()];
            for k in &kinds {
                let c = counts.get(&(s.clone(), k.clone())).copied().unwrap_or(0);
                row.push(if c == 0 { "·".into() } else { c.to_string() });
            }
            row
        })
        .collect();
    let mut total = vec!["total (report)".to_string()];
    total.extend(kinds.iter().map(|k| report.components[k].to_string()));
    rows.push(total);
    let n_rows = rows.len();
    let components = SummaryTable {
        heading: "Components per stage".into(),
        columns,
        rows,
        bars: vec![None; n_rows],
    };
    let mut tables = vec![components];
    if let Some(r) = &report.reducer {
        tables.push(SummaryTable {
            heading: "MZIs against full SVD".into(),
            columns: vec!["".into(), "MZIs".into()],
            rows: vec![
                vec!["MZIs in the netlist".into(), report.mzi_count.to_string()],
                vec![
                    "full SVD of the ONN layers".into(),
                    r.mzi_count_full_svd.to_string(),
                ],
                vec!["saving".into(), format!("{:.1} %", 100.0 * r.saving)],
            ],
            bars: vec![None, None, Some(r.saving)],
        });
        let d = &r.exact_match_rate_device;
        let c = &r.exact_match_rate_device_calibrated;
        tables.push(SummaryTable {
            heading: format!(
                "Exact-match rate ({} servers × {} bits, {})",
                r.servers, r.bits, r.realization
            ),
            columns: vec!["".into(), "rate".into(), "coverage".into()],
            rows: vec![
                vec![
                    "ideal device".into(),
                    format!("{:.4}", r.exact_match_rate),
                    r.coverage.clone(),
                ],
                vec![
                    format!("device mean ({} instances)", d.instances),
                    format!("{:.4}", d.mean),
                    d.coverage.clone(),
                ],
                vec![
                    "device worst".into(),
                    format!("{:.4}", d.worst),
                    d.coverage.clone(),
                ],
                vec![
                    "device mean, calibrated".into(),
                    format!("{:.4}", c.mean),
                    c.coverage.clone(),
                ],
                vec![
                    "device worst, calibrated".into(),
                    format!("{:.4}", c.worst),
                    c.coverage.clone(),
                ],
            ],
            bars: vec![
                Some(r.exact_match_rate),
                Some(d.mean),
                Some(d.worst),
                Some(c.mean),
                Some(c.worst),
            ],
        });
    }
    Summary {
        title: format!("{} — reducer report ({})", report.name, report.device),
        tables,
    }
}

#[cfg(test)]
mod tests {
    use super::stage;

    #[test]
    fn instances_group_by_their_emitted_stage() {
        assert_eq!(stage("layer1_mzi_c00_m00"), "layer1");
        assert_eq!(stage("layer1_att_m08"), "layer1");
        assert_eq!(stage("layer2_v_mzi_c03_m10"), "layer2_v");
        assert_eq!(stage("layer2_v_out_ps_m10"), "layer2_v");
        assert_eq!(stage("average"), "average");
        assert_eq!(stage("eo_m12"), "eo");
    }
}

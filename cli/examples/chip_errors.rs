//! The error figure of spec/chip.md: max |U_chip − U| of Clements meshes of
//! each MZI cell design on chips with coupler errors σ (independent, and
//! correlated within a cell), programmed with the ideal settings and with
//! error-aware settings (`optc_sim::program_chip`), median over chips.
//!
//!     cargo run --release -p optc-cli --example chip_errors -- OUT_DIR
//!
//! writes OUT_DIR/chip_errors.csv and OUT_DIR/chip_errors.svg.

use optc::factor::decompose;
use optc::factor::random::haar_unitary;
use optc_formats::builder::NetlistBuilder;
use optc_formats::netlist::Circuit;
use optc_model::mesh::MeshDesign;
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::program_chip;
use plotters::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::fmt::Write;

const SIGMAS: [f64; 7] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1];
const SIZES: [usize; 2] = [16, 64];
const CHIPS: u64 = 5;
/// (mesh, couplers of one cell equal): independent errors for every cell
/// design, correlated ones (κ₂ = κ₁, the wafer- or wavelength-wide kind)
/// for the standard and the crossing cell.
const CONFIGS: [(&str, bool); 5] = [
    ("clements", false),
    ("clements3", false),
    ("clements_crossing", false),
    ("clements", true),
    ("clements_crossing", true),
];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

type Line = (String, Vec<(f64, f64)>);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: chip_errors OUT_DIR")?,
    );
    let mut csv = String::from(
        "modes,sigma,chips,mesh,coupler_errors,ideal_max_err,local_max_err,aware_max_err,out_of_reach_mzis,local_missed_cells\n",
    );
    let mut panels: Vec<(usize, Vec<Line>)> = Vec::new();
    for n in SIZES {
        let mut lines: Vec<Line> = Vec::new();
        for (k, &(mesh, correlated)) in CONFIGS.iter().enumerate() {
            let design = MeshDesign::parse(mesh).ok_or("unknown mesh")?;
            let (mut ideal_line, mut aware_line) = (Vec::new(), Vec::new());
            for sigma in SIGMAS {
                let (mut ideal, mut local, mut aware, mut reach) =
                    (Vec::new(), Vec::new(), Vec::new(), 0usize);
                let mut missed = 0usize;
                for chip in 0..CHIPS {
                    let mut rng = ChaCha8Rng::seed_from_u64(1000 * n as u64 + chip);
                    let target = haar_unitary(n, &mut rng);
                    let mut b = NetlistBuilder::new("mesh", n);
                    b.add_mesh(&decompose(&target, design), 0, "");
                    let (netlist, phases) = b.build()?;
                    let circuit = Circuit::new(&netlist, "m.netlist.yaml", &netlist.to_yaml())?;
                    let settings = phases.resolve(&circuit, "m.phases.yaml", &phases.to_yaml())?;
                    let params = DeviceParams {
                        coupler_error: sigma,
                        ..DeviceParams::IDEAL
                    };
                    let mut device = DeviceInstance::sample(&params, &circuit, chip);
                    if correlated {
                        // Every coupler of a cell as its first one.
                        let mut file = device.chip_file(&circuit);
                        for m in file.mzi.values_mut() {
                            let k0 = m.kappa[0];
                            m.kappa.iter_mut().for_each(|k| *k = k0);
                        }
                        device = DeviceInstance::measured(&params, &circuit, chip, &file, "chip")?;
                    }
                    let p = program_chip::program(&circuit, &settings, &device, &target);
                    ideal.push(p.ideal_error);
                    local.push(p.local_error);
                    aware.push(p.error);
                    reach += p.out_of_reach.len();
                    missed += p.local_missed.len();
                }
                let (i, l, a) = (median(ideal), median(local), median(aware));
                let errors = if correlated {
                    "correlated"
                } else {
                    "independent"
                };
                writeln!(
                    csv,
                    "{n},{sigma},{CHIPS},{mesh},{errors},{i:.3e},{l:.3e},{a:.3e},{reach},{missed}"
                )?;
                eprintln!(
                    "N = {n}, {mesh} ({errors}), σ = {sigma}: ideal {i:.3e}, local {l:.3e}, \
                     error-aware {a:.3e}, {reach} cells out of reach, {missed} missed locally"
                );
                ideal_line.push((sigma, i.max(1e-16)));
                aware_line.push((sigma, a.max(1e-16)));
            }
            let what = if correlated { ", correlated" } else { "" };
            if k == 0 {
                lines.push((format!("{mesh}, ideal settings"), ideal_line));
            }
            lines.push((format!("{mesh}{what}, error-aware"), aware_line));
        }
        panels.push((n, lines));
    }
    std::fs::write(out.join("chip_errors.csv"), &csv)?;
    let path = out.join("chip_errors.svg");
    {
        let root = SVGBackend::new(&path, (1180, 500)).into_drawing_area();
        root.fill(&WHITE)?;
        let halves = root.split_evenly((1, 2));
        let colors = [
            RGBColor(120, 120, 120),
            RGBColor(31, 119, 180),
            RGBColor(44, 160, 44),
            RGBColor(214, 39, 40),
            RGBColor(148, 103, 189),
            RGBColor(255, 127, 14),
        ];
        for ((n, lines), area) in panels.iter().zip(halves.iter()) {
            let mut chart = ChartBuilder::on(area)
                .margin(14)
                .caption(
                    format!("N = {n}: Clements meshes, coupler errors σ (median of {CHIPS} chips)"),
                    ("sans-serif", 15),
                )
                .x_label_area_size(40)
                .y_label_area_size(64)
                .build_cartesian_2d(
                    (0.0008f64..0.12f64).log_scale(),
                    (1e-16f64..1.0f64).log_scale(),
                )?;
            chart
                .configure_mesh()
                .x_desc("coupler error σ (power cross ratio)")
                .y_desc("max |U_chip − U|")
                .draw()?;
            for (k, (name, pts)) in lines.iter().enumerate() {
                let color = colors[k % colors.len()];
                let style = if k == 0 {
                    color.stroke_width(1)
                } else {
                    color.stroke_width(2)
                };
                chart
                    .draw_series(LineSeries::new(pts.clone(), style))?
                    .label(name.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
                chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .label_font(("sans-serif", 12))
                .draw()?;
        }
        root.present()?;
    }
    eprintln!(
        "wrote {} and {}",
        out.join("chip_errors.csv").display(),
        path.display()
    );
    Ok(())
}

//! The error figure of spec/chip.md: max |U_chip − U| of Clements meshes on
//! chips with coupler errors σ, programmed with the ideal settings and
//! with error-aware settings (`optc_sim::program_chip`), median over chips.
//!
//!     cargo run --release -p optc-cli --example chip_errors -- OUT_DIR
//!
//! writes OUT_DIR/chip_errors.csv and OUT_DIR/chip_errors.svg.

use optc::factor::clements;
use optc::factor::random::haar_unitary;
use optc_formats::builder::NetlistBuilder;
use optc_formats::netlist::Circuit;
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::program_chip;
use plotters::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::fmt::Write;

const SIGMAS: [f64; 7] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1];
const SIZES: [usize; 2] = [8, 16];
const CHIPS: u64 = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: chip_errors OUT_DIR")?,
    );
    let mut csv = String::from("modes,sigma,chips,ideal_max_err,aware_max_err,out_of_reach_mzis\n");
    let mut lines: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for n in SIZES {
        let (mut ideal_line, mut aware_line) = (Vec::new(), Vec::new());
        for sigma in SIGMAS {
            let (mut ideal, mut aware, mut reach) = (Vec::new(), Vec::new(), 0usize);
            for chip in 0..CHIPS {
                let mut rng = ChaCha8Rng::seed_from_u64(1000 * n as u64 + chip);
                let target = haar_unitary(n, &mut rng);
                let mut b = NetlistBuilder::new("mesh", n);
                b.add_mesh(&clements(&target), 0, "");
                let (netlist, phases) = b.build()?;
                let circuit = Circuit::new(&netlist, "m.netlist.yaml", &netlist.to_yaml())?;
                let settings = phases.resolve(&circuit, "m.phases.yaml", &phases.to_yaml())?;
                let params = DeviceParams {
                    coupler_error: sigma,
                    ..DeviceParams::IDEAL
                };
                let device = DeviceInstance::sample(&params, &circuit, chip);
                let p = program_chip::program(&circuit, &settings, &device, &target);
                ideal.push(p.ideal_error);
                aware.push(p.error);
                reach += p.out_of_reach.len();
            }
            let (i, a) = (median(ideal), median(aware));
            writeln!(csv, "{n},{sigma},{CHIPS},{i:.3e},{a:.3e},{reach}")?;
            eprintln!("N = {n}, σ = {sigma}: ideal {i:.3e}, error-aware {a:.3e}, {reach} MZIs out of reach");
            ideal_line.push((sigma, i));
            aware_line.push((sigma, a.max(1e-16)));
        }
        lines.push((format!("N = {n}, ideal settings"), ideal_line));
        lines.push((format!("N = {n}, error-aware"), aware_line));
    }
    std::fs::write(out.join("chip_errors.csv"), &csv)?;
    let path = out.join("chip_errors.svg");
    {
        let root = SVGBackend::new(&path, (720, 480)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .caption(
                "Clements mesh on a chip with coupler errors σ (median of 5 chips)",
                ("sans-serif", 16),
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
        let colors = [
            RGBColor(31, 119, 180),
            RGBColor(31, 119, 180),
            RGBColor(214, 39, 40),
            RGBColor(214, 39, 40),
        ];
        for (k, (name, pts)) in lines.iter().enumerate() {
            let color = colors[k];
            let style = if k % 2 == 0 {
                color.stroke_width(2)
            } else {
                color.stroke_width(1)
            };
            chart
                .draw_series(LineSeries::new(pts.clone(), style))?
                .label(name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
    }
    eprintln!(
        "wrote {} and {}",
        out.join("chip_errors.csv").display(),
        path.display()
    );
    Ok(())
}

//! curves.svg: training loss and test accuracy against the step, one line
//! per reducer (plotters, SVG backend only).

use super::error::TrainError;
use super::metrics::Row;
use plotters::prelude::*;

const COLORS: [RGBColor; 4] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
];

/// (label, y maximum, value of a row) of one panel.
type Panel = (&'static str, f64, fn(&Row) -> f64);

fn perr(e: impl std::fmt::Display) -> TrainError {
    TrainError::Plot(e.to_string())
}

/// The SVG text of both panels.
pub fn curves_svg(rows: &[Row], title: &str) -> Result<String, TrainError> {
    let mut names: Vec<&str> = Vec::new();
    for r in rows {
        if !names.contains(&r.reducer.as_str()) {
            names.push(&r.reducer);
        }
    }
    let max_step = rows.iter().map(|r| r.step).max().unwrap_or(0).max(1) as f64;
    let max_loss = rows
        .iter()
        .map(|r| r.train_loss)
        .filter(|l| l.is_finite())
        .fold(0.0f64, f64::max)
        .max(1e-3)
        * 1.05;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1000, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(perr)?;
        let root = root.titled(title, ("sans-serif", 18)).map_err(perr)?;
        let panels = root.split_evenly((1, 2));
        let specs: [Panel; 2] = [
            ("training loss", max_loss, |r| r.train_loss),
            ("test accuracy", 1.0, |r| r.test_accuracy),
        ];
        for (area, (label, ymax, value)) in panels.iter().zip(specs) {
            let mut chart = ChartBuilder::on(area)
                .margin(12)
                .x_label_area_size(36)
                .y_label_area_size(48)
                .caption(label, ("sans-serif", 15))
                .build_cartesian_2d(0f64..max_step, 0f64..ymax)
                .map_err(perr)?;
            chart
                .configure_mesh()
                .x_desc("step")
                .y_desc(label)
                .draw()
                .map_err(perr)?;
            for (k, name) in names.iter().enumerate() {
                let color = COLORS[k % COLORS.len()];
                let pts: Vec<(f64, f64)> = rows
                    .iter()
                    .filter(|r| r.reducer == *name)
                    .map(|r| (r.step as f64, value(r)))
                    .collect();
                chart
                    .draw_series(LineSeries::new(pts, color.stroke_width(2)))
                    .map_err(perr)?
                    .label(*name)
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                    });
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()
                .map_err(perr)?;
        }
        root.present().map_err(perr)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_every_reducer() -> Result<(), TrainError> {
        let rows: Vec<Row> = ["ring", "optical"]
            .iter()
            .flat_map(|n| {
                (0..3).map(move |s| Row {
                    reducer: (*n).into(),
                    step: s * 10,
                    epoch: s,
                    train_loss: 2.0 / (s as f64 + 1.0),
                    test_accuracy: 0.3 * s as f64,
                    modeled_comm_s: 0.0,
                    compute_s: 0.0,
                })
            })
            .collect();
        let svg = curves_svg(&rows, "t")?;
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(">\nring\n<") && svg.contains(">\noptical\n<"));
        assert!(svg.matches("<polyline").count() >= 4);
        Ok(())
    }
}

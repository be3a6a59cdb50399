//! curves.svg: training loss and the test metric (accuracy, or perplexity
//! on a log axis) against the step, one line per reducer (plotters, SVG
//! backend only).

use super::error::TrainError;
use super::metrics::Row;
use super::workload::Metric;
use plotters::coord::Shift;
use plotters::prelude::*;

pub(crate) const COLORS: [RGBColor; 4] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
];

/// The (label, value) of one panel's line per reducer.
type Lines<'a> = Vec<(&'a str, Vec<(f64, f64)>)>;

pub(crate) fn perr(e: impl std::fmt::Display) -> TrainError {
    TrainError::Plot(e.to_string())
}

fn draw_panel<Y>(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    label: &str,
    x: std::ops::Range<f64>,
    y: Y,
    lines: &Lines<'_>,
) -> Result<(), TrainError>
where
    Y: plotters::coord::ranged1d::AsRangedCoord<Value = f64>,
    Y::CoordDescType: plotters::coord::ranged1d::ValueFormatter<f64>,
{
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .caption(label, ("sans-serif", 15))
        .build_cartesian_2d(x, y)
        .map_err(perr)?;
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc(label)
        .draw()
        .map_err(perr)?;
    for (k, (name, pts)) in lines.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        chart
            .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
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
    Ok(())
}

/// The SVG text of both panels.
pub fn curves_svg(rows: &[Row], title: &str, metric: Metric) -> Result<String, TrainError> {
    let mut names: Vec<&str> = Vec::new();
    for r in rows {
        if !names.contains(&r.reducer.as_str()) {
            names.push(&r.reducer);
        }
    }
    let lines = |value: fn(&Row) -> f64| -> Lines<'_> {
        names
            .iter()
            .map(|name| {
                let pts = rows
                    .iter()
                    .filter(|r| r.reducer == *name && value(r).is_finite())
                    .map(|r| (r.step as f64, value(r)))
                    .collect();
                (*name, pts)
            })
            .collect()
    };
    let max_step = rows.iter().map(|r| r.step).max().unwrap_or(0).max(1) as f64;
    let finite = |f: fn(&Row) -> f64| rows.iter().map(f).filter(|v| v.is_finite());
    let max_loss = finite(|r| r.train_loss).fold(0.0f64, f64::max).max(1e-3) * 1.05;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1000, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(perr)?;
        let root = root.titled(title, ("sans-serif", 18)).map_err(perr)?;
        let panels = root.split_evenly((1, 2));
        let x = 0f64..max_step;
        draw_panel(
            &panels[0],
            "training loss",
            x.clone(),
            0f64..max_loss,
            &lines(|r| r.train_loss),
        )?;
        match metric {
            Metric::Accuracy => draw_panel(
                &panels[1],
                "test accuracy",
                x,
                0f64..1.0,
                &lines(|r| r.test_metric),
            )?,
            Metric::Perplexity => {
                let m = || finite(|r| r.test_metric).filter(|v| *v > 0.0);
                let hi = m().fold(1.0f64, f64::max) * 1.2;
                let lo = m().fold(hi, f64::min) / 1.2;
                draw_panel(
                    &panels[1],
                    "test perplexity (log)",
                    x,
                    (lo..hi).log_scale(),
                    &lines(|r| r.test_metric),
                )?
            }
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
                    test_metric: 0.3 * s as f64 + 0.1,
                    modeled_comm_s: 0.0,
                    compute_s: 0.0,
                })
            })
            .collect();
        for metric in [Metric::Accuracy, Metric::Perplexity] {
            let svg = curves_svg(&rows, "t", metric)?;
            assert!(svg.starts_with("<svg"));
            assert!(svg.contains(">\nring\n<") && svg.contains(">\noptical\n<"));
            assert!(svg.matches("<polyline").count() >= 4);
            assert_eq!(svg.contains("perplexity"), metric == Metric::Perplexity);
        }
        Ok(())
    }
}

//! projection.svg: each scheme's step time normalized to ring's against
//! the parameter count (log axis), one panel per server count.

use super::projection::Point;
use super::schemes::Scheme;
use crate::error::TrainError;
use crate::plot::{perr, COLORS};
use plotters::prelude::*;

/// Server counts drawn, one panel each.
pub const PANELS: [usize; 3] = [4, 64, 1024];

pub fn projection_svg(points: &[Point], title: &str) -> Result<String, TrainError> {
    let (lo, hi) = points.iter().fold((f64::INFINITY, 0f64), |(lo, hi), p| {
        (lo.min(p.params), hi.max(p.params))
    });
    if !(lo.is_finite() && hi > lo) {
        return Err(TrainError::Plot(
            "the projection has no range of parameters".into(),
        ));
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1200, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(perr)?;
        let root = root.titled(title, ("sans-serif", 18)).map_err(perr)?;
        let panels = root.split_evenly((1, PANELS.len()));
        for (area, &servers) in panels.iter().zip(&PANELS) {
            let mut chart = ChartBuilder::on(area)
                .margin(12)
                .x_label_area_size(36)
                .y_label_area_size(48)
                .caption(format!("{servers} servers"), ("sans-serif", 15))
                .build_cartesian_2d((lo..hi).log_scale(), 0f64..1.2)
                .map_err(perr)?;
            chart
                .configure_mesh()
                .x_desc("parameters")
                .y_desc("step time / ring's")
                .x_label_formatter(&|v| format!("{:.1}B", v / 1e9))
                .draw()
                .map_err(perr)?;
            for (k, scheme) in Scheme::ALL.iter().enumerate() {
                let color = COLORS[k % COLORS.len()];
                let pts: Vec<(f64, f64)> = points
                    .iter()
                    .filter(|p| p.servers == servers)
                    .map(|p| {
                        (
                            p.params,
                            p.evaluation.get(*scheme).normalized_latency.min(1.2),
                        )
                    })
                    .collect();
                chart
                    .draw_series(LineSeries::new(pts, color.stroke_width(2)))
                    .map_err(perr)?
                    .label(scheme.name())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                    });
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerLeft)
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()
                .map_err(perr)?;
        }
        root.present().map_err(perr)?;
    }
    Ok(svg)
}

//! The legend under the circuit: one sample symbol per kind present, and
//! the θ colour bar when the drawing has phases.

use super::colormap::viridis;
use super::layout::{Rect, CELL_W, ROW_PITCH};
use super::svg::{num, Svg};
use super::symbols::{self, describe, Geom, Values};
use optc_formats::netlist::Kind;

const ENTRY_W: f64 = 230.0;
const ENTRY_H: f64 = 2.0 * ROW_PITCH + 6.0;
const LEFT: f64 = 16.0;
const HEAD: f64 = 22.0;
const BAR_H: f64 = 46.0;
/// Right end of the colour bar's caption.
const BAR_CAPTION_END: f64 = 640.0;

pub struct Legend {
    kinds: Vec<Kind>,
    columns: usize,
    colour_bar: bool,
    pub width: f64,
    pub height: f64,
}

impl Legend {
    /// Lays the entries out in as many columns as `width` allows (≥ 2).
    pub fn new(kinds: &[Kind], colour_bar: bool, width: f64) -> Legend {
        let columns = (((width - 2.0 * LEFT) / ENTRY_W).floor() as usize).max(2);
        let rows = kinds.len().div_ceil(columns).max(1);
        Legend {
            kinds: kinds.to_vec(),
            columns,
            colour_bar,
            width: (2.0 * LEFT + ENTRY_W * columns.min(kinds.len().max(2)) as f64)
                .max(if colour_bar { BAR_CAPTION_END } else { 0.0 }),
            height: HEAD + ENTRY_H * rows as f64 + if colour_bar { BAR_H } else { 8.0 },
        }
    }

    pub fn draw(&self, svg: &mut Svg, top: f64) {
        svg.open("g", &[("class", "legend".into())]);
        svg.el(
            "line",
            &[
                ("x1", num(LEFT)),
                ("y1", num(top + 4.0)),
                ("x2", num(LEFT + ENTRY_W * self.columns as f64)),
                ("y2", num(top + 4.0)),
                ("stroke", "#ccd".into()),
            ],
        );
        svg.text(
            &[
                ("x", num(LEFT)),
                ("y", num(top + 17.0)),
                ("font-size", "10".into()),
                ("font-weight", "bold".into()),
                ("fill", "#333".into()),
            ],
            "Legend (hover an instance for its name and settings)",
        );
        for (i, kind) in self.kinds.iter().enumerate() {
            let x = LEFT + ENTRY_W * (i % self.columns) as f64;
            let y = top + HEAD + ENTRY_H * (i / self.columns) as f64;
            let (y0, y1) = (y + ROW_PITCH / 2.0, y + 1.5 * ROW_PITCH);
            let two_rows = matches!(kind, Kind::Mzi(_) | Kind::Coupler);
            let (ins, outs) = match kind {
                Kind::Mzi(_) | Kind::Coupler => (vec![y0, y1], vec![y0, y1]),
                Kind::Splitter => (vec![y0], vec![y0, y1]),
                Kind::Combiner => (vec![y0, y1], vec![y0]),
                Kind::Source => (vec![], vec![y0]),
                Kind::Terminator => (vec![y0], vec![]),
                _ => (vec![y0], vec![y0]),
            };
            let rows = if two_rows || matches!(kind, Kind::Splitter | Kind::Combiner) {
                2.0
            } else {
                1.0
            };
            let geom = Geom {
                rect: Rect {
                    x: x + 5.0,
                    y: y + 3.0,
                    w: CELL_W - 10.0,
                    h: ROW_PITCH * rows - 6.0,
                },
                ins,
                outs,
            };
            let attrs: Vec<(&'static str, f64)> = match kind {
                Kind::Splitter | Kind::Combiner => vec![("k", 2.0)],
                Kind::Coupler => vec![("ratio", 0.5)],
                Kind::Amplifier => vec![("power_gain", 2.0)],
                _ => vec![],
            };
            let values = Values {
                attrs: &attrs,
                settings: None,
                label: "c,m".into(),
            };
            symbols::draw(svg, *kind, &geom, &values);
            svg.text(
                &[
                    ("x", num(x + CELL_W + 4.0)),
                    ("y", num(y0 + 1.0)),
                    ("font-size", "10".into()),
                    ("fill", "#222".into()),
                ],
                describe(*kind),
            );
            svg.text(
                &[
                    ("x", num(x + CELL_W + 4.0)),
                    ("y", num(y0 + 13.0)),
                    ("font-size", "8.5".into()),
                    ("font-family", "monospace".into()),
                    ("fill", "#777".into()),
                ],
                kind.name(),
            );
        }
        if self.colour_bar {
            let rows = self.kinds.len().div_ceil(self.columns).max(1);
            let y = top + HEAD + ENTRY_H * rows as f64 + 6.0;
            let steps = 40;
            let w = 5.0;
            for s in 0..steps {
                let t = (s as f64 + 0.5) / steps as f64;
                svg.el(
                    "rect",
                    &[
                        ("x", num(LEFT + w * s as f64)),
                        ("y", num(y)),
                        ("width", num(w + 0.2)),
                        ("height", "10".into()),
                        ("fill", viridis(t)),
                    ],
                );
            }
            let caption = |svg: &mut Svg, x: f64, anchor: &str, text: &str| {
                svg.text(
                    &[
                        ("x", num(x)),
                        ("y", num(y + 22.0)),
                        ("font-size", "9".into()),
                        ("text-anchor", anchor.into()),
                        ("fill", "#333".into()),
                    ],
                    text,
                );
            };
            caption(svg, LEFT, "start", "0: θ=0 cross");
            caption(svg, LEFT + w * steps as f64, "end", "1: θ=π bar");
            svg.text(
                &[
                    ("x", num(LEFT + w * steps as f64 + 12.0)),
                    ("y", num(y + 9.0)),
                    ("font-size", "10".into()),
                    ("fill", "#222".into()),
                ],
                "MZI fill: bar-port power sin²(θ/2) (viridis); label: θ in units of π",
            );
        }
        svg.close("g");
    }
}

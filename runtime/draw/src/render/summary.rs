//! A small SVG figure of tables (the reducer report's summary): a title,
//! then tables of label/value rows, with optional 0..1 bars for rates.

use super::svg::{num, Svg};

/// One table: a heading, column headers and rows of cells.
#[derive(Debug, Clone, Default)]
pub struct SummaryTable {
    pub heading: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Per row, a fraction in [0, 1] drawn as a bar after the cells.
    pub bars: Vec<Option<f64>>,
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub title: String,
    pub tables: Vec<SummaryTable>,
}

const ROW_H: f64 = 16.0;
const COL_W: f64 = 92.0;
const FIRST_COL_W: f64 = 190.0;
const BAR_W: f64 = 160.0;

/// Draws `s` as a standalone SVG document.
pub fn summary_svg(s: &Summary) -> String {
    let mut svg = Svg::default();
    svg.title(&s.title);
    let width = s
        .tables
        .iter()
        .map(|t| {
            let cols = t.columns.len().saturating_sub(1) as f64;
            let bar = if t.bars.iter().any(Option::is_some) {
                BAR_W + 20.0
            } else {
                0.0
            };
            32.0 + FIRST_COL_W + COL_W * cols + bar
        })
        .fold(420.0, f64::max);
    let mut y = 44.0;
    for t in &s.tables {
        svg.text(
            &[
                ("x", "16".into()),
                ("y", num(y)),
                ("font-size", "12".into()),
                ("font-weight", "bold".into()),
                ("fill", "#1f3b73".into()),
            ],
            &t.heading,
        );
        y += ROW_H + 2.0;
        let x_of = |c: usize| {
            16.0 + if c == 0 {
                0.0
            } else {
                FIRST_COL_W + COL_W * (c - 1) as f64
            }
        };
        for (c, head) in t.columns.iter().enumerate() {
            svg.text(
                &[
                    ("x", num(x_of(c))),
                    ("y", num(y)),
                    ("font-size", "10".into()),
                    ("font-weight", "bold".into()),
                    ("fill", "#555".into()),
                ],
                head,
            );
        }
        for (r, row) in t.rows.iter().enumerate() {
            y += ROW_H;
            if r % 2 == 0 {
                svg.el(
                    "rect",
                    &[
                        ("x", "12".into()),
                        ("y", num(y - 11.5)),
                        ("width", num(width - 24.0)),
                        ("height", num(ROW_H)),
                        ("fill", "#f3f6fa".into()),
                    ],
                );
            }
            for (c, cell) in row.iter().enumerate() {
                svg.text(
                    &[
                        ("x", num(x_of(c))),
                        ("y", num(y)),
                        ("font-size", "10".into()),
                        ("fill", "#222".into()),
                    ],
                    cell,
                );
            }
            if let Some(Some(f)) = t.bars.get(r) {
                let x = x_of(row.len().max(1));
                let f = if f.is_finite() {
                    f.clamp(0.0, 1.0)
                } else {
                    0.0
                };
                svg.el(
                    "rect",
                    &[
                        ("x", num(x)),
                        ("y", num(y - 9.0)),
                        ("width", num(BAR_W)),
                        ("height", "9".into()),
                        ("fill", "#e5e9f0".into()),
                    ],
                );
                svg.el(
                    "rect",
                    &[
                        ("x", num(x)),
                        ("y", num(y - 9.0)),
                        ("width", num(BAR_W * f)),
                        ("height", "9".into()),
                        ("fill", "#2c718e".into()),
                    ],
                );
            }
        }
        y += ROW_H * 1.6;
    }
    let height = y;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"Helvetica, Arial, sans-serif\">\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n\
         <text x=\"16\" y=\"24\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">{t}</text>\n{}</svg>\n",
        svg.body,
        w = num(width),
        h = num(height),
        t = super::svg::escape(&s.title)
    )
}

//! How each component kind is drawn inside its box: a photonics sketch
//! (waveguides as dark lines, heaters as orange pads, couplers where two
//! waveguides run close, electrical lines dashed red).

use super::colormap::{mzi_colour, text_on};
use super::layout::Rect;
use super::svg::{num, Svg};
use optc_formats::netlist::Kind;
use optc_model::mzi::MziCell;
use std::f64::consts::PI;

pub const WAVEGUIDE: &str = "#1f3b73";
pub const ELECTRICAL: &str = "#c0392b";
const HEATER: &str = "#e6550d";

/// Where a symbol is drawn: its box and the y of each port.
pub struct Geom {
    pub rect: Rect,
    pub ins: Vec<f64>,
    pub outs: Vec<f64>,
}

impl Geom {
    fn mid_x(&self) -> f64 {
        self.rect.x + self.rect.w / 2.0
    }
    /// The y of the first port (input if any, else output).
    fn y(&self) -> f64 {
        self.ins
            .first()
            .or(self.outs.first())
            .copied()
            .unwrap_or(self.rect.y + self.rect.h / 2.0)
    }
}

/// What a symbol shows besides its shape.
pub struct Values<'a> {
    /// Fixed attributes, `(name, value)`.
    pub attrs: &'a [(&'static str, f64)],
    /// Programmable settings when a phase file is given (`[θ, φ]`, `[phase]`,
    /// `[transmission]`).
    pub settings: Option<[f64; 2]>,
    /// Short label of an MZI without phases (its column and mode).
    pub label: String,
}

fn attr(v: &Values, name: &str) -> f64 {
    v.attrs
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(f64::NAN, |(_, x)| *x)
}

/// A phase in units of π, as `0.42π`.
pub fn pi_units(phase: f64) -> String {
    format!("{:.2}π", phase / PI)
}

fn line(svg: &mut Svg, x0: f64, y0: f64, x1: f64, y1: f64, colour: &str, dashed: bool) {
    let mut a = vec![
        ("x1", num(x0)),
        ("y1", num(y0)),
        ("x2", num(x1)),
        ("y2", num(y1)),
        ("stroke", colour.to_string()),
        ("stroke-width", "1.6".to_string()),
    ];
    if dashed {
        a.push(("stroke-dasharray", "3 2".to_string()));
    }
    svg.el("line", &a);
}

fn label(svg: &mut Svg, x: f64, y: f64, size: f64, colour: &str, text: &str) {
    svg.text(
        &[
            ("x", num(x)),
            ("y", num(y)),
            ("font-size", num(size)),
            ("text-anchor", "middle".into()),
            ("fill", colour.into()),
        ],
        text,
    );
}

fn rect(svg: &mut Svg, x: f64, y: f64, w: f64, h: f64, fill: &str, extra: &[(&str, String)]) {
    let mut a = vec![
        ("x", num(x)),
        ("y", num(y)),
        ("width", num(w)),
        ("height", num(h)),
        ("fill", fill.to_string()),
    ];
    a.extend(extra.iter().cloned());
    svg.el("rect", &a);
}

/// One arm through a directional coupler region: straight at `y`, bending to
/// `yc` over `b` px before `cx − l`, back after `cx + l`.
fn coupler_arm(d: &mut String, cx: f64, y: f64, yc: f64, l: f64, b: f64) {
    d.push_str(&format!(
        " H {} C {} {}, {} {}, {} {} H {} C {} {}, {} {}, {} {}",
        num(cx - l - b),
        num(cx - l - b / 2.0),
        num(y),
        num(cx - l - b / 2.0),
        num(yc),
        num(cx - l),
        num(yc),
        num(cx + l),
        num(cx + l + b / 2.0),
        num(yc),
        num(cx + l + b / 2.0),
        num(y),
        num(cx + l + b),
        num(y),
    ));
}

fn path(svg: &mut Svg, d: String, colour: &str) {
    svg.el(
        "path",
        &[
            ("d", d),
            ("fill", "none".into()),
            ("stroke", colour.into()),
            ("stroke-width", "1.6".into()),
        ],
    );
}

/// Draws one instance of `kind`.
pub fn draw(svg: &mut Svg, kind: Kind, g: &Geom, v: &Values) {
    let r = g.rect;
    let y = g.y();
    match kind {
        Kind::Mzi(_) | Kind::Coupler => {
            let yt = g.ins.first().copied().unwrap_or(r.y);
            let yb = g.ins.get(1).copied().unwrap_or(r.y + r.h);
            let cell = kind.mzi_cell();
            // θ's colour means cross or bar only in the standard MZI.
            let (bg, ink) = match (cell, v.settings) {
                (Some(MziCell::Standard), Some([theta, _])) => (mzi_colour(theta), text_on(theta)),
                (Some(_), _) => ("#dfe7f2".to_string(), WAVEGUIDE),
                _ => ("none".to_string(), WAVEGUIDE),
            };
            if cell.is_some() {
                rect(
                    svg,
                    r.x,
                    r.y,
                    r.w,
                    r.h,
                    &bg,
                    &[
                        ("rx", "5".into()),
                        ("stroke", "#7f8c9d".into()),
                        ("stroke-width", "0.6".into()),
                    ],
                );
            }
            let ym = (yt + yb) / 2.0;
            let (l, b) = (3.5, 7.0);
            // The crossing cell's arms end early and cross over.
            let arms_end = match cell {
                Some(MziCell::Crossing) => r.x + 0.84 * r.w,
                _ => r.x + r.w,
            };
            let couplers: Vec<f64> = match cell {
                Some(MziCell::Standard) => vec![r.x + 0.34 * r.w, r.x + 0.8 * r.w],
                Some(MziCell::ThreeSplitter) => {
                    vec![r.x + 0.16 * r.w, r.x + 0.5 * r.w, r.x + 0.84 * r.w]
                }
                Some(MziCell::Crossing) => vec![r.x + 0.3 * r.w, r.x + 0.68 * r.w],
                None => vec![g.mid_x()],
            };
            for (y0, yc) in [(yt, ym - 2.2), (yb, ym + 2.2)] {
                let mut d = format!("M {} {}", num(r.x), num(y0));
                for &cx in &couplers {
                    coupler_arm(&mut d, cx, y0, yc, l, b);
                }
                d.push_str(&format!(" H {}", num(arms_end)));
                path(svg, d, ink);
            }
            if arms_end < r.x + r.w {
                for (y0, y1) in [(yt, yb), (yb, yt)] {
                    line(svg, arms_end, y0, r.x + r.w, y1, ink, false);
                }
            }
            if cell.is_some() {
                // θ between the last two couplers, φ before the one ahead of
                // them (on the input arm of a two-coupler cell).
                let n = couplers.len();
                let phi_x = if n == 3 {
                    couplers[0] + l + b + 1.0
                } else {
                    r.x + 2.0
                };
                let theta_x = couplers[n - 2] + l + b + 1.0;
                let theta_w = (couplers[n - 1] - l - b - 1.0 - theta_x).max(4.0);
                rect(svg, phi_x, yt - 2.5, 8.0, 5.0, HEATER, &[]);
                rect(svg, theta_x, yt - 2.5, theta_w, 5.0, HEATER, &[]);
                let text = match v.settings {
                    Some([theta, _]) => pi_units(theta),
                    None => v.label.clone(),
                };
                label(
                    svg,
                    (couplers[n - 2] + couplers[n - 1]) / 2.0,
                    ym + 2.6,
                    7.5,
                    ink,
                    &text,
                );
            } else {
                let ratio = attr(v, "ratio");
                label(
                    svg,
                    g.mid_x(),
                    r.y + 7.0,
                    7.0,
                    WAVEGUIDE,
                    &format!("κ={ratio:.2}"),
                );
            }
        }
        Kind::PhaseShifter => {
            line(svg, r.x, y, r.x + r.w, y, WAVEGUIDE, false);
            rect(
                svg,
                g.mid_x() - 10.0,
                y - 3.5,
                20.0,
                7.0,
                HEATER,
                &[("rx", "1".into())],
            );
            let text = v.settings.map_or("φ".to_string(), |[p, _]| pi_units(p));
            label(svg, g.mid_x(), y - 6.0, 7.0, "#7a2e00", &text);
        }
        Kind::Attenuator => {
            line(svg, r.x, y, r.x + r.w, y, WAVEGUIDE, false);
            rect(
                svg,
                g.mid_x() - 11.0,
                y - 6.0,
                22.0,
                12.0,
                "#bdbdbd",
                &[("stroke", "#525252".into()), ("stroke-width", "0.8".into())],
            );
            line(
                svg,
                g.mid_x() - 11.0,
                y + 6.0,
                g.mid_x() + 11.0,
                y - 6.0,
                "#525252",
                false,
            );
            let text = v
                .settings
                .map_or("att".to_string(), |[t, _]| format!("t={t:.2}"));
            label(svg, g.mid_x(), y - 8.0, 7.0, "#333", &text);
        }
        Kind::Amplifier => {
            line(svg, r.x, y, r.x + r.w, y, WAVEGUIDE, false);
            let (x0, x1) = (g.mid_x() - 10.0, g.mid_x() + 10.0);
            svg.el(
                "path",
                &[
                    (
                        "d",
                        format!(
                            "M {} {} L {} {} L {} {} Z",
                            num(x0),
                            num(y - 9.0),
                            num(x1),
                            num(y),
                            num(x0),
                            num(y + 9.0)
                        ),
                    ),
                    ("fill", "#d62728".into()),
                ],
            );
            label(
                svg,
                g.mid_x(),
                y - 10.0,
                7.0,
                "#8b0000",
                &format!("×{:.3}", attr(v, "power_gain")),
            );
        }
        Kind::Splitter | Kind::Combiner => {
            let (narrow, wide) = if kind == Kind::Splitter {
                (&g.ins, &g.outs)
            } else {
                (&g.outs, &g.ins)
            };
            let yn = narrow.first().copied().unwrap_or(y);
            let lo = wide.iter().copied().fold(f64::INFINITY, f64::min).min(yn);
            let hi = wide
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max)
                .max(yn);
            let (xn, xw, edge_n, edge_w) = if kind == Kind::Splitter {
                (r.x + 12.0, r.x + r.w - 12.0, r.x, r.x + r.w)
            } else {
                (r.x + r.w - 12.0, r.x + 12.0, r.x + r.w, r.x)
            };
            for &yw in wide.iter() {
                line(svg, xw, yw, edge_w, yw, WAVEGUIDE, false);
            }
            line(svg, edge_n, yn, xn, yn, WAVEGUIDE, false);
            svg.el(
                "path",
                &[
                    (
                        "d",
                        format!(
                            "M {} {} L {} {} L {} {} L {} {} Z",
                            num(xn),
                            num(yn - 4.0),
                            num(xw),
                            num(lo - 5.0),
                            num(xw),
                            num(hi + 5.0),
                            num(xn),
                            num(yn + 4.0)
                        ),
                    ),
                    ("fill", "#9ecae1".into()),
                    ("stroke", "#3182bd".into()),
                    ("stroke-width", "0.8".into()),
                ],
            );
            let k = attr(v, "k");
            let text = if kind == Kind::Splitter {
                format!("1:{k}")
            } else {
                format!("{k}:1")
            };
            label(svg, g.mid_x(), (lo + hi) / 2.0 + 3.0, 8.0, "#08306b", &text);
        }
        Kind::Source => {
            let cx = r.x + r.w - 24.0;
            line(svg, cx + 8.0, y, r.x + r.w, y, WAVEGUIDE, false);
            svg.el(
                "circle",
                &[
                    ("cx", num(cx)),
                    ("cy", num(y)),
                    ("r", "8".into()),
                    ("fill", "#ffd92f".into()),
                    ("stroke", "#b8860b".into()),
                    ("stroke-width", "1".into()),
                ],
            );
            label(svg, cx, y + 3.0, 9.0, "#5a4500", "λ");
        }
        Kind::EoActivation => {
            line(svg, r.x, y, r.x + r.w, y, WAVEGUIDE, false);
            rect(
                svg,
                g.mid_x() - 14.0,
                y - 8.0,
                28.0,
                16.0,
                "#8e44ad",
                &[("rx", "3".into())],
            );
            label(svg, g.mid_x(), y + 3.0, 8.0, "#fff", "EO σ");
        }
        Kind::Detector => {
            let x = r.x + 22.0;
            line(svg, r.x, y, x, y, WAVEGUIDE, false);
            line(svg, x + 9.0, y, r.x + r.w, y, ELECTRICAL, true);
            svg.el(
                "path",
                &[
                    (
                        "d",
                        format!(
                            "M {} {} A 9 9 0 0 1 {} {} Z",
                            num(x),
                            num(y - 9.0),
                            num(x),
                            num(y + 9.0)
                        ),
                    ),
                    ("fill", "#333".into()),
                ],
            );
            let t = attr(v, "threshold");
            if t.is_finite() {
                label(svg, x + 18.0, y - 6.0, 7.0, ELECTRICAL, &format!(">{t:.3}"));
            }
        }
        Kind::Terminator => {
            let x = r.x + 18.0;
            line(svg, r.x, y, x, y, WAVEGUIDE, false);
            svg.el(
                "path",
                &[
                    (
                        "d",
                        format!(
                            "M {} {} L {} {} L {} {} Z",
                            num(x),
                            num(y - 1.0),
                            num(x + 12.0),
                            num(y - 6.0),
                            num(x + 12.0),
                            num(y + 6.0)
                        ),
                    ),
                    ("fill", "#555".into()),
                ],
            );
            rect(svg, x + 12.0, y - 7.0, 2.5, 14.0, "#222", &[]);
        }
    }
}

/// What a kind's legend entry says.
pub fn describe(kind: Kind) -> &'static str {
    match kind {
        Kind::Mzi(MziCell::Standard) => "MZI (heaters φ, θ)",
        Kind::Mzi(MziCell::ThreeSplitter) => "3-splitter MZI (heaters φ, θ)",
        Kind::Mzi(MziCell::Crossing) => "MZI + crossing (heaters φ, θ)",
        Kind::PhaseShifter => "phase shifter",
        Kind::Attenuator => "attenuator",
        Kind::Amplifier => "amplifier",
        Kind::Coupler => "directional coupler",
        Kind::Splitter => "splitter 1:k",
        Kind::Combiner => "combiner k:1",
        Kind::Source => "bias light source",
        Kind::EoActivation => "EO activation",
        Kind::Detector => "photodetector",
        Kind::Terminator => "terminator",
    }
}

//! Drawing a netlist as SVG (spec/render.md): modes as horizontal
//! waveguides, each instance in its own box at its placement column and
//! mode, MZIs coloured by θ when a phase file is given, a `<title>` on
//! every instance for hover, a legend. Pure functions: netlist in, text out.

mod colormap;
mod layout;
mod legend;
mod summary;
mod svg;
mod symbols;

pub use colormap::{mzi_colour, viridis};
pub use layout::{row_y, Cell, Layout, Rect, CELL_W, ROW_PITCH};
pub use summary::{summary_svg, Summary, SummaryTable};
pub use svg::escape;

use optc_formats::netlist::reducer_section::InterfaceReadout;
use optc_formats::netlist::{Circuit, Driver, Kind, Netlist, Node};
use std::collections::HashMap;
use svg::{num, Svg};
use symbols::{Geom, Values, ELECTRICAL, WAVEGUIDE};

/// Resolved programmable settings per node (`Phases::resolve`).
pub type Settings<'a> = Option<&'a [[f64; 2]]>;

/// The SVG drawing of `circuit` (validated from `netlist`), with MZIs
/// coloured by θ when `settings` is given.
pub fn render_svg(netlist: &Netlist, circuit: &Circuit, settings: Settings) -> String {
    let layout = Layout::new(circuit);
    let kinds: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|k| circuit.nodes.iter().any(|n| n.kind == *k))
        .collect();
    // The colour bar explains MZI fills, which need phases and MZIs.
    // Its captions (θ = 0 cross, θ = π bar) hold for the standard MZI only.
    let colour_bar = settings.is_some() && kinds.contains(&Kind::MZI);
    let legend = legend::Legend::new(&kinds, colour_bar, layout.width);
    let width = layout.width.max(legend.width);
    let height = layout.height + legend.height;

    let mut svg = Svg::default();
    let mzis = circuit
        .nodes
        .iter()
        .filter(|n| n.kind.mzi_cell().is_some())
        .count();
    let heading = format!(
        "{} — {} modes, {} instances, {} MZIs{}",
        circuit.name,
        circuit.modes,
        circuit.nodes.len(),
        mzis,
        if settings.is_some() {
            ", with phases"
        } else {
            ""
        }
    );
    svg.title(&heading);
    svg.el(
        "rect",
        &[
            ("width", num(width)),
            ("height", num(height)),
            ("fill", "#ffffff".into()),
        ],
    );
    svg.text(
        &[
            ("x", "16".into()),
            ("y", "24".into()),
            ("font-size", "15".into()),
            ("font-weight", "bold".into()),
            ("fill", "#222".into()),
        ],
        &heading,
    );
    draw_guides(&mut svg, &layout);
    draw_waveguides(&mut svg, netlist, circuit, &layout);
    for (i, node) in circuit.nodes.iter().enumerate() {
        draw_instance(
            &mut svg,
            node,
            &layout.cells[i],
            settings.and_then(|s| s.get(i)),
        );
    }
    legend.draw(&mut svg, layout.height);

    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"Helvetica, Arial, sans-serif\">\n{}</svg>\n",
        svg.body,
        w = num(width),
        h = num(height)
    )
}

/// Faint mode numbers and row lines, so a reader can count modes.
fn draw_guides(svg: &mut Svg, layout: &Layout) {
    svg.open("g", &[("class", "grid".into())]);
    let right = layout.slot_x.last().copied().unwrap_or(0.0);
    for row in 0..layout.rows {
        let y = row_y(row);
        svg.el(
            "line",
            &[
                ("x1", num(layout::MARGIN_LEFT)),
                ("y1", num(y)),
                ("x2", num(right)),
                ("y2", num(y)),
                ("stroke", "#eef1f5".into()),
                ("stroke-width", "0.8".into()),
            ],
        );
    }
    for (slot, x) in layout
        .slot_x
        .iter()
        .enumerate()
        .take(layout.slot_x.len() - 1)
    {
        svg.text(
            &[
                ("x", num(x + CELL_W / 2.0)),
                ("y", num(layout::MARGIN_TOP - 4.0)),
                ("font-size", "7".into()),
                ("text-anchor", "middle".into()),
                ("fill", "#9aa5b1".into()),
            ],
            &slot.to_string(),
        );
    }
    svg.close("g");
}

/// A waveguide (or an electrical line) from (x0, y0) to (x1, y1): straight
/// along y0, with an S-bend just before x1 when the rows differ.
fn wire(svg: &mut Svg, x0: f64, y0: f64, x1: f64, y1: f64, electrical: bool) {
    let d = if (y0 - y1).abs() < 0.05 {
        format!("M {} {} H {}", num(x0), num(y0), num(x1))
    } else {
        let bend = (x1 - x0).clamp(0.0, 44.0);
        let xb = x1 - bend;
        format!(
            "M {} {} H {} C {} {}, {} {}, {} {}",
            num(x0),
            num(y0),
            num(xb),
            num(xb + bend / 2.0),
            num(y0),
            num(xb + bend / 2.0),
            num(y1),
            num(x1),
            num(y1)
        )
    };
    let mut a = vec![
        ("d", d),
        ("fill", "none".into()),
        (
            "stroke",
            if electrical { ELECTRICAL } else { WAVEGUIDE }.into(),
        ),
        ("stroke-width", "1.6".into()),
    ];
    if electrical {
        a.push(("stroke-dasharray", "3 2".into()));
    }
    svg.el("path", &a);
}

/// What the reducer section (or each digit-serial stage's interface) says
/// about an external port.
fn port_roles(netlist: &Netlist) -> HashMap<String, String> {
    let mut roles = HashMap::new();
    if let Some(d) = &netlist.digit_serial {
        for u in &d.units {
            let unit = if d.units.len() > 1 {
                format!("unit {}.{} ", u.level, u.index)
            } else {
                String::new()
            };
            for (j, s) in u.stages.iter().enumerate() {
                let what = format!("{unit}stage {j}");
                interface_roles(
                    &s.interface,
                    &mut roles,
                    |i| {
                        if i < s.interface.servers {
                            format!("{what}: input {i} digit {j}")
                        } else {
                            format!("{what}: carry in")
                        }
                    },
                    &what,
                );
            }
        }
        return roles;
    }
    let Some(r) = &netlist.reducer else {
        return roles;
    };
    interface_roles(r, &mut roles, |i| format!("server {i}"), "");
    roles
}

fn interface_roles(
    r: &optc_formats::netlist::reducer_section::ReducerInterface,
    roles: &mut HashMap<String, String>,
    input: impl Fn(usize) -> String,
    context: &str,
) {
    let sep = if context.is_empty() { "" } else { ": " };
    for (i, p) in r.inputs.iter().enumerate() {
        roles.insert(p.clone(), input(i));
    }
    match &r.readout {
        InterfaceReadout::Bits { bits, .. } => {
            for (k, b) in bits.iter().enumerate() {
                roles.insert(b.plus.clone(), format!("{context}{sep}bit {k} +"));
                if let Some(m) = &b.minus {
                    roles.insert(m.clone(), format!("{context}{sep}bit {k} −"));
                }
            }
        }
        InterfaceReadout::Coherent { receivers, .. } => {
            for (k, p) in receivers.iter().enumerate() {
                roles.insert(p.clone(), format!("{context}{sep}receiver {k}"));
            }
        }
    }
}

fn port_label(svg: &mut Svg, x: f64, y: f64, anchor: &str, name: &str, role: Option<&String>) {
    let text = match role {
        Some(r) => format!("{name} ({r})"),
        None => name.to_string(),
    };
    svg.text(
        &[
            ("x", num(x)),
            ("y", num(y + 3.0)),
            ("font-size", "9".into()),
            ("text-anchor", anchor.into()),
            ("fill", "#333".into()),
        ],
        &text,
    );
}

fn draw_waveguides(svg: &mut Svg, netlist: &Netlist, circuit: &Circuit, layout: &Layout) {
    let roles = port_roles(netlist);
    svg.open("g", &[("class", "waveguides".into())]);
    let right_edge = layout.slot_x.last().copied().unwrap_or(0.0);
    for (i, drivers) in circuit.drivers.iter().enumerate() {
        let to = &layout.cells[i];
        for (k, d) in drivers.iter().enumerate() {
            let y1 = row_y(to.in_rows[k]);
            match d {
                Driver::External(e) => {
                    let x0 = layout::MARGIN_LEFT - 8.0;
                    wire(svg, x0, y1, to.rect.x, y1, false);
                    let name = &circuit.input_names[*e];
                    port_label(svg, x0 - 3.0, y1, "end", name, roles.get(name));
                }
                Driver::Node(ep) => {
                    let from = &layout.cells[ep.node];
                    let electrical = circuit.nodes[ep.node].kind == Kind::Detector;
                    wire(
                        svg,
                        from.rect.x + from.rect.w,
                        row_y(from.out_rows[ep.port]),
                        to.rect.x,
                        y1,
                        electrical,
                    );
                }
            }
        }
    }
    for (name, ep) in &circuit.outputs {
        let from = &layout.cells[ep.node];
        let y = row_y(from.out_rows[ep.port]);
        let x1 = right_edge + 8.0;
        let electrical = circuit.nodes[ep.node].kind == Kind::Detector;
        wire(svg, from.rect.x + from.rect.w, y, x1, y, electrical);
        port_label(svg, x1 + 3.0, y, "start", name, roles.get(name));
    }
    svg.close("g");
}

/// The hover text of an instance.
fn hover(node: &Node, settings: Option<&[f64; 2]>) -> String {
    let mut s = format!("{} ({})", node.name, node.kind);
    if let Some(p) = node.placement {
        if node.kind.mzi_cell().is_some() {
            s.push_str(&format!(
                "\ncolumn {}, modes {}–{}",
                p.column,
                p.mode,
                p.mode + 1
            ));
        } else {
            s.push_str(&format!("\ncolumn {}, mode {}", p.column, p.mode));
        }
    }
    for (a, v) in node.kind.attrs().iter().zip(&node.attrs) {
        if v.is_finite() {
            s.push_str(&format!("\n{} = {v}", a.name));
        }
    }
    if let Some(values) = settings {
        for (name, v) in node.kind.programmable().iter().zip(values) {
            let sym = match *name {
                "theta" => "θ",
                "phi" => "φ",
                other => other,
            };
            if *name == "transmission" {
                s.push_str(&format!("\n{sym} = {v:.6}"));
            } else {
                s.push_str(&format!("\n{sym} = {v:.6} rad ({})", symbols::pi_units(*v)));
            }
        }
        if node.kind == Kind::MZI {
            s.push_str(&format!(
                "\nbar-port power sin²(θ/2) = {:.4}",
                (values[0] / 2.0).sin().powi(2)
            ));
        }
    }
    s
}

fn draw_instance(svg: &mut Svg, node: &Node, cell: &Cell, settings: Option<&[f64; 2]>) {
    svg.open(
        "g",
        &[
            ("id", node.name.clone()),
            ("class", format!("instance {}", node.kind)),
        ],
    );
    svg.title(&hover(node, settings));
    let attrs: Vec<(&'static str, f64)> = node
        .kind
        .attrs()
        .iter()
        .map(|a| a.name)
        .zip(node.attrs.iter().copied())
        .collect();
    let label = match node.placement {
        Some(p) => format!("{},{}", p.column, p.mode),
        None => String::new(),
    };
    let geom = Geom {
        rect: cell.rect,
        ins: cell.in_rows.iter().map(|&r| row_y(r)).collect(),
        outs: cell.out_rows.iter().map(|&r| row_y(r)).collect(),
    };
    let values = Values {
        attrs: &attrs,
        settings: settings.copied(),
        label,
    };
    symbols::draw(svg, node.kind, &geom, &values);
    svg.close("g");
}

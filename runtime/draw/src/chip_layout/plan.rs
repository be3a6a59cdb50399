//! The layout plan: every instance, waveguide route, wire and pad of a chip,
//! in nanometres on gdsfactory's axes (x east, y north; mode 0 on top). It
//! is what `optc layout` hands to the gdsfactory builder as JSON
//! (spec/layout.md, "The plan file").

use super::cells::{CellKind, Knob, Nm};
use serde::Serialize;

pub type Point = (Nm, Nm);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub name: String,
    /// Modes (waveguide rows) of the circuit.
    pub rows: usize,
    pub instances: Vec<Instance>,
    pub couplers: Vec<EdgeCoupler>,
    pub routes: Vec<Route>,
    pub wires: Vec<Wire>,
    pub pads: Vec<Pad>,
    /// M2→M3 via stacks (the ground pads' connection to the ground bus).
    pub vias: Vec<Via>,
    /// The chip outline: lower-left and upper-right corners.
    pub outline: [Point; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Instance {
    pub name: String,
    pub cell: CellKind,
    /// West end of its bottom mode (the lowest row of `span`).
    pub origin: Point,
    /// Top and bottom mode of its box.
    pub span: [usize; 2],
    /// Modes of its west (input) and east (output) ports, top first.
    pub west: Vec<usize>,
    pub east: Vec<usize>,
    /// The cell's length (a `Straight` takes its column's).
    pub length: Nm,
    /// The netlist component kind it stands for (None: a delay or straight
    /// the planner added).
    pub kind: Option<String>,
    /// Heaters: knob and the pad each is wired to.
    pub heaters: Vec<HeaterPlan>,
    /// Column number (slot order).
    pub column: usize,
    /// Its node in the circuit.
    #[serde(skip)]
    pub node: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeaterPlan {
    pub knob: Knob,
    pub signal: Point,
    pub ground: Point,
    /// How far its signal wire rises before turning east.
    pub rise: Nm,
    pub pad: String,
}

impl Instance {
    /// Modes its box spans.
    pub fn height(&self) -> usize {
        self.span[1] - self.span[0] + 1
    }

    /// `instance,oK` of its west (`input`) or east port on `row`.
    pub fn port(&self, input: bool, row: usize) -> Option<String> {
        let side = if input { &self.west } else { &self.east };
        let rank = side.iter().position(|&r| r == row)?;
        Some(format!(
            "{},{}",
            self.name,
            super::cells::port_name(self.west.len(), input, rank)
        ))
    }

    /// Where the port on `row` is.
    pub fn port_at(&self, input: bool, row: usize) -> Point {
        let x = self.origin.0 + if input { 0 } else { self.length };
        let y = self.origin.1 + (self.span[1] - row) as Nm * super::cells::MODE_PITCH;
        (x, y)
    }
}

/// An edge coupler on the west edge: its fiber end at x = 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EdgeCoupler {
    pub name: String,
    /// The circuit port it carries (`in0`, `out3`, …).
    pub port: String,
    pub y: Nm,
}

/// A waveguide between two ports, as a Manhattan polyline (the builder
/// rounds its corners with Euler bends of `BEND_RADIUS`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    pub name: String,
    /// `instance,port` at each end (an edge coupler's port is `o1`, its
    /// fiber tip `o2` is at x = 0).
    pub from: String,
    pub to: String,
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Metal {
    M2,
    M3,
}

/// A metal line of constant width along a Manhattan polyline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wire {
    pub net: String,
    pub layer: Metal,
    pub width: Nm,
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pad {
    pub name: String,
    pub center: Point,
    /// `gnd`, or the heater it drives.
    pub net: String,
    pub setting: Option<PadSetting>,
}

/// What a heater pad programs (the per-pad table).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PadSetting {
    pub instance: String,
    pub knob: Knob,
    /// The phase file's value (rad, or a power transmission).
    pub value: f64,
    /// The heater DAC's code for a phase (None for a transmission).
    pub code: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Via {
    pub center: Point,
    pub size: Nm,
}

/// Summary figures of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub width: Nm,
    pub height: Nm,
    /// Routed waveguide length (Manhattan polylines; the drawn Euler corners
    /// are shorter by (2 − π/2)·R per corner for a circular corner).
    pub route_length: Nm,
    pub heater_pads: usize,
    pub ground_pads: usize,
    pub instances: usize,
    /// Waveguide crossings in the permutation sections.
    pub crossings: usize,
}

impl Plan {
    pub fn figures(&self) -> Figures {
        let [(x0, y0), (x1, y1)] = self.outline;
        let route_length = self.routes.iter().map(|r| polyline_length(&r.points)).sum();
        let ground_pads = self.pads.iter().filter(|p| p.setting.is_none()).count();
        Figures {
            width: x1 - x0,
            height: y1 - y0,
            route_length,
            heater_pads: self.pads.len() - ground_pads,
            ground_pads,
            instances: self.instances.len(),
            crossings: self
                .instances
                .iter()
                .filter(|i| i.cell == CellKind::Crossing)
                .count(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a plan is plain data")
    }

    /// The per-pad table: one CSV row per pad (spec/layout.md).
    pub fn pad_table(&self) -> String {
        let mut out = String::from("pad,x_um,y_um,net,instance,setting,value,dac_code\n");
        for p in &self.pads {
            let (x, y) = p.center;
            let (inst, knob, value, code) = match &p.setting {
                Some(s) => (
                    s.instance.as_str(),
                    s.knob.name(),
                    format!("{:?}", s.value),
                    s.code.map(|c| c.to_string()).unwrap_or_default(),
                ),
                None => ("", "", String::new(), String::new()),
            };
            out.push_str(&format!(
                "{},{},{},{},{inst},{knob},{value},{code}\n",
                p.name,
                micron(x),
                micron(y),
                p.net
            ));
        }
        out
    }
}

/// Nanometres as micrometres, exactly (three decimals at most).
pub fn micron(x: Nm) -> String {
    let sign = if x < 0 { "-" } else { "" };
    let a = x.unsigned_abs();
    let (int, frac) = (a / 1000, a % 1000);
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        let f = format!("{frac:03}");
        format!("{sign}{int}.{}", f.trim_end_matches('0'))
    }
}

pub fn polyline_length(points: &[Point]) -> Nm {
    points
        .windows(2)
        .map(|w| (w[1].0 - w[0].0).abs() + (w[1].1 - w[0].1).abs())
        .sum()
}

//! Where each instance of a circuit is drawn: a row (waveguide) for every
//! port and a slot (drawing column) for every instance, such that no two
//! instance boxes overlap.
//!
//! Rows come from the netlist placements (an MZI at mode m has its ports on
//! rows m and m+1) and are carried along the waveguides to unplaced
//! instances (an external input k that feeds an unplaced instance is on row
//! k, as the builder opens it); what is still unknown gets the lowest row
//! no port uses.
//! Slots are a longest path over the connection DAG in which all instances
//! placed in one netlist column share a slot, so a mesh keeps its columns
//! and the unplaced parts (splitters, activations, detectors) fall between
//! them. Instances that still collide in a slot are put side by side in
//! lanes of that slot.

use optc_formats::netlist::{Circuit, Driver, Kind};
use std::collections::{BTreeMap, HashMap};

/// Vertical distance between two waveguides (px).
pub const ROW_PITCH: f64 = 28.0;
/// Width of one lane of a slot (px).
pub const CELL_W: f64 = 76.0;
/// Room for input port labels on the left (px).
pub const MARGIN_LEFT: f64 = 96.0;
/// Room for output port labels on the right (px).
pub const MARGIN_RIGHT: f64 = 110.0;
/// Room for the title (px).
pub const MARGIN_TOP: f64 = 44.0;
/// Gap between a box and its lane's edges (px).
const PAD: f64 = 5.0;

/// An axis-aligned rectangle in SVG coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// Whether the interiors of two rectangles intersect.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// The drawing position of one instance (indexed like `Circuit::nodes`).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub slot: usize,
    pub lane: usize,
    /// Row of each input / output port.
    pub in_rows: Vec<usize>,
    pub out_rows: Vec<usize>,
    /// The instance's box.
    pub rect: Rect,
}

impl Cell {
    /// Topmost and bottommost row of any of its ports.
    pub fn rows(&self) -> (usize, usize) {
        let all = self.in_rows.iter().chain(&self.out_rows);
        let top = all.clone().copied().min().unwrap_or(0);
        let bottom = all.copied().max().unwrap_or(0);
        (top, bottom)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub cells: Vec<Cell>,
    /// Rows drawn: up to the last one any port uses (rails a reducer
    /// closed early leave no empty band at the bottom).
    pub rows: usize,
    /// Left edge of every slot, plus the right edge of the last one.
    pub slot_x: Vec<f64>,
    /// Width and height of the circuit area including margins.
    pub width: f64,
    pub height: f64,
}

/// The y coordinate of a row's waveguide.
pub fn row_y(row: usize) -> f64 {
    MARGIN_TOP + ROW_PITCH * (row as f64 + 0.5)
}

impl Layout {
    pub fn new(circuit: &Circuit) -> Layout {
        let (in_rows, out_rows) = infer_rows(circuit);
        let slots = assign_slots(circuit);
        let rows = in_rows
            .iter()
            .chain(&out_rows)
            .flatten()
            .map(|r| r + 1)
            .max()
            .unwrap_or(0)
            .max(1);

        // Lanes: greedy interval colouring of the row spans within a slot.
        let n_slots = slots.iter().map(|s| s + 1).max().unwrap_or(0);
        let mut by_slot: Vec<Vec<usize>> = vec![Vec::new(); n_slots];
        for (i, &s) in slots.iter().enumerate() {
            by_slot[s].push(i);
        }
        let span = |i: usize| {
            let all = in_rows[i].iter().chain(&out_rows[i]);
            let top = all.clone().copied().min().unwrap_or(0);
            (top, all.copied().max().unwrap_or(top))
        };
        let mut lanes = vec![0usize; circuit.nodes.len()];
        let mut lane_count = vec![1usize; n_slots];
        for (s, members) in by_slot.iter_mut().enumerate() {
            // Sources last: their light leaves to the right, so nothing
            // else's waveguide has to pass them.
            members.sort_by_key(|&i| (circuit.nodes[i].inputs == 0, span(i), i));
            // Bottom row of the last instance in each lane.
            let mut ends: Vec<usize> = Vec::new();
            for &i in members.iter() {
                let (top, bottom) = span(i);
                let lane = match ends.iter().position(|&e| e < top) {
                    Some(l) => l,
                    None => {
                        ends.push(0);
                        ends.len() - 1
                    }
                };
                ends[lane] = bottom;
                lanes[i] = lane;
            }
            lane_count[s] = ends.len().max(1);
        }
        let mut slot_x = Vec::with_capacity(n_slots + 1);
        let mut x = MARGIN_LEFT;
        for count in &lane_count {
            slot_x.push(x);
            x += CELL_W * *count as f64;
        }
        slot_x.push(x);

        let cells = (0..circuit.nodes.len())
            .map(|i| {
                let (top, bottom) = span(i);
                let left = slot_x[slots[i]] + CELL_W * lanes[i] as f64;
                Cell {
                    slot: slots[i],
                    lane: lanes[i],
                    in_rows: in_rows[i].clone(),
                    out_rows: out_rows[i].clone(),
                    rect: Rect {
                        x: left + PAD,
                        y: row_y(top) - ROW_PITCH / 2.0 + 3.0,
                        w: CELL_W - 2.0 * PAD,
                        h: ROW_PITCH * (bottom - top + 1) as f64 - 6.0,
                    },
                }
            })
            .collect();
        Layout {
            cells,
            rows,
            width: x + MARGIN_RIGHT,
            height: MARGIN_TOP + ROW_PITCH * rows as f64 + 8.0,
            slot_x,
        }
    }
}

type PortRows = Vec<Vec<usize>>;

/// The row of every port: from placements, carried along waveguides, then
/// external inputs, then fresh rows.
fn infer_rows(c: &Circuit) -> (PortRows, PortRows) {
    let mut ins: Vec<Vec<Option<usize>>> = c.nodes.iter().map(|x| vec![None; x.inputs]).collect();
    let mut outs: Vec<Vec<Option<usize>>> = c.nodes.iter().map(|x| vec![None; x.outputs]).collect();
    for (i, node) in c.nodes.iter().enumerate() {
        if let Some(p) = node.placement {
            for (k, slot) in ins[i].iter_mut().enumerate() {
                *slot = Some(p.mode + k);
            }
            for (k, slot) in outs[i].iter_mut().enumerate() {
                *slot = Some(p.mode + k);
            }
        }
    }
    // Along waveguides first, so a splitter's outputs take the rows of the
    // placed instances they feed rather than its input's row.
    propagate(c, &mut ins, &mut outs, false);
    // The builder opens external input k on rail k: unplaced instances at
    // the inputs keep their inputs apart.
    for (drivers, rows) in c.drivers.iter().zip(ins.iter_mut()) {
        for (d, row) in drivers.iter().zip(rows.iter_mut()) {
            if let (Driver::External(e), None) = (d, *row) {
                *row = Some(*e);
            }
        }
    }
    propagate(c, &mut ins, &mut outs, true);
    // Whatever is left (light that never meets a placed instance) gets the
    // free rows, lowest first, in propagation order.
    let mut used: std::collections::BTreeSet<usize> = ins
        .iter()
        .chain(&outs)
        .flatten()
        .flatten()
        .copied()
        .collect();
    let fresh = |used: &mut std::collections::BTreeSet<usize>| {
        let row = (0..).find(|r| !used.contains(r)).unwrap_or(0);
        used.insert(row);
        row
    };
    for &i in &c.order {
        for k in 0..ins[i].len() {
            if ins[i][k].is_none() {
                ins[i][k] = Some(fresh(&mut used));
                propagate(c, &mut ins, &mut outs, true);
                used.extend(ins.iter().chain(&outs).flatten().flatten().copied());
            }
        }
        for k in 0..outs[i].len() {
            if outs[i][k].is_none() {
                outs[i][k] = Some(fresh(&mut used));
                propagate(c, &mut ins, &mut outs, true);
                used.extend(ins.iter().chain(&outs).flatten().flatten().copied());
            }
        }
    }
    let fill = |v: Vec<Vec<Option<usize>>>| -> PortRows {
        v.into_iter()
            .map(|ports| ports.into_iter().map(|r| r.unwrap_or(0)).collect())
            .collect()
    };
    (fill(ins), fill(outs))
}

/// Carries known rows across connections (and, with `through`, straight
/// through instances) until nothing changes.
fn propagate(
    c: &Circuit,
    ins: &mut [Vec<Option<usize>>],
    outs: &mut [Vec<Option<usize>>],
    through: bool,
) {
    loop {
        let mut changed = false;
        let mut set = |slot: &mut Option<usize>, v: Option<usize>| {
            if slot.is_none() && v.is_some() {
                *slot = v;
                changed = true;
            }
        };
        for (i, node) in c.nodes.iter().enumerate() {
            // Straight-through pairs of ports (the light keeps its rail).
            let pairs: &[(usize, usize)] = match node.kind {
                _ if !through => &[],
                Kind::Mzi(_) | Kind::Coupler => &[(0, 0), (1, 1)],
                Kind::Source | Kind::Terminator => &[],
                _ => &[(0, 0)],
            };
            for &(a, b) in pairs {
                if a < ins[i].len() && b < outs[i].len() {
                    let (x, y) = (ins[i][a], outs[i][b]);
                    set(&mut ins[i][a], y);
                    set(&mut outs[i][b], x);
                }
            }
            // The two ports of a 2×2 sit on neighbouring rows.
            if matches!(node.kind, Kind::Mzi(_) | Kind::Coupler) && ins[i].len() == 2 {
                let (top, bottom) = (ins[i][0], ins[i][1]);
                set(&mut ins[i][1], top.map(|r| r + 1));
                set(&mut ins[i][0], bottom.and_then(|r| r.checked_sub(1)));
            }
            for (k, d) in c.drivers[i].iter().enumerate() {
                if let Driver::Node(ep) = d {
                    let (x, y) = (outs[ep.node][ep.port], ins[i][k]);
                    set(&mut ins[i][k], x);
                    set(&mut outs[ep.node][ep.port], y);
                }
            }
        }
        if !changed {
            return;
        }
    }
}

/// A slot per instance: longest path over the DAG where instances of one
/// placement column form one group (falls back to instances alone if the
/// placements contradict the connections).
fn assign_slots(c: &Circuit) -> Vec<usize> {
    grouped_slots(c, true).unwrap_or_else(|| grouped_slots(c, false).unwrap_or_default())
}

fn grouped_slots(c: &Circuit, by_column: bool) -> Option<Vec<usize>> {
    let n = c.nodes.len();
    // Group ids: one per used placement column, then one per other node.
    let mut column_group: BTreeMap<usize, usize> = BTreeMap::new();
    if by_column {
        for node in &c.nodes {
            if let Some(p) = node.placement {
                column_group.entry(p.column).or_insert(0);
            }
        }
        for (g, v) in column_group.values_mut().enumerate() {
            *v = g;
        }
    }
    let mut group = vec![0usize; n];
    let mut next = column_group.len();
    for (i, node) in c.nodes.iter().enumerate() {
        group[i] = match node.placement.filter(|_| by_column) {
            Some(p) => column_group[&p.column],
            None => {
                next += 1;
                next - 1
            }
        };
    }
    let groups = next;
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); groups];
    let mut indeg = vec![0usize; groups];
    let mut add = |a: usize, b: usize, succ: &mut Vec<Vec<usize>>| {
        succ[a].push(b);
        indeg[b] += 1;
    };
    for g in 1..column_group.len() {
        add(g - 1, g, &mut succ);
    }
    for (i, drivers) in c.drivers.iter().enumerate() {
        for d in drivers {
            if let Driver::Node(ep) = d {
                if group[ep.node] == group[i] {
                    return None;
                }
                add(group[ep.node], group[i], &mut succ);
            }
        }
    }
    // Kahn's algorithm with longest-path levels.
    let mut level = vec![0usize; groups];
    let mut queue: Vec<usize> = (0..groups).filter(|&g| indeg[g] == 0).collect();
    let mut order = Vec::with_capacity(groups);
    while let Some(g) = queue.pop() {
        order.push(g);
        for &s in &succ[g] {
            level[s] = level[s].max(level[g] + 1);
            indeg[s] -= 1;
            if indeg[s] == 0 {
                queue.push(s);
            }
        }
    }
    if order.len() != groups {
        return None;
    }
    let mut slots: Vec<usize> = (0..n).map(|i| level[group[i]]).collect();
    // Sources sit just before the first instance they feed, not at the far left.
    let mut consumers: HashMap<usize, usize> = HashMap::new();
    for (i, drivers) in c.drivers.iter().enumerate() {
        for d in drivers {
            if let Driver::Node(ep) = d {
                let e = consumers.entry(ep.node).or_insert(usize::MAX);
                *e = (*e).min(slots[i]);
            }
        }
    }
    for (i, node) in c.nodes.iter().enumerate() {
        if node.inputs == 0 && node.placement.is_none() {
            if let Some(&first) = consumers.get(&i) {
                slots[i] = first.saturating_sub(1);
            }
        }
    }
    Some(slots)
}

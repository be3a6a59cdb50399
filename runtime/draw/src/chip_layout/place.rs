//! Placement: which cell stands for each instance, in which column, and the
//! delay cells that keep every mode's path through a column the same; then
//! the x of every column (cells, then the wiring channel, at least as wide
//! as the column's pads).

use super::cells::{self, CellKind, Knob, Nm, MODE_PITCH, PAD_PITCH, WIRE_PITCH};
use super::LayoutError;
use crate::render::Layout;
use optc_formats::netlist::{Circuit, Driver, Kind};
use std::collections::BTreeMap;

/// Room between a column's cells and its first wiring track, and after the
/// last one.
pub const CHANNEL_GAP: Nm = cells::um(20);

/// One placed cell before coordinates.
#[derive(Debug, Clone)]
pub struct Placed {
    pub name: String,
    pub cell: CellKind,
    /// Top mode and number of modes.
    pub top: usize,
    pub rows: usize,
    pub node: Option<usize>,
    pub knobs: Vec<Knob>,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub cells: Vec<Placed>,
    /// The longest cell (a delay straight takes this length).
    pub length: Nm,
    pub heaters: usize,
    /// West edge, and the width of the whole slot (cells, channel, pads).
    pub x: Nm,
    pub width: Nm,
}

impl Column {
    /// x of wiring track `t` (0 = westmost).
    pub fn track_x(&self, t: usize) -> Nm {
        self.x + self.length + CHANNEL_GAP + WIRE_PITCH / 2 + t as Nm * WIRE_PITCH
    }
}

/// y of a mode's waveguide (mode 0 at y = 0, the others below).
pub fn row_y(row: usize) -> Nm {
    -(row as Nm) * MODE_PITCH
}

pub struct Placement {
    pub columns: Vec<Column>,
    /// Modes that carry light (each has a cell in every column).
    pub rows: Vec<usize>,
    /// For each used row, the external input feeding it and the output
    /// reading it.
    pub inputs: BTreeMap<usize, usize>,
    pub outputs: BTreeMap<usize, usize>,
}

fn cell_of(kind: Kind) -> Option<CellKind> {
    match kind {
        Kind::Mzi => Some(CellKind::Mzi),
        Kind::PhaseShifter => Some(CellKind::Heater),
        Kind::Attenuator | Kind::Amplifier | Kind::EoActivation | Kind::Coupler => {
            Some(CellKind::Placeholder)
        }
        Kind::Splitter | Kind::Combiner | Kind::Source | Kind::Terminator | Kind::Detector => None,
    }
}

fn knob(name: &str) -> Option<Knob> {
    match name {
        "theta" => Some(Knob::Theta),
        "phi" => Some(Knob::Phi),
        "phase" => Some(Knob::Phase),
        "transmission" => Some(Knob::Transmission),
        _ => None,
    }
}

/// Places a circuit whose every connection stays on its mode (meshes, their
/// phase screens, SVD networks); `x0` is where the first column starts.
pub fn place(circuit: &Circuit, x0: Nm) -> Result<Placement, LayoutError> {
    let layout = Layout::new(circuit);
    let unsupported = |i: usize, why: String| LayoutError::Unsupported {
        file: circuit.file.clone(),
        instance: circuit.nodes[i].name.clone(),
        why,
    };
    // Columns in slot order, lanes of one slot side by side.
    let mut keys: Vec<(usize, usize)> = layout.cells.iter().map(|c| (c.slot, c.lane)).collect();
    keys.sort_unstable();
    keys.dedup();
    let column_of: BTreeMap<(usize, usize), usize> =
        keys.iter().enumerate().map(|(i, &k)| (k, i)).collect();
    let n_cols = keys.len();
    // grid[row][column] = node
    let mut grid: BTreeMap<usize, Vec<Option<usize>>> = BTreeMap::new();
    let mut node_col = vec![0; circuit.nodes.len()];
    for (i, (node, cell)) in circuit.nodes.iter().zip(&layout.cells).enumerate() {
        if node.name.starts_with("optc_") {
            return Err(unsupported(
                i,
                "instance names starting with `optc_` are reserved for the cells the layout adds"
                    .into(),
            ));
        }
        let Some(_) = cell_of(node.kind) else {
            return Err(unsupported(
                i,
                format!(
                    "a `{}` changes or ends modes; routing between modes (waveguide crossings) is not implemented yet",
                    node.kind.name()
                ),
            ));
        };
        let top = cell.in_rows.first().copied().unwrap_or(0);
        let contiguous = |rows: &[usize]| rows.iter().enumerate().all(|(j, &r)| r == top + j);
        if node.inputs != node.outputs
            || cell.in_rows != cell.out_rows
            || !contiguous(&cell.in_rows)
            || (node.kind == Kind::Mzi && node.inputs != 2)
        {
            return Err(unsupported(
                i,
                "its ports are not one mode in, the same mode out".into(),
            ));
        }
        let c = column_of[&(cell.slot, cell.lane)];
        node_col[i] = c;
        for &r in &cell.in_rows {
            grid.entry(r).or_insert_with(|| vec![None; n_cols])[c] = Some(i);
        }
    }
    // Every connection stays on its mode and links neighbours on it.
    let prev_on_row =
        |row: usize, col: usize| grid[&row][..col].iter().rev().flatten().next().copied();
    let mut inputs = BTreeMap::new();
    for (i, drivers) in circuit.drivers.iter().enumerate() {
        let cell = &layout.cells[i];
        for (j, d) in drivers.iter().enumerate() {
            let row = cell.in_rows[j];
            let prev = prev_on_row(row, node_col[i]);
            match (d, prev) {
                (Driver::External(e), None) => {
                    inputs.insert(row, *e);
                }
                (Driver::Node(ep), Some(p))
                    if p == ep.node && layout.cells[p].out_rows[ep.port] == row => {}
                _ => {
                    return Err(unsupported(
                        i,
                        format!("input {j} is not fed by the instance before it on mode {row}; routing between modes is not implemented yet"),
                    ))
                }
            }
        }
    }
    let mut outputs = BTreeMap::new();
    for (k, (_, ep)) in circuit.outputs.iter().enumerate() {
        let row = layout.cells[ep.node].out_rows[ep.port];
        let last = grid[&row].iter().rev().flatten().next().copied();
        if last != Some(ep.node) || outputs.insert(row, k).is_some() {
            return Err(unsupported(
                ep.node,
                format!(
                    "output `{}` is not the last instance on mode {row}",
                    circuit.outputs[k].0
                ),
            ));
        }
    }
    for (&row, cols) in &grid {
        if !outputs.contains_key(&row) {
            let last = cols.iter().rev().flatten().next().copied().unwrap_or(0);
            return Err(unsupported(
                last,
                format!("the light on mode {row} leaves it unread"),
            ));
        }
    }

    // Cells per column, with delays on the idle modes.
    let mut columns = Vec::with_capacity(n_cols);
    let mut x = x0;
    for c in 0..n_cols {
        let mut placed = Vec::new();
        let mut covered = std::collections::BTreeSet::new();
        for (&row, cols) in &grid {
            if let Some(i) = cols[c] {
                if covered.insert(i) {
                    let node = &circuit.nodes[i];
                    placed.push(Placed {
                        name: node.name.clone(),
                        cell: cell_of(node.kind).expect("checked above"),
                        top: row,
                        rows: node.inputs,
                        node: Some(i),
                        knobs: node
                            .kind
                            .programmable()
                            .iter()
                            .filter_map(|k| knob(k))
                            .collect(),
                    });
                }
            }
        }
        let has_mzi = placed.iter().any(|p| p.cell == CellKind::Mzi);
        let length = placed
            .iter()
            .map(|p| cells::length(p.cell))
            .max()
            .unwrap_or(cells::HEATER_SECTION);
        for (&row, cols) in &grid {
            if cols[c].is_none() {
                placed.push(Placed {
                    name: format!("optc_delay_c{c}_m{row}"),
                    cell: if has_mzi {
                        CellKind::MziDelay
                    } else {
                        CellKind::Straight
                    },
                    top: row,
                    rows: 1,
                    node: None,
                    knobs: vec![],
                });
            }
        }
        placed.sort_by_key(|p| p.top);
        let heaters = placed
            .iter()
            .map(|p| cells::heaters(p.cell, p.rows, &p.knobs).len())
            .sum::<usize>();
        let channel = length + 2 * CHANNEL_GAP + heaters as Nm * WIRE_PITCH;
        let width = channel.max(heaters as Nm * PAD_PITCH);
        columns.push(Column {
            cells: placed,
            length,
            heaters,
            x,
            width,
        });
        x += width;
    }
    Ok(Placement {
        columns,
        rows: grid.keys().copied().collect(),
        inputs,
        outputs,
    })
}

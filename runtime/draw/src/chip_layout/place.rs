//! Placement: which cell stands for each instance and in which column; the
//! tracks that carry light between columns on delay cells (every mode's
//! path through a column the same); the permutation sections of crossings
//! and S-bends where light changes mode between two columns; then the x of
//! every column (cells, then the wiring channel, at least as wide as the
//! column's pads).

use super::cells::{self, CellKind, Knob, Nm, MODE_PITCH, PAD_PITCH, WIRE_PITCH};
use super::LayoutError;
use crate::render::Layout;
use optc_formats::netlist::{Circuit, Driver, Kind};
use optc_model::mzi::MziCell;
use std::collections::BTreeMap;

/// Room between a column's cells and its first wiring track, and after the
/// last one.
pub const CHANNEL_GAP: Nm = cells::um(20);

/// One placed cell before coordinates.
#[derive(Debug, Clone)]
pub struct Placed {
    pub name: String,
    pub cell: CellKind,
    /// Top and bottom mode of its box.
    pub top: usize,
    pub bottom: usize,
    /// Modes of its west and east ports, top first.
    pub west: Vec<usize>,
    pub east: Vec<usize>,
    pub node: Option<usize>,
    pub knobs: Vec<Knob>,
}

impl Placed {
    /// A one-mode cell the planner adds (delay, straight).
    fn filler(name: String, cell: CellKind, row: usize) -> Placed {
        Placed {
            name,
            cell,
            top: row,
            bottom: row,
            west: vec![row],
            east: vec![row],
            node: None,
            knobs: vec![],
        }
    }

    pub fn rows(&self) -> usize {
        self.bottom - self.top + 1
    }
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
    /// Topmost and bottommost mode any cell uses.
    pub top_row: usize,
    pub bottom_row: usize,
    /// The external input entering the first column on each mode, and the
    /// output leaving the last column on each mode.
    pub inputs: BTreeMap<usize, usize>,
    pub outputs: BTreeMap<usize, usize>,
}

fn cell_of(kind: Kind) -> CellKind {
    match kind {
        Kind::Mzi(MziCell::Standard) => CellKind::Mzi,
        Kind::Mzi(MziCell::ThreeSplitter) => CellKind::Mzi3,
        Kind::Mzi(MziCell::Crossing) => CellKind::MziCrossing,
        Kind::PhaseShifter => CellKind::Heater,
        _ => CellKind::Placeholder,
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

/// A light path between two columns: from a cell's east port (or an
/// external input, `from_col` None) to a cell's west port (or an output,
/// `to_col` None).
struct Track {
    from_col: Option<usize>,
    to_col: Option<usize>,
    from_row: usize,
    to_row: usize,
    /// The node (or output) it feeds, for messages.
    sink: usize,
    /// The gap (after column g) where it changes mode, if it does.
    change: Option<usize>,
}

impl Track {
    /// Its mode on the west and on the east side of gap `g`.
    fn rows_at(&self, g: usize) -> (usize, usize) {
        let before = match self.change {
            Some(c) if c < g => self.to_row,
            _ => self.from_row,
        };
        let after = match self.change {
            Some(c) if c <= g => self.to_row,
            _ => self.from_row,
        };
        (before, after)
    }
}

/// Places a circuit: its instances in columns by the drawing's slots and
/// lanes, light carried across the columns between on delay cells, and a
/// permutation section of crossings and S-bends in every gap where light
/// changes mode; `x0` is where the first column starts.
pub fn place(circuit: &Circuit, x0: Nm) -> Result<Placement, LayoutError> {
    let layout = Layout::new(circuit);
    let unsupported = |i: usize, why: String| LayoutError::Unsupported {
        file: circuit.file.clone(),
        instance: circuit.nodes[i].name.clone(),
        why,
    };
    let unroutable = |why: String| LayoutError::Unroutable {
        file: circuit.file.clone(),
        why,
    };
    // Node columns in slot order, lanes of one slot side by side.
    let mut keys: Vec<(usize, usize)> = layout.cells.iter().map(|c| (c.slot, c.lane)).collect();
    keys.sort_unstable();
    keys.dedup();
    let column_of: BTreeMap<(usize, usize), usize> =
        keys.iter().enumerate().map(|(i, &k)| (k, i)).collect();
    let n_cols = keys.len();
    // occupied[c][row]: the node whose box covers it, or a track passing.
    #[derive(Clone, Copy, PartialEq)]
    enum Occ {
        Node(usize),
        Pass,
    }
    let mut occupied: Vec<BTreeMap<usize, Occ>> = vec![BTreeMap::new(); n_cols];
    let mut node_col = vec![0; circuit.nodes.len()];
    let mut node_cells: Vec<Vec<Placed>> = vec![Vec::new(); n_cols];
    for (i, (node, cell)) in circuit.nodes.iter().zip(&layout.cells).enumerate() {
        if node.name.starts_with("optc_") {
            return Err(unsupported(
                i,
                "instance names starting with `optc_` are reserved for the cells the layout adds"
                    .into(),
            ));
        }
        let ascending = |rows: &[usize]| rows.windows(2).all(|w| w[0] < w[1]);
        if !ascending(&cell.in_rows) || !ascending(&cell.out_rows) {
            return Err(unsupported(
                i,
                "its ports are not on distinct modes in port order, top first".into(),
            ));
        }
        let kind = cell_of(node.kind);
        let (top, bottom) = cell.rows();
        let straight = cell.in_rows == cell.out_rows;
        // A programmable placeholder carries its heater on a mode light runs
        // straight through; one that changes modes would lose its setting.
        let square = match kind {
            CellKind::Mzi | CellKind::Mzi3 | CellKind::MziCrossing => {
                straight && cell.in_rows.len() == 2 && bottom == top + 1
            }
            CellKind::Heater => straight && cell.in_rows.len() == 1,
            _ if !node.kind.programmable().is_empty() => straight,
            _ => cell.in_rows.len() + cell.out_rows.len() > 0,
        };
        if !square {
            return Err(unsupported(
                i,
                "its ports are not on the modes its cell has them".into(),
            ));
        }
        let c = column_of[&(cell.slot, cell.lane)];
        node_col[i] = c;
        for r in top..=bottom {
            if let Some(Occ::Node(j)) = occupied[c].insert(r, Occ::Node(i)) {
                return Err(unsupported(
                    i,
                    format!("its box overlaps `{}` on mode {r}", circuit.nodes[j].name),
                ));
            }
        }
        node_cells[c].push(Placed {
            name: node.name.clone(),
            cell: kind,
            top,
            bottom,
            west: cell.in_rows.clone(),
            east: cell.out_rows.clone(),
            node: Some(i),
            knobs: node
                .kind
                .programmable()
                .iter()
                .filter_map(|k| knob(k))
                .collect(),
        });
    }

    // Tracks: every connection, external input and output.
    let mut tracks = Vec::new();
    let mut read = vec![Vec::new(); circuit.nodes.len()];
    for (i, node) in circuit.nodes.iter().enumerate() {
        read[i] = vec![false; node.outputs];
    }
    for (i, drivers) in circuit.drivers.iter().enumerate() {
        let to_row = layout.cells[i].in_rows[..].to_vec();
        for (j, d) in drivers.iter().enumerate() {
            let (from_col, from_row) = match d {
                Driver::External(_) => (None, to_row[j]),
                Driver::Node(ep) => {
                    read[ep.node][ep.port] = true;
                    (
                        Some(node_col[ep.node]),
                        layout.cells[ep.node].out_rows[ep.port],
                    )
                }
            };
            if from_col.is_some_and(|f| f >= node_col[i]) {
                return Err(unsupported(
                    i,
                    format!("input {j} comes from a column that is not west of it"),
                ));
            }
            tracks.push(Track {
                from_col,
                to_col: Some(node_col[i]),
                from_row,
                to_row: to_row[j],
                sink: i,
                change: None,
            });
        }
    }
    for (_, ep) in &circuit.outputs {
        read[ep.node][ep.port] = true;
        let row = layout.cells[ep.node].out_rows[ep.port];
        tracks.push(Track {
            from_col: Some(node_col[ep.node]),
            to_col: None,
            from_row: row,
            to_row: row,
            sink: ep.node,
            change: None,
        });
    }
    for (i, ports) in read.iter().enumerate() {
        if let Some(j) = ports.iter().position(|r| !r) {
            return Err(unsupported(
                i,
                format!("the light of its output {j} is never read"),
            ));
        }
    }
    // Each track keeps one mode through the columns it crosses: the one it
    // starts on, else the one it ends on.
    for t in tracks.iter_mut() {
        let a = t.from_col.map_or(0, |c| c + 1);
        let b = t.to_col.unwrap_or(n_cols);
        let free = |row: usize, occupied: &[BTreeMap<usize, Occ>]| {
            (a..b).all(|c| !occupied[c].contains_key(&row))
        };
        let row = [t.from_row, t.to_row]
            .into_iter()
            .find(|&r| free(r, &occupied))
            .ok_or_else(|| {
                unroutable(format!(
                    "the light into `{}` finds no free mode from column {a} to {b}",
                    circuit.nodes[t.sink].name
                ))
            })?;
        for occ in &mut occupied[a..b] {
            occ.insert(row, Occ::Pass);
        }
        if t.from_row != t.to_row {
            // Both ends are node columns here (inputs and outputs keep their mode).
            let (f, to) = (t.from_col.unwrap_or(0), t.to_col.unwrap_or(0));
            t.change = Some(if row == t.from_row { to - 1 } else { f });
        }
    }
    let mut inputs = BTreeMap::new();
    for (i, drivers) in circuit.drivers.iter().enumerate() {
        for (j, d) in drivers.iter().enumerate() {
            if let Driver::External(e) = d {
                inputs.insert(layout.cells[i].in_rows[j], *e);
            }
        }
    }
    let mut outputs = BTreeMap::new();
    for (k, (_, ep)) in circuit.outputs.iter().enumerate() {
        let row = layout.cells[ep.node].out_rows[ep.port];
        if outputs.insert(row, k).is_some() {
            return Err(unsupported(
                ep.node,
                format!("two outputs leave on mode {row}"),
            ));
        }
    }

    // Columns: each node column with delays on the modes passing it, then
    // the permutation section of the gap after it.
    let mut columns = Vec::new();
    for c in 0..n_cols {
        let mut placed = std::mem::take(&mut node_cells[c]);
        // A mode passing an MZI column takes the MZI's lower path (a
        // 3-splitter column's if it has one; an MZI + crossing's crossing
        // is not matched).
        let delay = if placed.iter().any(|p| p.cell == CellKind::Mzi3) {
            Some(CellKind::Mzi3Delay)
        } else if placed
            .iter()
            .any(|p| matches!(p.cell, CellKind::Mzi | CellKind::MziCrossing))
        {
            Some(CellKind::MziDelay)
        } else {
            None
        };
        let index = columns.len();
        for (&row, occ) in &occupied[c] {
            if *occ == Occ::Pass {
                let cell = delay.unwrap_or(CellKind::Straight);
                placed.push(Placed::filler(
                    format!("optc_delay_c{index}_m{row}"),
                    cell,
                    row,
                ));
            }
        }
        columns.push(placed);
        if c + 1 < n_cols {
            let gap: Vec<(usize, usize)> = tracks
                .iter()
                .filter(|t| t.from_col.is_none_or(|f| f <= c) && t.to_col.is_none_or(|b| b > c))
                .map(|t| t.rows_at(c))
                .collect();
            permutation(&gap, c, &mut columns).map_err(unroutable)?;
        }
    }

    let mut out = Vec::with_capacity(columns.len());
    let mut x = x0;
    for mut placed in columns {
        placed.sort_by_key(|p| p.top);
        // Straights take the column's length, so they do not set it.
        let length = placed
            .iter()
            .filter(|p| p.cell != CellKind::Straight)
            .map(|p| cells::length(p.cell))
            .max()
            .unwrap_or(cells::HEATER_SECTION);
        let heaters = placed
            .iter()
            .map(|p| cells::heaters(p.cell, p.rows(), &p.knobs).len())
            .sum::<usize>();
        let channel = length + 2 * CHANNEL_GAP + heaters as Nm * WIRE_PITCH;
        let width = channel.max(heaters as Nm * PAD_PITCH);
        out.push(Column {
            cells: placed,
            length,
            heaters,
            x,
            width,
        });
        x += width;
    }
    let rows = out
        .iter()
        .flat_map(|c| &c.cells)
        .flat_map(|p| [p.top, p.bottom]);
    Ok(Placement {
        top_row: rows.clone().min().unwrap_or(0),
        bottom_row: rows.max().unwrap_or(0),
        columns: out,
        inputs,
        outputs,
    })
}

/// The layers of crossings and S-bends that take the tracks of gap `g`
/// from their west modes to their east modes (`gap` = one (west, east)
/// pair per track), by a greedy transposition scan from alternating
/// parities: in each layer, neighbouring modes whose contents are out of
/// order swap (two tracks: a crossing; a track and a free mode: an
/// S-bend), the scan skipping past each swapped pair; every other track
/// runs straight.
/// Pushes nothing when no track changes mode.
fn permutation(
    gap: &[(usize, usize)],
    g: usize,
    columns: &mut Vec<Vec<Placed>>,
) -> Result<(), String> {
    let moving: Vec<&(usize, usize)> = gap.iter().filter(|(a, b)| a != b).collect();
    let Some(lo) = moving.iter().map(|&&(a, b)| a.min(b)).min() else {
        return Ok(());
    };
    let hi = moving.iter().map(|&&(a, b)| a.max(b)).max().unwrap_or(lo);
    let mut west = std::collections::BTreeSet::new();
    let mut east = std::collections::BTreeSet::new();
    for &(a, b) in gap {
        if !west.insert(a) || !east.insert(b) {
            return Err(format!(
                "two light paths share a mode in the gap after column {g}"
            ));
        }
    }
    // Contents of each mode of the window: the target mode of what is on
    // it (a track's east mode; free modes take the free east modes in order).
    let mut free_targets = (lo..=hi).filter(|r| !east.contains(r));
    let mut target: Vec<usize> = Vec::with_capacity(hi - lo + 1);
    let mut track: Vec<bool> = Vec::with_capacity(hi - lo + 1);
    for r in lo..=hi {
        match gap.iter().find(|&&(a, _)| a == r) {
            Some(&(_, b)) => {
                target.push(b);
                track.push(true);
            }
            None => {
                target.push(
                    free_targets
                        .next()
                        .expect("as many free modes as free targets"),
                );
                track.push(false);
            }
        }
    }
    let outside: Vec<usize> = gap
        .iter()
        .map(|&(a, _)| a)
        .filter(|&a| a < lo || a > hi)
        .collect();
    let mut parity = 0;
    let mut idle = 0;
    while target.iter().enumerate().any(|(k, &t)| t != lo + k) {
        let layer = columns.len();
        let mut cells = Vec::new();
        let mut moved = vec![false; target.len()];
        let mut k = parity;
        while k + 1 < target.len() {
            if target[k] > target[k + 1] && (track[k] || track[k + 1]) {
                let r = lo + k;
                let name = format!("optc_perm{g}_c{layer}_m{r}");
                if track[k] && track[k + 1] {
                    cells.push(Placed {
                        name,
                        cell: CellKind::Crossing,
                        top: r,
                        bottom: r + 1,
                        west: vec![r, r + 1],
                        east: vec![r, r + 1],
                        node: None,
                        knobs: vec![],
                    });
                } else {
                    let (from, to) = if track[k] { (r, r + 1) } else { (r + 1, r) };
                    cells.push(Placed {
                        name,
                        cell: CellKind::Bend,
                        top: r,
                        bottom: r + 1,
                        west: vec![from],
                        east: vec![to],
                        node: None,
                        knobs: vec![],
                    });
                }
                target.swap(k, k + 1);
                track.swap(k, k + 1);
                moved[k] = true;
                moved[k + 1] = true;
                k += 2;
            } else {
                k += 1;
            }
        }
        parity ^= 1;
        if cells.is_empty() {
            // Free modes never swap with each other (their targets ascend),
            // so a scan without a swap at one parity swaps at the other.
            idle += 1;
            debug_assert!(idle < 2, "an unsorted window always has a swap");
            if idle > 1 {
                return Err(format!("the permutation after column {g} does not sort"));
            }
            continue;
        }
        idle = 0;
        for (k, &is_track) in track.iter().enumerate() {
            if is_track && !moved[k] {
                let r = lo + k;
                cells.push(Placed::filler(
                    format!("optc_perm{g}_c{layer}_m{r}"),
                    CellKind::Straight,
                    r,
                ));
            }
        }
        for &r in &outside {
            cells.push(Placed::filler(
                format!("optc_perm{g}_c{layer}_m{r}"),
                CellKind::Straight,
                r,
            ));
        }
        columns.push(cells);
    }
    Ok(())
}

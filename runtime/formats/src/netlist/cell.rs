//! Cells: sub-netlists an instance can name as its component, so a mesh of
//! N(N−1)/2 MZIs is one instance, one placement and 2N port references in
//! the file (spec/netlist.md, "Cells"). A cell is a full MZI mesh of one
//! layout family; its instances, internal connections and placements follow
//! from the layout, and both the validator (`Circuit::new`) and the flat form
//! (`Netlist::flatten`) expand it through `CellLayout`.

use super::port::PortName;
use serde::{Deserialize, Serialize};

/// The largest mesh a cell may declare: 4096 modes is 8.4 M MZIs, beyond any
/// fabricated mesh.
pub const MAX_CELL_MODES: usize = 4096;

/// The most MZIs the cell instances of one netlist may expand to (one
/// 4096-mode mesh), which bounds what a small file can make the loader build.
pub const MAX_EXPANDED_MZIS: usize = MAX_CELL_MODES * (MAX_CELL_MODES - 1) / 2;

/// A cell as written under `cells:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    /// The layout family and the 2×2 cell its MZIs are.
    pub mesh: CellMesh,
    /// Modes (waveguides) of the mesh; ports `in0..` and `out0..` one per mode.
    pub modes: usize,
}

/// A cell's mesh: its layout and MZI cell, written as its name
/// (`clements`, `reck3`, `clements_crossing`, …).
pub use optc_model::mesh::MeshDesign as CellMesh;

/// Where the light entering or leaving one mode of a cell is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellDriver {
    /// The cell's input port `in{mode}`.
    Input(usize),
    /// Output `port` of the cell's MZI number `mzi`.
    Mzi { mzi: usize, port: usize },
}

/// A cell expanded: its MZIs in the order of `MeshStyle::positions` (column
/// by column, top mode first), which is also a propagation order and the
/// order of the phase file's arrays.
#[derive(Debug, Clone, PartialEq)]
pub struct CellLayout {
    pub modes: usize,
    /// (column, mode) of each MZI, relative to the cell's placement.
    pub positions: Vec<(usize, usize)>,
    /// What drives input 0 and 1 of each MZI.
    pub drivers: Vec<[CellDriver; 2]>,
    /// Input port `in{k}` feeds input `.1` of MZI `.0`.
    pub inputs: Vec<(usize, usize)>,
    /// Output port `out{k}` is output `.1` of MZI `.0`.
    pub outputs: Vec<(usize, usize)>,
    /// MZIs per column.
    pub columns: Vec<usize>,
    /// Digits of the column and mode numbers in the MZI names.
    width: usize,
}

/// Digits of the largest index below `n` (at least one): the zero padding
/// of generated instance names.
pub fn index_digits(n: usize) -> usize {
    n.saturating_sub(1).max(1).to_string().len()
}

impl Cell {
    /// Expands the cell; `None` if it has fewer than 2 modes (no MZI would
    /// reach every mode) or more than `MAX_CELL_MODES`.
    pub fn layout(&self) -> Option<CellLayout> {
        if !(2..=MAX_CELL_MODES).contains(&self.modes) {
            return None;
        }
        let positions = self.mesh.style.positions(self.modes);
        let depth = positions.last().map_or(0, |&(c, _)| c + 1);
        let mut columns = vec![0; depth];
        let mut last: Vec<CellDriver> = (0..self.modes).map(CellDriver::Input).collect();
        let mut inputs = vec![(usize::MAX, 0); self.modes];
        let mut drivers = Vec::with_capacity(positions.len());
        for (i, &(c, m)) in positions.iter().enumerate() {
            columns[c] += 1;
            let mut d = [CellDriver::Input(0); 2];
            for (port, mode) in [(0, m), (1, m + 1)] {
                d[port] = last[mode];
                if let CellDriver::Input(k) = last[mode] {
                    inputs[k] = (i, port);
                }
                last[mode] = CellDriver::Mzi { mzi: i, port };
            }
            drivers.push(d);
        }
        let outputs = last
            .iter()
            .map(|d| match *d {
                CellDriver::Mzi { mzi, port } => (mzi, port),
                // Every mode of a mesh of ≥ 2 modes meets an MZI.
                CellDriver::Input(_) => unreachable!("a mode of a full mesh without an MZI"),
            })
            .collect();
        Some(CellLayout {
            modes: self.modes,
            width: index_digits(depth.max(self.modes)),
            positions,
            drivers,
            inputs,
            outputs,
            columns,
        })
    }
}

impl CellLayout {
    /// The name of MZI `i` of the cell instance `instance`:
    /// `{instance}_c{column}_m{mode}`, zero-padded to the digits of the
    /// larger of depth and modes (so instance `mzi` expands to the names a
    /// flat mesh has always had, `mzi_c00_m03`).
    pub fn mzi_name(&self, instance: &str, i: usize) -> String {
        let (c, m) = self.positions[i];
        mzi_name(instance, self.width, c, m)
    }

    /// The MZI (by layout index) and its port that the cell's port `port`
    /// is: `in{k}` the input of the first MZI on mode k, `out{k}` the
    /// output of the last; `None` for a port the cell does not have.
    pub fn port(&self, port: PortName) -> Option<(usize, PortName)> {
        match port {
            PortName::In(k) => self.inputs.get(k).map(|&(m, p)| (m, PortName::In(p))),
            PortName::Out(k) => self.outputs.get(k).map(|&(m, p)| (m, PortName::Out(p))),
        }
    }

    pub fn len(&self) -> usize {
        self.positions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    pub fn depth(&self) -> usize {
        self.columns.len()
    }
}

/// `{base}_c{column}_m{mode}`, both zero-padded to `width` digits (by
/// hand: a mesh has N²/2 of these names, and `format!` is several times
/// slower).
pub fn mzi_name(base: &str, width: usize, column: usize, mode: usize) -> String {
    let mut name = String::with_capacity(base.len() + 4 + 2 * width.max(8));
    name.push_str(base);
    name.push_str("_c");
    push_padded(&mut name, column, width);
    name.push_str("_m");
    push_padded(&mut name, mode, width);
    name
}

fn push_padded(out: &mut String, n: usize, width: usize) {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    let mut x = n;
    loop {
        k -= 1;
        digits[k] = b'0' + (x % 10) as u8;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    for _ in (digits.len() - k)..width {
        out.push('0');
    }
    out.extend(digits[k..].iter().map(|&d| d as char));
}

#[cfg(test)]
mod tests {
    use super::*;
    use optc_model::mesh::MeshStyle;
    use optc_model::mzi::MziCell;

    #[test]
    fn a_clements_cell_is_wired_mode_by_mode() {
        let l = Cell {
            mesh: CellMesh::new(MeshStyle::Clements, MziCell::Standard),
            modes: 4,
        }
        .layout()
        .unwrap();
        assert_eq!(l.columns, [2, 1, 2, 1]);
        assert_eq!(l.inputs, [(0, 0), (0, 1), (1, 0), (1, 1)]);
        // MZI 2 (column 1, mode 1) takes out1 of MZI 0 and out0 of MZI 1.
        assert_eq!(
            l.drivers[2],
            [
                CellDriver::Mzi { mzi: 0, port: 1 },
                CellDriver::Mzi { mzi: 1, port: 0 }
            ]
        );
        // Mode 0 leaves MZI 3 (column 2, mode 0); modes 1, 2 leave MZI 5.
        assert_eq!(l.outputs, [(3, 0), (5, 0), (5, 1), (4, 1)]);
        assert_eq!(l.mzi_name("mzi", 5), "mzi_c3_m1");
        for (n, w) in [(0, 1), (7, 3), (12, 1), (12, 4), (4095, 4), (usize::MAX, 2)] {
            assert_eq!(
                mzi_name("b", w, n, n),
                format!("b_c{n:0w$}_m{n:0w$}"),
                "{n} {w}"
            );
        }
    }

    #[test]
    fn sizes_out_of_range_have_no_layout() {
        for modes in [0, 1, MAX_CELL_MODES + 1] {
            let cell = Cell {
                mesh: CellMesh::new(MeshStyle::Reck, MziCell::ThreeSplitter),
                modes,
            };
            assert_eq!(cell.layout(), None);
        }
    }

    #[test]
    fn every_port_is_used_once() {
        for style in MeshStyle::ALL {
            for modes in 2..12 {
                let l = Cell {
                    mesh: CellMesh::new(style, MziCell::Crossing),
                    modes,
                }
                .layout()
                .unwrap();
                let mut fed = vec![[0u8; 2]; l.len()];
                let mut read = vec![[0u8; 2]; l.len()];
                for (k, &(i, p)) in l.inputs.iter().enumerate() {
                    fed[i][p] += 1;
                    assert_eq!(l.drivers[i][p], CellDriver::Input(k));
                }
                for (i, d) in l.drivers.iter().enumerate() {
                    for (p, d) in d.iter().enumerate() {
                        if let CellDriver::Mzi { mzi, port } = *d {
                            assert!(mzi < i, "feed-forward");
                            read[mzi][port] += 1;
                            fed[i][p] += 1;
                        }
                    }
                }
                for &(i, p) in &l.outputs {
                    read[i][p] += 1;
                }
                assert!(fed.iter().chain(&read).all(|x| *x == [1, 1]));
            }
        }
    }
}

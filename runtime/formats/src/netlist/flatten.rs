//! The flat form of a netlist: every cell instance replaced by the MZIs,
//! connections and placements its layout defines (spec/netlist.md,
//! "Cells"). What `optc export --format netlist` writes, and what tools that
//! know no cells (the SVG renderer, the SAX and gdsfactory exporters) read.

use super::cell::{CellDriver, CellLayout};
use super::port::PortName;
use super::{Instance, Netlist, Placement};
use optc_model::component::Kind;
use std::collections::{BTreeMap, HashMap};

impl Netlist {
    /// The same circuit without cells; a netlist without cells comes back
    /// as it is. Defined for valid netlists (ones `Circuit::new` accepts); in
    /// any other, what cannot be expanded is left as written.
    pub fn flatten(&self) -> Netlist {
        let layouts: HashMap<&str, CellLayout> = self
            .cells
            .iter()
            .filter_map(|(name, cell)| Some((name.as_str(), cell.layout()?)))
            .collect();
        if layouts.is_empty() {
            let mut flat = self.clone();
            flat.cells.clear();
            return flat;
        }
        let expanded: HashMap<&str, &CellLayout> = self
            .instances
            .iter()
            .filter(|(name, _)| self.placements.contains_key(*name))
            .filter_map(|(name, inst)| Some((name.as_str(), layouts.get(inst.component.as_str())?)))
            .collect();
        // `I,in3` of a cell instance → the port of the MZI it is wired to.
        let rewrite = |endpoint: &String| -> String {
            let Some((inst, port)) = endpoint.split_once(',') else {
                return endpoint.clone();
            };
            let (inst, port) = (inst.trim(), port.trim());
            let Some(layout) = expanded.get(inst) else {
                return endpoint.clone();
            };
            match PortName::parse(port).and_then(|p| layout.port(p)) {
                Some((mzi, p)) => format!("{},{p}", layout.mzi_name(inst, mzi)),
                None => endpoint.clone(),
            }
        };
        let mut flat = Netlist {
            version: self.version,
            name: self.name.clone(),
            modes: self.modes,
            ports: self
                .ports
                .iter()
                .map(|(k, v)| (k.clone(), rewrite(v)))
                .collect(),
            instances: BTreeMap::new(),
            connections: self
                .connections
                .iter()
                .map(|(a, b)| (rewrite(a), rewrite(b)))
                .collect(),
            placements: BTreeMap::new(),
            cells: BTreeMap::new(),
            reducer: self.reducer.clone(),
            digit_serial: self.digit_serial.clone(),
        };
        for (name, inst) in &self.instances {
            let Some(layout) = expanded.get(name.as_str()) else {
                flat.instances.insert(name.clone(), inst.clone());
                if let Some(p) = self.placements.get(name) {
                    flat.placements.insert(name.clone(), *p);
                }
                continue;
            };
            let at = self.placements[name];
            let names: Vec<String> = (0..layout.len())
                .map(|i| layout.mzi_name(name, i))
                .collect();
            let kind = Kind::Mzi(self.cells[&inst.component].mesh.cell);
            for (i, mzi) in names.iter().enumerate() {
                let (column, mode) = layout.positions[i];
                flat.instances.insert(
                    mzi.clone(),
                    Instance {
                        component: kind.name().to_string(),
                        settings: BTreeMap::new(),
                    },
                );
                flat.placements.insert(
                    mzi.clone(),
                    Placement {
                        // Valid netlists do not overflow (`Circuit::new`).
                        column: at.column.saturating_add(column),
                        mode: at.mode.saturating_add(mode),
                    },
                );
                for (p, d) in layout.drivers[i].iter().enumerate() {
                    if let CellDriver::Mzi { mzi: from, port } = *d {
                        flat.connections.insert(
                            format!("{},{}", names[from], PortName::Out(port)),
                            format!("{mzi},{}", PortName::In(p)),
                        );
                    }
                }
            }
        }
        flat
    }
}

//! Netlists made of parts (spec/netlist.md, "Digit-serial reducers"): a
//! part's names get a prefix and its placements a mode offset, parts are
//! merged into one chip, and a part is taken back out by its prefix. Parts
//! sit in disjoint mode bands with an empty row between them, so no heater
//! of one part is a crosstalk neighbour of another's and a part's
//! simulation equals the whole chip's on that part.

use super::{Netlist, Placement};
use std::collections::BTreeMap;

/// Empty placement rows between two parts.
pub const PART_GAP: usize = 1;

fn rename_endpoint(prefix: &str, endpoint: &str) -> String {
    format!("{prefix}{endpoint}")
}

/// `net` with every instance and external port named `{prefix}{name}` and
/// every placement moved down by `mode_offset` rows (its reducer section's
/// ports renamed too).
pub fn prefixed(net: &Netlist, prefix: &str, mode_offset: usize) -> Netlist {
    let mut out = net.clone();
    out.instances = net
        .instances
        .iter()
        .map(|(k, v)| (format!("{prefix}{k}"), v.clone()))
        .collect();
    out.ports = net
        .ports
        .iter()
        .map(|(k, v)| (format!("{prefix}{k}"), rename_endpoint(prefix, v)))
        .collect();
    out.connections = net
        .connections
        .iter()
        .map(|(a, b)| (rename_endpoint(prefix, a), rename_endpoint(prefix, b)))
        .collect();
    out.placements = net
        .placements
        .iter()
        .map(|(k, p)| {
            (
                format!("{prefix}{k}"),
                Placement {
                    column: p.column,
                    mode: p.mode + mode_offset,
                },
            )
        })
        .collect();
    out.modes = net.modes + mode_offset;
    if let Some(r) = out.reducer.as_mut() {
        for p in r.inputs.iter_mut() {
            *p = format!("{prefix}{p}");
        }
        match &mut r.readout {
            super::reducer_section::InterfaceReadout::Bits { bits, .. } => {
                for b in bits {
                    b.plus = format!("{prefix}{}", b.plus);
                    if let Some(m) = b.minus.as_mut() {
                        *m = format!("{prefix}{m}");
                    }
                }
            }
            super::reducer_section::InterfaceReadout::Coherent { receivers, .. } => {
                for p in receivers {
                    *p = format!("{prefix}{p}");
                }
            }
        }
    }
    out
}

/// The union of `parts` (already prefixed and offset) as netlist `name`;
/// `modes` is the largest part's extent. No reducer section.
pub fn merge(name: &str, parts: &[Netlist]) -> Netlist {
    let mut out = Netlist {
        version: super::NETLIST_VERSION,
        name: name.to_string(),
        modes: 0,
        ports: BTreeMap::new(),
        instances: BTreeMap::new(),
        connections: BTreeMap::new(),
        placements: BTreeMap::new(),
        cells: BTreeMap::new(),
        reducer: None,
        digit_serial: None,
    };
    for p in parts {
        out.cells.extend(p.cells.clone());
        out.modes = out.modes.max(p.modes);
        out.ports.extend(p.ports.clone());
        out.instances.extend(p.instances.clone());
        out.connections.extend(p.connections.clone());
        out.placements.extend(p.placements.clone());
    }
    out
}

fn endpoint_in(prefix: &str, endpoint: &str) -> bool {
    endpoint.starts_with(prefix)
}

/// The part of `net` whose names start with `prefix` (names kept, so a
/// part's instances sample the same static errors as on the whole chip).
pub fn part(net: &Netlist, prefix: &str) -> Netlist {
    Netlist {
        version: net.version,
        name: net.name.clone(),
        modes: net.modes,
        ports: net
            .ports
            .iter()
            .filter(|(_, v)| endpoint_in(prefix, v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        instances: net
            .instances
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        connections: net
            .connections
            .iter()
            .filter(|(a, _)| endpoint_in(prefix, a))
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect(),
        placements: net
            .placements
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
        cells: net.cells.clone(),
        reducer: None,
        digit_serial: None,
    }
}

//! Heater wiring. Each heater's signal via stack gets its own pad in the
//! pad row above the chip: the M3 wire rises `rise` above the heater, runs
//! east to a track of its column's channel (the lower it enters, the
//! further east its track, so no wire crosses another's track), climbs
//! above the top mode and fans out to its pad, on a level chosen so that
//! no two wires cross (west-going wires the higher the further east their
//! track, east-going the reverse). The ground via stacks of a column sit
//! at one or two x; an M2 line through each climbs to an M2 ground bus
//! under the pad row, joined to two ground pads east of the last column by
//! M2→M3 via stacks. Metal crosses waveguides only at right angles, in the
//! channels and on the ground lines; M2 and M3 cross each other freely.

use super::cells::{Nm, MODE_PITCH, PAD_PITCH, PAD_SIZE, WIRE_PITCH, WIRE_WIDTH};
use super::optical::simplify;
use super::place::Placement;
use super::plan::{Instance, Metal, Pad, PadSetting, Point, Via, Wire};
use std::collections::BTreeMap;

/// Gap between the fan-out's top level and the ground bus, and between the
/// bus and the pads.
pub const BUS_GAP: Nm = 20_000;

pub struct Electrical {
    pub wires: Vec<Wire>,
    pub pads: Vec<Pad>,
    pub vias: Vec<Via>,
    /// y of the pads' top edge.
    pub top: Nm,
}

/// `setting(instance index, heater index)` gives what a pad programs.
pub fn wire(
    placement: &Placement,
    instances: &mut [Instance],
    by_column: &[Vec<usize>],
    east: Nm,
    setting: &dyn Fn(&Instance, usize) -> PadSetting,
) -> Electrical {
    let top_row_y = super::place::row_y(placement.top_row);
    let fan0 = top_row_y + MODE_PITCH;
    struct Entry {
        inst: usize,
        heater: usize,
        signal: Point,
        y: Nm,
    }
    let mut columns: Vec<Vec<(Entry, Nm, Nm, usize)>> = Vec::new(); // entry, track x, pad x, level
    let mut max_levels = 0;
    let mut pad_index = 0usize;
    for (c, members) in by_column.iter().enumerate() {
        let col = &placement.columns[c];
        let mut entries: Vec<Entry> = Vec::new();
        for &i in members {
            for (h, heater) in instances[i].heaters.iter().enumerate() {
                entries.push(Entry {
                    inst: i,
                    heater: h,
                    signal: heater.signal,
                    y: heater.signal.1 + heater.rise,
                });
            }
        }
        // Lowest entry → eastmost track.
        entries.sort_by_key(|e| e.y);
        let n = entries.len();
        let mut wires: Vec<(Entry, Nm, Nm, usize)> = entries
            .into_iter()
            .enumerate()
            .map(|(rank, e)| {
                let track = col.track_x(n - 1 - rank);
                (e, track, 0, 0)
            })
            .collect();
        wires.sort_by_key(|w| w.1);
        for (k, w) in wires.iter_mut().enumerate() {
            w.2 = col.x + PAD_PITCH / 2 + k as Nm * PAD_PITCH;
        }
        let west: Vec<usize> = (0..n).filter(|&k| wires[k].2 < wires[k].1).collect();
        let east_going: Vec<usize> = (0..n).filter(|&k| wires[k].2 > wires[k].1).collect();
        for (rank, &k) in west.iter().enumerate() {
            wires[k].3 = rank;
        }
        for (rank, &k) in east_going.iter().enumerate() {
            wires[k].3 = east_going.len() - 1 - rank;
        }
        max_levels = max_levels.max(west.len()).max(east_going.len());
        pad_index += n;
        columns.push(wires);
    }
    let bus_y = fan0 + max_levels as Nm * WIRE_PITCH + BUS_GAP;
    let pad_y = bus_y + BUS_GAP + PAD_SIZE / 2;
    let mut wires = Vec::with_capacity(pad_index);
    let mut pads = Vec::with_capacity(pad_index + 2);
    let width = pad_index.max(1).to_string().len();
    let mut next = 0usize;
    for column in columns {
        for (e, track, pad_x, level) in column {
            let name = format!("optc_pad{:0width$}", next);
            next += 1;
            let h = fan0 + level as Nm * WIRE_PITCH;
            let points = simplify(vec![
                e.signal,
                (e.signal.0, e.y),
                (track, e.y),
                (track, h),
                (pad_x, h),
                (pad_x, pad_y),
            ]);
            wires.push(Wire {
                net: name.clone(),
                layer: Metal::M3,
                width: WIRE_WIDTH,
                points,
            });
            let s = setting(&instances[e.inst], e.heater);
            instances[e.inst].heaters[e.heater].pad = name.clone();
            pads.push(Pad {
                name: name.clone(),
                center: (pad_x, pad_y),
                net: name,
                setting: Some(s),
            });
        }
    }
    // Ground: one M2 line per ground x, from its lowest via stack to the bus.
    let mut ground_xs: BTreeMap<Nm, Nm> = BTreeMap::new();
    for h in instances.iter().flat_map(|i| &i.heaters) {
        let bottom = ground_xs.entry(h.ground.0).or_insert(h.ground.1);
        *bottom = (*bottom).min(h.ground.1);
    }
    let mut vias = Vec::new();
    if !ground_xs.is_empty() {
        for (&x, &bottom) in &ground_xs {
            wires.push(Wire {
                net: "gnd".into(),
                layer: Metal::M2,
                width: WIRE_WIDTH,
                points: vec![(x, bottom), (x, bus_y)],
            });
        }
        let first = *ground_xs.keys().next().expect("not empty");
        let gx: Vec<Nm> = (0..2)
            .map(|k| east + PAD_PITCH / 2 + k * PAD_PITCH)
            .collect();
        wires.push(Wire {
            net: "gnd".into(),
            layer: Metal::M2,
            width: WIRE_WIDTH,
            points: vec![(first, bus_y), (gx[1], bus_y), (gx[1], pad_y)],
        });
        wires.push(Wire {
            net: "gnd".into(),
            layer: Metal::M2,
            width: WIRE_WIDTH,
            points: vec![(gx[0], bus_y), (gx[0], pad_y)],
        });
        for (k, &x) in gx.iter().enumerate() {
            pads.push(Pad {
                name: format!("optc_gnd{k}"),
                center: (x, pad_y),
                net: "gnd".into(),
                setting: None,
            });
            vias.push(Via {
                center: (x, pad_y),
                size: PAD_SIZE,
            });
        }
    }
    Electrical {
        wires,
        pads,
        vias,
        top: pad_y + PAD_SIZE / 2,
    }
}

//! The plan's own design-rule check, run before anything is drawn: no two
//! waveguides (routes, cells, edge couplers) closer than `WG_CLEARANCE`
//! except a route and the two cells it joins; no two metal shapes of
//! different nets on one layer closer than `METAL_CLEARANCE`; every port
//! used once; routes Manhattan with room for their bends; every heater on
//! its own pad. The builder checks the drawn geometry again (spec/layout.md).

use super::cells::{
    CellKind, Nm, CORNER_EXTENT, COUPLER_GAP, EDGE_COUPLER_LENGTH, MODE_PITCH, PAD_SIZE, VIA_SIZE,
    WG_WIDTH, WIRE_WIDTH,
};
use super::plan::{Instance, Metal, Plan, Point};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const WG_CLEARANCE: Nm = 1_000;
pub const METAL_CLEARANCE: Nm = 2_000;

/// An axis-aligned rectangle `[x0, x1] × [y0, y1]` owned by a net.
#[derive(Debug, Clone, Copy)]
struct Shape {
    x0: Nm,
    y0: Nm,
    x1: Nm,
    y1: Nm,
    net: usize,
}

fn segment(a: Point, b: Point, width: Nm, net: usize) -> Shape {
    let h = width / 2;
    Shape {
        x0: a.0.min(b.0) - h,
        y0: a.1.min(b.1) - h,
        x1: a.0.max(b.0) + h,
        y1: a.1.max(b.1) + h,
        net,
    }
}

fn square(c: Point, size: Nm, net: usize) -> Shape {
    segment(c, c, size, net)
}

/// Pairs of shapes of different nets closer than `clearance`, except the
/// pairs `allowed` says may touch; found through a uniform grid.
fn conflicts(
    shapes: &[Shape],
    clearance: Nm,
    allowed: &dyn Fn(usize, usize) -> bool,
) -> Option<(usize, usize)> {
    const CELL: Nm = 200_000;
    let mut grid: HashMap<(Nm, Nm), Vec<usize>> = HashMap::new();
    for (i, s) in shapes.iter().enumerate() {
        let (gx0, gx1) = (
            (s.x0 - clearance).div_euclid(CELL),
            (s.x1 + clearance).div_euclid(CELL),
        );
        let (gy0, gy1) = (
            (s.y0 - clearance).div_euclid(CELL),
            (s.y1 + clearance).div_euclid(CELL),
        );
        for gx in gx0..=gx1 {
            for gy in gy0..=gy1 {
                grid.entry((gx, gy)).or_default().push(i);
            }
        }
    }
    for members in grid.values() {
        for (k, &i) in members.iter().enumerate() {
            for &j in &members[k + 1..] {
                let (a, b) = (&shapes[i], &shapes[j]);
                if a.net == b.net || allowed(a.net, b.net) {
                    continue;
                }
                let near = a.x0 < b.x1 + clearance
                    && b.x0 < a.x1 + clearance
                    && a.y0 < b.y1 + clearance
                    && b.y0 < a.y1 + clearance;
                if near {
                    return Some((a.net, b.net));
                }
            }
        }
    }
    None
}

pub fn check(plan: &Plan) -> Result<(), String> {
    // Nets: instances, couplers, routes (optical); pads' nets (metal).
    let mut names: Vec<String> = Vec::new();
    let mut id: HashMap<String, usize> = HashMap::new();
    let mut net = |n: &str| -> usize {
        if let Some(&i) = id.get(n) {
            return i;
        }
        names.push(n.to_string());
        id.insert(n.to_string(), names.len() - 1);
        names.len() - 1
    };

    // Where every port is: cells' west and east ports, couplers' o1.
    let mut at: HashMap<String, Point> = HashMap::new();
    let ports = |inst: &Instance| {
        let west = inst.west.iter().map(|&r| (true, r));
        west.chain(inst.east.iter().map(|&r| (false, r)))
            .map(|(input, r)| {
                let name = inst.port(input, r).expect("its own port");
                (name, inst.port_at(input, r))
            })
            .collect::<Vec<_>>()
    };
    for inst in &plan.instances {
        at.extend(ports(inst));
    }
    for ec in &plan.couplers {
        at.insert(format!("{},o1", ec.name), (EDGE_COUPLER_LENGTH, ec.y));
    }
    // Ports used once, routes from port to port, Manhattan, with room for
    // their corners.
    let mut used = BTreeSet::new();
    let mut joins: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut optical = Vec::new();
    for r in &plan.routes {
        for p in [&r.from, &r.to] {
            if !used.insert(p.clone()) {
                return Err(format!("port `{p}` is routed twice"));
            }
        }
        if r.points.len() < 2 {
            return Err(format!("route `{}` has fewer than two points", r.name));
        }
        for (p, end) in [
            (&r.from, r.points[0]),
            (&r.to, r.points[r.points.len() - 1]),
        ] {
            match at.get(p) {
                None => return Err(format!("route `{}` names no such port `{p}`", r.name)),
                Some(&q) if q != end => {
                    return Err(format!(
                        "route `{}` ends at {end:?}, not at its port `{p}` at {q:?}",
                        r.name
                    ))
                }
                Some(_) => {}
            }
        }
        let corners = r.points.len() - 2;
        for (k, w) in r.points.windows(2).enumerate() {
            let (a, b) = (w[0], w[1]);
            if a.0 != b.0 && a.1 != b.1 {
                return Err(format!(
                    "route `{}` is not Manhattan at {a:?}–{b:?}",
                    r.name
                ));
            }
            let len = (b.0 - a.0).abs() + (b.1 - a.1).abs();
            // Room for the drawn corner at each corner end of the segment.
            let need = CORNER_EXTENT * ((k > 0) as Nm + (k < corners) as Nm);
            if len < need {
                return Err(format!(
                    "route `{}`: segment {a:?}–{b:?} is shorter than its bends need",
                    r.name
                ));
            }
        }
        let me = net(&r.name);
        let ends = [&r.from, &r.to].map(|p| net(p.split(',').next().unwrap_or("")));
        for e in ends {
            joins.insert((me.min(e), me.max(e)));
        }
        for w in r.points.windows(2) {
            optical.push(segment(w[0], w[1], WG_WIDTH, me));
        }
    }
    let s_bend = (MODE_PITCH - COUPLER_GAP - WG_WIDTH) / 2;
    for inst in &plan.instances {
        let me = net(&inst.name);
        let (x, y) = inst.origin;
        let top = y + (inst.height() as Nm - 1) * MODE_PITCH;
        let rise = if matches!(inst.cell, CellKind::MziDelay | CellKind::Mzi3Delay) {
            s_bend
        } else {
            0
        };
        optical.push(Shape {
            x0: x,
            y0: y - WG_WIDTH / 2,
            x1: x + inst.length,
            y1: top + rise + WG_WIDTH / 2,
            net: me,
        });
        // Every port of a cell is routed.
        for (port, _) in ports(inst) {
            if !used.contains(&port) {
                return Err(format!("port `{port}` is not routed"));
            }
        }
    }
    for ec in &plan.couplers {
        if !used.contains(&format!("{},o1", ec.name)) {
            return Err(format!("edge coupler `{}` is not routed", ec.name));
        }
        let me = net(&ec.name);
        optical.push(segment(
            (0, ec.y),
            (EDGE_COUPLER_LENGTH, ec.y),
            WG_WIDTH,
            me,
        ));
    }
    let allowed = |a: usize, b: usize| joins.contains(&(a.min(b), a.max(b)));
    if let Some((a, b)) = conflicts(&optical, WG_CLEARANCE, &allowed) {
        return Err(format!(
            "waveguides `{}` and `{}` come closer than {} nm",
            names[a], names[b], WG_CLEARANCE
        ));
    }

    // Metal, per layer.
    let mut m2 = Vec::new();
    let mut m3 = Vec::new();
    let mut pads: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &plan.pads {
        *pads.entry(p.net.as_str()).or_default() += 1;
        m3.push(square(p.center, PAD_SIZE, net(&p.net)));
    }
    for inst in &plan.instances {
        for h in &inst.heaters {
            if pads.get(h.pad.as_str()) != Some(&1) {
                return Err(format!(
                    "heater {} of `{}` has no pad of its own",
                    h.knob.name(),
                    inst.name
                ));
            }
            let (s, g) = (net(&h.pad), net("gnd"));
            m3.push(square(h.signal, VIA_SIZE, s));
            m2.push(square(h.signal, VIA_SIZE, s));
            m3.push(square(h.ground, VIA_SIZE, g));
            m2.push(square(h.ground, VIA_SIZE, g));
        }
    }
    for v in &plan.vias {
        m2.push(square(v.center, v.size, net("gnd")));
    }
    for w in &plan.wires {
        let me = net(&w.net);
        let layer = match w.layer {
            Metal::M2 => &mut m2,
            Metal::M3 => &mut m3,
        };
        for s in w.points.windows(2) {
            layer.push(segment(s[0], s[1], w.width.max(WIRE_WIDTH), me));
        }
    }
    let none = |_: usize, _: usize| false;
    for (layer, shapes) in [("M2", &m2), ("M3", &m3)] {
        if let Some((a, b)) = conflicts(shapes, METAL_CLEARANCE, &none) {
            return Err(format!(
                "{layer}: nets `{}` and `{}` come closer than {} nm",
                names[a], names[b], METAL_CLEARANCE
            ));
        }
    }
    Ok(())
}

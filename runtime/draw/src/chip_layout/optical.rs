//! Waveguide routing: straights between neighbouring cells on each mode,
//! the input fan-in from the edge couplers, and the output loop-back that
//! brings every output to the same (west) edge below the inputs.
//!
//! Inputs: edge coupler i (inputs in mode order) sits one fiber pitch below
//! the one before, the first level with its mode; a route runs east, jogs
//! vertically at its own x and enters its mode. Routes going up jog the
//! further east the lower they are, routes going down the further east the
//! higher, so no two cross. Outputs: output j (mode order) leaves east,
//! turns down at x = east end + 2R + (n−1−j)·JOG_PITCH and runs west to its
//! coupler; the top mode's loop encloses all the others, so its coupler is
//! the lowest.

use super::cells::{Nm, BEND_RADIUS, CORNER_EXTENT, EDGE_COUPLER_LENGTH, IO_PITCH, WG_WIDTH};
use super::place::{row_y, Placement};
use super::plan::{EdgeCoupler, Instance, Point, Route};
use super::LayoutError;
use std::collections::BTreeMap;

/// Distance between the vertical jogs of neighbouring I/O routes.
pub const JOG_PITCH: Nm = 20_000;

/// Where the fan-in's jogs start (east of the edge couplers).
pub const FAN_START: Nm = EDGE_COUPLER_LENGTH + 2 * BEND_RADIUS;

/// x at which the first column may start for `inputs` routed inputs.
pub fn fan_in_width(inputs: usize) -> Nm {
    FAN_START + inputs as Nm * JOG_PITCH + 2 * BEND_RADIUS
}

/// The jog x of each I/O route given its two ends' y (index = order on the
/// edge, top first): ascending routes the further east the lower,
/// descending ones the further east the higher.
fn jog_xs(ends: &[(Nm, Nm)]) -> Vec<Nm> {
    let up: Vec<usize> = (0..ends.len()).filter(|&i| ends[i].0 < ends[i].1).collect();
    let down: Vec<usize> = (0..ends.len()).filter(|&i| ends[i].0 > ends[i].1).collect();
    let mut xs = vec![FAN_START; ends.len()];
    for (rank, &i) in up.iter().enumerate() {
        xs[i] = FAN_START + rank as Nm * JOG_PITCH;
    }
    for (rank, &i) in down.iter().enumerate() {
        xs[i] = FAN_START + (down.len() - 1 - rank) as Nm * JOG_PITCH;
    }
    xs
}

/// A Manhattan polyline without repeated or collinear interior points.
pub fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            if (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1) {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// The edge coupler of circuit port `name` at `y_ec` and its route to
/// (`input`) or from a cell port (`name,oK` at its point), jogging
/// vertically at `jog_x`.
fn io_route(
    name: &str,
    y_ec: Nm,
    jog_x: Nm,
    cell: (String, Point),
    input: bool,
) -> (EdgeCoupler, Route) {
    let (cell_port, at) = cell;
    let coupler = format!("optc_ec_{name},o1");
    let mut points = simplify(vec![
        (EDGE_COUPLER_LENGTH, y_ec),
        (jog_x, y_ec),
        (jog_x, at.1),
        at,
    ]);
    let (from, to) = if input {
        (coupler, cell_port)
    } else {
        points.reverse();
        (cell_port, coupler)
    };
    let ec = EdgeCoupler {
        name: format!("optc_ec_{name}"),
        port: name.to_string(),
        y: y_ec,
    };
    let route = Route {
        name: String::new(),
        from,
        to,
        points,
    };
    (ec, route)
}

pub struct Optical {
    pub routes: Vec<Route>,
    pub couplers: Vec<EdgeCoupler>,
    /// East end of the output loops, and the lowest coupler's y.
    pub east: Nm,
    pub bottom: Nm,
}

/// `instances` are the placed cells, `by_column[c]` the indices of column
/// c's. Every east port of a column meets the west port on its mode in
/// the next column; the first column's west ports are the inputs, the
/// last column's east ports the outputs.
pub fn route(
    file: &str,
    placement: &Placement,
    instances: &[Instance],
    by_column: &[Vec<usize>],
    input_names: &[String],
    output_names: &[String],
) -> Result<Optical, LayoutError> {
    let unroutable = |why: String| LayoutError::Unroutable {
        file: file.to_string(),
        why,
    };
    // The cell with a west (or east) port on each mode of a column.
    let side = |c: usize, input: bool| -> BTreeMap<usize, usize> {
        let mut m = BTreeMap::new();
        for &i in &by_column[c] {
            let inst = &instances[i];
            for &r in if input { &inst.west } else { &inst.east } {
                m.insert(r, i);
            }
        }
        m
    };
    let port = |i: usize, input: bool, row: usize| {
        instances[i]
            .port(input, row)
            .expect("the side maps only the cell's own ports")
    };
    let mut routes = Vec::new();
    let last = by_column.len().saturating_sub(1);
    let first_west = side(0, true);
    let last_east = side(last, false);
    for c in 0..last {
        let (from, mut to) = (side(c, false), side(c + 1, true));
        for (row, a) in from {
            let Some(b) = to.remove(&row) else {
                return Err(unroutable(format!(
                    "the light leaving `{}` on mode {row} meets no cell in the next column",
                    instances[a].name
                )));
            };
            routes.push(Route {
                name: String::new(),
                from: port(a, false, row),
                to: port(b, true, row),
                points: vec![
                    instances[a].port_at(false, row),
                    instances[b].port_at(true, row),
                ],
            });
        }
        if let Some((row, b)) = to.into_iter().next() {
            return Err(unroutable(format!(
                "`{}` on mode {row} is fed by nothing in the column before",
                instances[b].name
            )));
        }
    }
    for (name, rows, map) in [
        ("input", &placement.inputs, &first_west),
        ("output", &placement.outputs, &last_east),
    ] {
        let want: Vec<usize> = rows.keys().copied().collect();
        let got: Vec<usize> = map.keys().copied().collect();
        if want != got {
            return Err(unroutable(format!(
                "the {name} modes {want:?} are not the modes {got:?} of the {} column's ports",
                if name == "input" { "first" } else { "last" }
            )));
        }
    }
    // Inputs.
    let mut couplers = Vec::new();
    let ins: Vec<(usize, usize)> = placement.inputs.iter().map(|(&r, &e)| (r, e)).collect();
    let top_y = ins.first().map(|&(r, _)| row_y(r)).unwrap_or(0);
    let ends: Vec<(Nm, Nm)> = ins
        .iter()
        .enumerate()
        .map(|(i, &(r, _))| (top_y - i as Nm * IO_PITCH, row_y(r)))
        .collect();
    let check_jog = |name: &str, dy: Nm| {
        if dy != 0 && dy.abs() < 2 * CORNER_EXTENT {
            Err(unroutable(format!(
                "the route of `{name}` would jog {dy} nm, less than two drawn corners need"
            )))
        } else {
            Ok(())
        }
    };
    for ((i, &(row, e)), x) in ins.iter().enumerate().zip(jog_xs(&ends)) {
        let name = &input_names[e];
        let (y_ec, y_row) = ends[i];
        check_jog(name, y_row - y_ec)?;
        let first = first_west[&row];
        let cell = (port(first, true, row), instances[first].port_at(true, row));
        let (ec, route) = io_route(name, y_ec, x, cell, true);
        couplers.push(ec);
        routes.push(route);
    }
    // Outputs: below the inputs on the same pitch, below the mesh.
    let outs: Vec<(usize, usize)> = placement.outputs.iter().map(|(&r, &k)| (r, k)).collect();
    let n = outs.len() as Nm;
    let lowest_row = row_y(placement.bottom_row);
    let mut first_out = ends.last().map(|e| e.0).unwrap_or(top_y) - IO_PITCH;
    while first_out > lowest_row - 2 * CORNER_EXTENT - WG_WIDTH {
        first_out -= IO_PITCH;
    }
    let east = instances
        .iter()
        .map(|i| i.origin.0 + i.length)
        .max()
        .unwrap_or(0)
        .max(placement.columns.last().map(|c| c.x + c.width).unwrap_or(0));
    let mut bottom = first_out;
    for (j, &(row, k)) in outs.iter().enumerate() {
        let j = j as Nm;
        let name = &output_names[k];
        let y_ec = first_out - (n - 1 - j) * IO_PITCH;
        bottom = bottom.min(y_ec);
        let x = east + 2 * BEND_RADIUS + (n - 1 - j) * JOG_PITCH;
        let last = last_east[&row];
        let cell = (port(last, false, row), instances[last].port_at(false, row));
        let (ec, route) = io_route(name, y_ec, x, cell, false);
        couplers.push(ec);
        routes.push(route);
    }
    for (i, r) in routes.iter_mut().enumerate() {
        r.name = format!("optc_wg{i}");
    }
    let east = east + 2 * BEND_RADIUS + n.max(1) * JOG_PITCH + 2 * BEND_RADIUS;
    Ok(Optical {
        routes,
        couplers,
        east,
        bottom,
    })
}

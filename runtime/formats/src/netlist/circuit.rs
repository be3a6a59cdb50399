//! The validated, resolved form of a netlist: kinds parsed, attributes
//! defaulted and range-checked, every port connected exactly once, and a
//! topological order of the instances (petgraph).

use super::cell::{CellDriver, CellLayout, MAX_CELL_MODES, MAX_EXPANDED_MZIS};
use super::error::{FormatError, Problem};
use super::locate::KeyLines;
use super::port::PortName;
use super::port_table::PortTable;
use super::{structure_hash, Netlist, Placement};
use optc_model::component::Kind;
use petgraph::graph::DiGraph;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// A resolved instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub name: String,
    pub kind: Kind,
    /// Values of `kind.attrs()`, in that order, defaults filled in.
    pub attrs: Vec<f64>,
    pub placement: Option<Placement>,
    pub inputs: usize,
    pub outputs: usize,
    /// The line of the instance in the netlist file.
    pub line: Option<usize>,
}

impl Node {
    /// The value of a fixed attribute (NaN if the kind has no such attribute).
    pub fn attr(&self, name: &str) -> f64 {
        self.kind
            .attrs()
            .iter()
            .position(|a| a.name == name)
            .map_or(f64::NAN, |i| self.attrs[i])
    }
}

/// An output port of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub node: usize,
    pub port: usize,
}

/// What drives an input port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    /// External input number k.
    External(usize),
    Node(Endpoint),
}

/// A validated netlist, ready to plan.
#[derive(Debug, Clone)]
pub struct Circuit {
    pub file: String,
    pub name: String,
    pub hash: String,
    pub modes: usize,
    pub nodes: Vec<Node>,
    /// `drivers[node][input port]`.
    pub drivers: PortTable<Driver>,
    /// External inputs in order (natural order of their names).
    pub input_names: Vec<String>,
    /// External outputs in order, with the node output each one reads.
    pub outputs: Vec<(String, Endpoint)>,
    /// Instances in propagation (topological) order.
    pub order: Vec<usize>,
    /// The nodes each cell instance expanded to (empty for a flat netlist).
    pub cells: Vec<CellSpan>,
}

/// An endpoint as written, `"a , in0"` shown as `a,in0` (as it resolves);
/// for a cell instance that is its own port, not the MZI port behind it.
fn shown(endpoint: &str) -> String {
    match endpoint.split_once(',') {
        Some((i, p)) => format!("{},{}", i.trim(), p.trim()),
        None => endpoint.trim().to_string(),
    }
}

/// Orders `in2` before `in10`.
fn natural_key(s: &str) -> (String, u64, String) {
    let digits = s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (prefix, num) = s.split_at(s.len() - digits);
    (prefix.to_string(), num.parse().unwrap_or(0), s.to_string())
}

/// The MZIs one cell instance expanded to: nodes `nodes`, in the order of
/// its layout (column by column, top mode first), `columns[c]` of them in
/// column c. The phase file programs them as arrays (`meshes:`).
#[derive(Debug, Clone, PartialEq)]
pub struct CellSpan {
    /// The cell instance.
    pub name: String,
    /// The cell it instantiates.
    pub cell: String,
    pub nodes: std::ops::Range<usize>,
    pub columns: Vec<usize>,
}

/// What a top-level instance name stands for.
#[derive(Clone, Copy)]
enum Target {
    Node(usize),
    /// Cell instance number k (`cell_layouts[k]`, `spans[k]`).
    Cell(usize),
}

impl Circuit {
    /// Validates `netlist`; `text` is its source, used to locate errors.
    pub fn new(netlist: &Netlist, file: &str, text: &str) -> Result<Circuit, FormatError> {
        let err = |p: Problem| FormatError::new(file, p);
        let lines = KeyLines::new(text);
        let key_line = |section: &str, key: &str| lines.key(section, key);
        let inst_err = |name: &str, p: Problem| {
            err(p)
                .at_instance(name)
                .at_line(key_line("instances", name))
        };
        // Cells: checked here, each laid out once, when first instantiated.
        let mut layouts: HashMap<&str, Rc<CellLayout>> = HashMap::new();
        for (name, cell) in &netlist.cells {
            let line = key_line("cells", name);
            if Kind::from_name(name).is_some() {
                return Err(err(Problem::BadCell {
                    cell: name.clone(),
                    why: "its name is a component kind".into(),
                })
                .at_line(line));
            }
            if !(2..=MAX_CELL_MODES).contains(&cell.modes) {
                return Err(err(Problem::BadCell {
                    cell: name.clone(),
                    why: format!(
                        "a mesh needs 2 to {MAX_CELL_MODES} modes, not {}",
                        cell.modes
                    ),
                })
                .at_line(line));
            }
        }
        let mut index = HashMap::new();
        let mut nodes = Vec::with_capacity(netlist.instances.len());
        let mut spans: Vec<CellSpan> = Vec::new();
        let mut cell_layouts: Vec<Rc<CellLayout>> = Vec::new();
        for (name, inst) in &netlist.instances {
            let line = key_line("instances", name);
            if let Some(cell) = netlist.cells.get(&inst.component) {
                // No larger than the mode grid: this also bounds what a
                // small file can make the loader build.
                if cell.modes > netlist.modes {
                    return Err(inst_err(
                        name,
                        Problem::ModeOutOfRange {
                            mode: cell.modes - 1,
                            modes: netlist.modes,
                            hint: " (a cell of M modes at mode m uses modes m to m+M-1)",
                        },
                    ));
                }
                let mzis = cell.modes * (cell.modes - 1) / 2;
                if nodes.len() + mzis > MAX_EXPANDED_MZIS {
                    return Err(inst_err(
                        name,
                        Problem::BadCell {
                            cell: inst.component.clone(),
                            why: format!(
                                "the netlist's cell instances would expand to more than \
                                 {MAX_EXPANDED_MZIS} MZIs"
                            ),
                        },
                    ));
                }
                let layout = layouts
                    .entry(inst.component.as_str())
                    .or_insert_with(|| Rc::new(cell.layout().expect("modes checked above")));
                let layout = Rc::clone(layout);
                if let Some(attr) = inst.settings.keys().next() {
                    return Err(inst_err(
                        name,
                        Problem::ExtraAttr {
                            attr: attr.clone(),
                            kind: inst.component.clone(),
                            allowed: "none".into(),
                        },
                    ));
                }
                index.insert(name.as_str(), Target::Cell(spans.len()));
                let first = nodes.len();
                nodes.extend((0..layout.len()).map(|i| Node {
                    name: layout.mzi_name(name, i),
                    kind: Kind::Mzi(cell.mesh.cell),
                    attrs: Vec::new(),
                    placement: None,
                    inputs: 2,
                    outputs: 2,
                    line,
                }));
                spans.push(CellSpan {
                    name: name.clone(),
                    cell: inst.component.clone(),
                    nodes: first..nodes.len(),
                    columns: layout.columns.clone(),
                });
                cell_layouts.push(layout);
                continue;
            }
            let kind = Kind::from_name(&inst.component).ok_or_else(|| {
                let known: Vec<_> = Kind::ALL
                    .iter()
                    .map(|k| k.name())
                    .chain(netlist.cells.keys().map(String::as_str))
                    .collect();
                inst_err(
                    name,
                    Problem::UnknownKind {
                        kind: inst.component.clone(),
                        known: known.join(", "),
                    },
                )
            })?;
            let attrs = resolve_attrs(kind, &inst.settings).map_err(|p| inst_err(name, p))?;
            let k = if matches!(kind, Kind::Splitter | Kind::Combiner) {
                attrs[0] as usize
            } else {
                0
            };
            let (inputs, outputs) = kind.port_counts(k);
            index.insert(name.as_str(), Target::Node(nodes.len()));
            nodes.push(Node {
                name: name.clone(),
                kind,
                attrs,
                placement: None,
                inputs,
                outputs,
                line,
            });
        }
        // A generated MZI name must not also be written as an instance.
        for span in &spans {
            if let Some(n) = nodes[span.nodes.clone()]
                .iter()
                .find(|n| index.contains_key(n.name.as_str()))
            {
                return Err(inst_err(
                    &n.name,
                    Problem::CellNameClash {
                        name: n.name.clone(),
                        instance: span.name.clone(),
                    },
                ));
            }
        }

        let mut cell_placements: Vec<Option<Placement>> = vec![None; spans.len()];
        for (name, p) in &netlist.placements {
            let line = key_line("placements", name);
            let &target = index.get(name.as_str()).ok_or_else(|| {
                err(Problem::UnknownInstance { name: name.clone() }).at_line(line)
            })?;
            let span = match target {
                Target::Node(i) if nodes[i].kind.mzi_cell().is_some() => 2,
                Target::Node(_) => 1,
                Target::Cell(c) => cell_layouts[c].modes,
            };
            if p.mode
                .checked_add(span)
                .is_none_or(|end| end > netlist.modes)
            {
                let hint = match target {
                    Target::Node(_) if span == 2 => " (an MZI at mode m uses modes m and m+1)",
                    Target::Cell(_) => " (a cell of M modes at mode m uses modes m to m+M-1)",
                    Target::Node(_) => "",
                };
                return Err(err(Problem::ModeOutOfRange {
                    mode: p.mode.saturating_add(span - 1),
                    modes: netlist.modes,
                    hint,
                })
                .at_instance(name)
                .at_line(line));
            }
            match target {
                Target::Node(i) => nodes[i].placement = Some(*p),
                Target::Cell(c) => cell_placements[c] = Some(*p),
            }
        }
        for (c, span) in spans.iter().enumerate() {
            let Some(at) = cell_placements[c] else {
                return Err(inst_err(&span.name, Problem::MissingPlacement));
            };
            let layout = &cell_layouts[c];
            if at.column.checked_add(layout.depth()).is_none() {
                return Err(err(Problem::BadCell {
                    cell: span.cell.clone(),
                    why: format!(
                        "placed at column {}, its {} columns would end past the largest column number",
                        at.column,
                        layout.depth()
                    ),
                })
                .at_instance(&span.name)
                .at_line(key_line("placements", &span.name)));
            }
            for (node, &(col, mode)) in nodes[span.nodes.clone()].iter_mut().zip(&layout.positions)
            {
                node.placement = Some(Placement {
                    column: at.column + col,
                    mode: at.mode + mode,
                });
            }
        }
        if let Some(n) = nodes
            .iter()
            .find(|n| n.kind.mzi_cell().is_some() && n.placement.is_none())
        {
            return Err(inst_err(&n.name, Problem::MissingPlacement));
        }

        // Resolves "inst,port" to (node, port); a cell's port is the port
        // of the MZI it is wired to.
        let endpoint = |s: &str, line: Option<usize>| -> Result<(usize, PortName), FormatError> {
            let bad = || {
                err(Problem::BadEndpoint {
                    endpoint: s.to_string(),
                })
                .at_line(line)
            };
            let (inst, port) = s.split_once(',').ok_or_else(bad)?;
            let (inst, port) = (inst.trim(), port.trim());
            let &target = index.get(inst).ok_or_else(|| {
                err(Problem::UnknownInstance {
                    name: inst.to_string(),
                })
                .at_line(line)
            })?;
            let bad_port = |kind: &str, ports: String| {
                err(Problem::BadPort {
                    port: port.to_string(),
                    kind: kind.to_string(),
                    ports,
                })
                .at_instance(inst)
                .at_line(line)
            };
            match target {
                Target::Node(i) => {
                    let node = &nodes[i];
                    let parsed = PortName::parse(port).filter(|p| match *p {
                        PortName::In(k) => k < node.inputs,
                        PortName::Out(k) => k < node.outputs,
                    });
                    parsed.map(|p| (i, p)).ok_or_else(|| {
                        let ports: Vec<String> = (0..node.inputs)
                            .map(|k| PortName::In(k).to_string())
                            .chain((0..node.outputs).map(|k| PortName::Out(k).to_string()))
                            .collect();
                        bad_port(
                            node.kind.name(),
                            if ports.is_empty() {
                                "none".into()
                            } else {
                                ports.join(", ")
                            },
                        )
                    })
                }
                Target::Cell(c) => {
                    let layout = &cell_layouts[c];
                    let first = spans[c].nodes.start;
                    match PortName::parse(port).and_then(|p| layout.port(p)) {
                        Some((m, p)) => Ok((first + m, p)),
                        None => Err(bad_port(
                            &spans[c].cell,
                            format!("in0..in{last}, out0..out{last}", last = layout.modes - 1),
                        )),
                    }
                }
            }
        };

        let mut drivers = PortTable::new(nodes.iter().map(|n| n.inputs), None::<Driver>);
        let mut consumed = PortTable::new(nodes.iter().map(|n| n.outputs), false);
        let mut graph = DiGraph::<usize, ()>::with_capacity(nodes.len(), netlist.connections.len());
        let gnodes: Vec<_> = (0..nodes.len()).map(|i| graph.add_node(i)).collect();
        // Inside each cell, as its layout wires it.
        for (span, layout) in spans.iter().zip(&cell_layouts) {
            let first = span.nodes.start;
            for (i, d) in layout.drivers.iter().enumerate() {
                for (p, d) in d.iter().enumerate() {
                    if let CellDriver::Mzi { mzi, port } = *d {
                        let from = first + mzi;
                        *consumed.at(from, port) = true;
                        *drivers.at(first + i, p) =
                            Some(Driver::Node(Endpoint { node: from, port }));
                        graph.add_edge(gnodes[from], gnodes[first + i], ());
                    }
                }
            }
        }

        // External ports, in natural order of their names.
        let mut port_names: Vec<&String> = netlist.ports.keys().collect();
        port_names.sort_by_cached_key(|s| natural_key(s));
        let mut input_names = Vec::new();
        let mut outputs = Vec::new();
        for name in port_names {
            let line = key_line("ports", name);
            let written = &netlist.ports[name];
            let (i, p) = endpoint(written, line)?;
            let multiply = || {
                err(Problem::MultiplyConnected {
                    port: shown(written),
                })
                .at_line(line)
            };
            match p {
                PortName::In(k) => {
                    if drivers.at(i, k).is_some() {
                        return Err(multiply());
                    }
                    *drivers.at(i, k) = Some(Driver::External(input_names.len()));
                    input_names.push(name.clone());
                }
                PortName::Out(k) => {
                    if *consumed.at(i, k) {
                        return Err(multiply());
                    }
                    *consumed.at(i, k) = true;
                    outputs.push((name.clone(), Endpoint { node: i, port: k }));
                }
            }
        }

        for (a, b) in &netlist.connections {
            let line = key_line("connections", a);
            let (ia, pa) = endpoint(a, line)?;
            let (ib, pb) = endpoint(b, line)?;
            let ((from, out, from_text), (to, inp, to_text)) = match (pa, pb) {
                (PortName::Out(o), PortName::In(k)) => ((ia, o, a), (ib, k, b)),
                (PortName::In(k), PortName::Out(o)) => ((ib, o, b), (ia, k, a)),
                _ => {
                    return Err(err(Problem::Direction {
                        a: a.clone(),
                        b: b.clone(),
                    })
                    .at_line(line))
                }
            };
            if *consumed.at(from, out) {
                return Err(err(Problem::MultiplyConnected {
                    port: shown(from_text),
                })
                .at_line(line));
            }
            if drivers.at(to, inp).is_some() {
                return Err(err(Problem::MultiplyConnected {
                    port: shown(to_text),
                })
                .at_line(line));
            }
            if nodes[from].kind == Kind::Detector && nodes[to].kind != Kind::Terminator {
                return Err(err(Problem::ElectricalIntoOptical {
                    port: shown(from_text),
                })
                .at_line(line));
            }
            *consumed.at(from, out) = true;
            *drivers.at(to, inp) = Some(Driver::Node(Endpoint {
                node: from,
                port: out,
            }));
            graph.add_edge(gnodes[from], gnodes[to], ());
        }

        // Node by node, an unconnected output before an unconnected input.
        let unconnected = |node: &Node, port: PortName| {
            inst_err(
                &node.name,
                Problem::Unconnected {
                    port: format!("{},{port}", node.name),
                },
            )
        };
        for (i, node) in nodes.iter().enumerate() {
            if let Some(k) = consumed[i].iter().position(|c| !c) {
                return Err(unconnected(node, PortName::Out(k)));
            }
            if let Some(k) = drivers[i].iter().position(Option::is_none) {
                return Err(unconnected(node, PortName::In(k)));
            }
        }
        let resolved =
            drivers.try_map(|i, k, d| d.ok_or_else(|| unconnected(&nodes[i], PortName::In(k))))?;

        let order = petgraph::algo::toposort(&graph, None)
            .map_err(|cycle| {
                let name = &nodes[graph[cycle.node_id()]].name;
                inst_err(name, Problem::Cycle)
            })?
            .into_iter()
            .map(|g| graph[g])
            .collect();

        if let Some(r) = &netlist.reducer {
            r.validate(netlist, file, text)?;
        }
        if let Some(d) = &netlist.digit_serial {
            d.validate(netlist, file, text)?;
        }
        Ok(Circuit {
            file: file.to_string(),
            name: netlist.name.clone(),
            hash: structure_hash(netlist),
            modes: netlist.modes,
            nodes,
            drivers: resolved,
            input_names,
            outputs,
            order,
            cells: spans,
        })
    }

    /// The first instance whose kind has no transfer matrix, if any.
    pub fn first_nonlinear(&self) -> Option<&Node> {
        self.nodes.iter().find(|n| !n.kind.is_linear())
    }
}

fn resolve_attrs(kind: Kind, given: &BTreeMap<String, f64>) -> Result<Vec<f64>, Problem> {
    let decl = kind.attrs();
    if let Some(extra) = given
        .keys()
        .find(|k| decl.iter().all(|a| a.name != k.as_str()))
    {
        let allowed: Vec<_> = decl.iter().map(|a| a.name).collect();
        return Err(Problem::ExtraAttr {
            attr: extra.clone(),
            kind: kind.name().to_string(),
            allowed: if allowed.is_empty() {
                "none".into()
            } else {
                allowed.join(", ")
            },
        });
    }
    let mut values = Vec::with_capacity(decl.len());
    for a in decl {
        let v = match (given.get(a.name), a.default) {
            (Some(&v), _) => v,
            (None, Some(d)) => d,
            (None, None) => {
                return Err(Problem::MissingAttr {
                    attr: a.name.to_string(),
                    kind: kind.name().to_string(),
                })
            }
        };
        if given.contains_key(a.name) {
            check_attr(kind, a.name, v)?;
        }
        values.push(v);
    }
    Ok(values)
}

fn check_attr(kind: Kind, name: &str, v: f64) -> Result<(), Problem> {
    let (ok, expected) = match (kind, name) {
        (Kind::Coupler, "ratio") => (
            (0.0..=1.0).contains(&v),
            "a power splitting ratio in [0, 1]",
        ),
        (_, "k") => (
            v.fract() == 0.0 && (1.0..=4096.0).contains(&v),
            "an integer fan-out in [1, 4096]",
        ),
        (_, "power_gain") => (v >= 1.0 && v.is_finite(), "a finite power gain ≥ 1"),
        (_, "amplitude") => (v >= 0.0 && v.is_finite(), "a finite field amplitude ≥ 0"),
        (_, "alpha") => ((0.0..=1.0).contains(&v), "a tap fraction in [0, 1]"),
        _ => (v.is_finite(), "a finite number"),
    };
    if ok {
        Ok(())
    } else {
        Err(Problem::BadValue {
            what: name.to_string(),
            value: v,
            expected: expected.to_string(),
        })
    }
}

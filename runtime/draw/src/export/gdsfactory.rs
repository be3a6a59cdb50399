//! The gdsfactory YAML netlist: every instance a component of gdsfactory's
//! generic PDK (mzi2x2_2x2 for an MZI, …), placed on a grid by its drawing
//! slot (`render::Layout`, which follows the netlist's placement columns)
//! and mode, with its values in the instance's `info`, our connections as
//! `nets` and our external ports mapped to gdsfactory port names.

use super::{check_len, instance_values, to_yaml, unsupported, yaml_number, ExportError};
use crate::render::Layout;
use optc_formats::netlist::{Circuit, Driver, Kind, Netlist, Node};
use optc_model::mzi::MziCell;
use serde_yaml::{Mapping, Value};
use std::collections::HashSet;

/// Distance between drawing slots (µm); the widest cell used (the heater
/// straight) is 336 µm long.
pub const GF_COLUMN_PITCH_UM: f64 = 400.0;
/// Distance between modes (µm).
pub const GF_ROW_PITCH_UM: f64 = 50.0;

/// A generic-PDK cell and its settings.
type Cell = (&'static str, Vec<(&'static str, i64)>);

/// Where the second generic-PDK cell of a fault-tolerant MZI sits: east of
/// the first by this much (µm), both within one slot.
pub const GF_MZI3_MZI_OFFSET_UM: f64 = 50.0;
pub const GF_CROSSING_OFFSET_UM: f64 = 150.0;

/// The gdsfactory component (and its settings) for a node, or why not.
/// The fault-tolerant MZIs are two cells each ([`members`]); this is their
/// MZI.
fn component(node: &Node) -> Result<Cell, &'static str> {
    let k = node.attr("k");
    match node.kind {
        Kind::Mzi(_) => Ok(("mzi2x2_2x2", vec![])),
        Kind::Coupler => Ok(("coupler", vec![])),
        Kind::PhaseShifter => Ok(("straight_heater_metal", vec![])),
        // A variable attenuator is an MZI used 1→1 (gdsfactory's `mzi`).
        Kind::Attenuator => Ok(("mzi", vec![])),
        Kind::Splitter => Ok(("mmi", vec![("inputs", 1), ("outputs", k as i64)])),
        Kind::Combiner => Ok(("mmi", vec![("inputs", k as i64), ("outputs", 1)])),
        Kind::Terminator => Ok(("terminator", vec![])),
        Kind::Detector => Ok(("ge_detector_straight_si_contacts", vec![])),
        Kind::Amplifier => Err("the generic PDK has no optical amplifier cell"),
        Kind::Source => Err("the generic PDK has no laser cell; feed bias light through a port"),
        Kind::EoActivation => Err("the generic PDK has no electro-optic activation cell"),
    }
}

/// One generic-PDK instance drawn for a netlist instance.
struct Member {
    name: String,
    cell: Cell,
    /// East of the slot's x (µm).
    dx: f64,
}

/// A netlist instance as gdsfactory instances: its members (the first
/// carries the instance's values), the nets between them, and the
/// "instance,port" of each of our `in j` and `out j`.
struct Drawn {
    members: Vec<Member>,
    nets: Vec<(String, String)>,
    inputs: Vec<String>,
    outputs: Vec<String>,
}

/// The 3-splitter MZI is an `mmi2x2` (the extra 50:50 coupler, at the
/// input) feeding an MZI; the MZI + crossing an MZI feeding a
/// `crossing45`, whose west-top port leaves east-bottom (and west-bottom
/// east-top), so `out0` carries the MZI's lower output.
fn members(node: &Node) -> Result<Drawn, &'static str> {
    let cell = component(node)?;
    let name = node.name.clone();
    let at = |n: &str, port: &str| format!("{n},{port}");
    let mzi_in = |n: &str| vec![at(n, "o2"), at(n, "o1")];
    let mzi_out = |n: &str| vec![at(n, "o3"), at(n, "o4")];
    Ok(match node.kind {
        Kind::Mzi(MziCell::ThreeSplitter) => {
            let split = format!("{name}__coupler");
            Drawn {
                nets: vec![
                    (at(&split, "o3"), at(&name, "o2")),
                    (at(&split, "o4"), at(&name, "o1")),
                ],
                inputs: mzi_in(&split),
                outputs: mzi_out(&name),
                members: vec![
                    Member {
                        name,
                        cell,
                        dx: GF_MZI3_MZI_OFFSET_UM,
                    },
                    Member {
                        name: split,
                        cell: ("mmi2x2", vec![]),
                        dx: 0.0,
                    },
                ],
            }
        }
        Kind::Mzi(MziCell::Crossing) => {
            let cross = format!("{name}__crossing");
            Drawn {
                nets: vec![
                    (at(&name, "o3"), at(&cross, "o4")),
                    (at(&name, "o4"), at(&cross, "o2")),
                ],
                inputs: mzi_in(&name),
                outputs: vec![at(&cross, "o3"), at(&cross, "o1")],
                members: vec![
                    Member {
                        name,
                        cell,
                        dx: 0.0,
                    },
                    Member {
                        name: cross,
                        cell: ("crossing45", vec![]),
                        dx: GF_CROSSING_OFFSET_UM,
                    },
                ],
            }
        }
        _ => Drawn {
            inputs: (0..node.inputs)
                .map(|j| at(&name, &gf_port(node, true, j)))
                .collect(),
            outputs: (0..node.outputs)
                .map(|j| at(&name, &gf_port(node, false, j)))
                .collect(),
            nets: vec![],
            members: vec![Member {
                name,
                cell,
                dx: 0.0,
            }],
        },
    })
}

/// gdsfactory's port name for our `in<j>` / `out<j>` (0 = top mode).
/// gdsfactory numbers optical inputs bottom to top (`o1` lowest), then
/// outputs top to bottom.
pub fn gf_port(node: &Node, input: bool, j: usize) -> String {
    if node.kind == Kind::Detector && !input {
        return "top".into(); // the electrical contact
    }
    let (ins, _) = (node.inputs.max(1), node.outputs);
    if input {
        format!("o{}", ins - j)
    } else {
        format!("o{}", ins + 1 + j)
    }
}

/// The gdsfactory YAML netlist of a programmed netlist.
pub fn to_gdsfactory(
    netlist: &Netlist,
    circuit: &Circuit,
    settings: &[[f64; 2]],
) -> Result<String, ExportError> {
    check_len(circuit, settings)?;
    let layout = Layout::new(circuit);
    let names: HashSet<&str> = circuit.nodes.iter().map(|n| n.name.as_str()).collect();
    let mut instances = Mapping::new();
    let mut placements = Mapping::new();
    let mut nets = Vec::new();
    let net = |p1: &str, p2: &str| {
        let mut net = Mapping::new();
        net.insert("p1".into(), p1.into());
        net.insert("p2".into(), p2.into());
        Value::Mapping(net)
    };
    let mut drawn = Vec::with_capacity(circuit.nodes.len());
    for ((node, values), cell) in circuit.nodes.iter().zip(settings).zip(&layout.cells) {
        let d = members(node).map_err(|why| unsupported(circuit, "gdsfactory", node, why))?;
        let (top, bottom) = cell.rows();
        let (x, y) = (
            cell.slot as f64 * GF_COLUMN_PITCH_UM,
            -((top + bottom) as f64) / 2.0 * GF_ROW_PITCH_UM,
        );
        for (m, member) in d.members.iter().enumerate() {
            if m > 0 && names.contains(member.name.as_str()) {
                return Err(unsupported(
                    circuit,
                    "gdsfactory",
                    node,
                    "the name of its second gdsfactory instance (`NAME__coupler` or `NAME__crossing`) is another instance's",
                ));
            }
            let (cell_name, cell_settings) = &member.cell;
            let mut inst = Mapping::new();
            inst.insert("component".into(), (*cell_name).into());
            if !cell_settings.is_empty() {
                let mut s = Mapping::new();
                for (k, v) in cell_settings {
                    s.insert((*k).into(), (*v).into());
                }
                inst.insert("settings".into(), Value::Mapping(s));
            }
            let mut info = Mapping::new();
            if m == 0 {
                info.insert("optc_kind".into(), node.kind.name().into());
                for (name, v) in instance_values(node, values) {
                    info.insert(name.into(), yaml_number(name, v));
                }
            } else {
                info.insert("optc_part_of".into(), node.name.clone().into());
            }
            inst.insert("info".into(), Value::Mapping(info));
            instances.insert(member.name.clone().into(), Value::Mapping(inst));
            let mut p = Mapping::new();
            p.insert("x".into(), Value::from(x + member.dx));
            p.insert("y".into(), Value::from(y));
            placements.insert(member.name.clone().into(), Value::Mapping(p));
        }
        nets.extend(d.nets.iter().map(|(a, b)| net(a, b)));
        drawn.push(d);
    }
    let mut ports = Mapping::new();
    for (i, drivers) in circuit.drivers.iter().enumerate() {
        for (j, d) in drivers.iter().enumerate() {
            let reader = &drawn[i].inputs[j];
            match d {
                Driver::Node(ep) => nets.push(net(&drawn[ep.node].outputs[ep.port], reader)),
                Driver::External(e) => {
                    ports.insert(
                        circuit.input_names[*e].clone().into(),
                        reader.clone().into(),
                    );
                }
            }
        }
    }
    for (name, ep) in &circuit.outputs {
        ports.insert(
            name.clone().into(),
            drawn[ep.node].outputs[ep.port].clone().into(),
        );
    }
    let mut root = Mapping::new();
    root.insert("name".into(), netlist.name.clone().into());
    root.insert("instances".into(), Value::Mapping(instances));
    root.insert("placements".into(), Value::Mapping(placements));
    root.insert("nets".into(), Value::Sequence(nets));
    root.insert("ports".into(), Value::Mapping(ports));
    to_yaml(&circuit.file, "gdsfactory", &Value::Mapping(root))
}

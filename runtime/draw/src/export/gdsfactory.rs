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

/// Distance between drawing slots (µm); the widest cell used (the heater
/// straight) is 336 µm long.
pub const GF_COLUMN_PITCH_UM: f64 = 400.0;
/// Distance between modes (µm).
pub const GF_ROW_PITCH_UM: f64 = 50.0;

/// A generic-PDK cell and its settings.
type Cell = (&'static str, Vec<(&'static str, i64)>);

/// The gdsfactory component (and its settings) for a node, or why not.
fn component(node: &Node) -> Result<Cell, &'static str> {
    let k = node.attr("k");
    match node.kind {
        Kind::Mzi(MziCell::Standard) => Ok(("mzi2x2_2x2", vec![])),
        Kind::Mzi(MziCell::ThreeSplitter) => {
            Err("the generic PDK has no 3-splitter MZI cell; `optc export --to sax` models it")
        }
        Kind::Mzi(MziCell::Crossing) => {
            Err("the generic PDK has no MZI+crossing cell; `optc export --to sax` models it")
        }
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
    let mut instances = Mapping::new();
    let mut placements = Mapping::new();
    for ((node, values), cell) in circuit.nodes.iter().zip(settings).zip(&layout.cells) {
        let (cell_name, cell_settings) =
            component(node).map_err(|why| unsupported(circuit, "gdsfactory", node, why))?;
        let mut inst = Mapping::new();
        inst.insert("component".into(), cell_name.into());
        if !cell_settings.is_empty() {
            let mut s = Mapping::new();
            for (k, v) in cell_settings {
                s.insert(k.into(), v.into());
            }
            inst.insert("settings".into(), Value::Mapping(s));
        }
        let mut info = Mapping::new();
        info.insert("optc_kind".into(), node.kind.name().into());
        for (name, v) in instance_values(node, values) {
            info.insert(name.into(), yaml_number(name, v));
        }
        inst.insert("info".into(), Value::Mapping(info));
        instances.insert(node.name.clone().into(), Value::Mapping(inst));

        let (top, bottom) = cell.rows();
        let mut p = Mapping::new();
        p.insert(
            "x".into(),
            Value::from(cell.slot as f64 * GF_COLUMN_PITCH_UM),
        );
        p.insert(
            "y".into(),
            Value::from(-((top + bottom) as f64) / 2.0 * GF_ROW_PITCH_UM),
        );
        placements.insert(node.name.clone().into(), Value::Mapping(p));
    }
    let endpoint = |i: usize, input: bool, j: usize| {
        format!(
            "{},{}",
            circuit.nodes[i].name,
            gf_port(&circuit.nodes[i], input, j)
        )
    };
    let mut nets = Vec::new();
    let mut ports = Mapping::new();
    for (i, drivers) in circuit.drivers.iter().enumerate() {
        for (j, d) in drivers.iter().enumerate() {
            match d {
                Driver::Node(ep) => {
                    let mut net = Mapping::new();
                    net.insert("p1".into(), endpoint(ep.node, false, ep.port).into());
                    net.insert("p2".into(), endpoint(i, true, j).into());
                    nets.push(Value::Mapping(net));
                }
                Driver::External(e) => {
                    ports.insert(
                        circuit.input_names[*e].clone().into(),
                        endpoint(i, true, j).into(),
                    );
                }
            }
        }
    }
    for (name, ep) in &circuit.outputs {
        ports.insert(
            name.clone().into(),
            endpoint(ep.node, false, ep.port).into(),
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

//! The SAX netlist: `instances` (component = our kind name, settings = the
//! instance's values), `connections` and `ports` in our `in<k>`/`out<k>`
//! port names, which the models (spec/export.md) use as their port names.

use super::{check_len, instance_values, linear, to_yaml, unsupported, yaml_number, ExportError};
use optc_formats::netlist::{Circuit, Netlist};
use serde_yaml::{Mapping, Value};

/// The SAX netlist of a programmed netlist as YAML (also valid input for
/// `yaml.safe_load`; `sax.circuit` takes the loaded dict).
pub fn to_sax(
    netlist: &Netlist,
    circuit: &Circuit,
    settings: &[[f64; 2]],
) -> Result<String, ExportError> {
    check_len(circuit, settings)?;
    let mut instances = Mapping::new();
    for (node, values) in circuit.nodes.iter().zip(settings) {
        if !linear(node.kind) {
            return Err(unsupported(
                circuit,
                "sax",
                node,
                "SAX evaluates linear S-matrices; sources, activations and detectors are not linear",
            ));
        }
        let mut s = Mapping::new();
        for (name, v) in instance_values(node, values) {
            s.insert(name.into(), yaml_number(name, v));
        }
        let mut inst = Mapping::new();
        inst.insert("component".into(), node.kind.name().into());
        inst.insert("settings".into(), Value::Mapping(s));
        instances.insert(node.name.clone().into(), Value::Mapping(inst));
    }
    let map = |m: &std::collections::BTreeMap<String, String>| {
        let mut out = Mapping::new();
        for (k, v) in m {
            out.insert(normalize(k).into(), normalize(v).into());
        }
        out
    };
    let mut root = Mapping::new();
    root.insert("name".into(), netlist.name.clone().into());
    root.insert("instances".into(), Value::Mapping(instances));
    root.insert(
        "connections".into(),
        Value::Mapping(map(&netlist.connections)),
    );
    root.insert("ports".into(), Value::Mapping(map(&netlist.ports)));
    to_yaml(&circuit.file, "sax", &Value::Mapping(root))
}

/// `"a , in0"` → `"a,in0"` (our reader trims around the comma; SAX does not).
fn normalize(endpoint: &str) -> String {
    match endpoint.split_once(',') {
        Some((a, b)) => format!("{},{}", a.trim(), b.trim()),
        None => endpoint.to_string(),
    }
}

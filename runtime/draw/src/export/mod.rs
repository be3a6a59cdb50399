//! Export of a programmed netlist (netlist + resolved phase file) to the
//! netlist formats of other photonics tools (spec/export.md):
//!
//! - `sax`: the instances/connections/ports netlist `sax.circuit` takes,
//!   each instance's `settings` carrying its values (θ, φ, …) for models the
//!   user provides under our kind names;
//! - `gdsfactory`: a YAML netlist `gf.read.from_yaml` builds into a layout
//!   with components of gdsfactory's generic PDK, placed by column and mode.

mod gdsfactory;
mod sax;

pub use gdsfactory::{to_gdsfactory, GF_COLUMN_PITCH_UM, GF_ROW_PITCH_UM};
pub use sax::to_sax;

use optc_formats::netlist::{Circuit, Kind, Node};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExportError {
    #[error("{file}: instance `{instance}`: {target} export does not support component kind `{kind}` ({why})")]
    Unsupported {
        file: String,
        target: &'static str,
        instance: String,
        kind: &'static str,
        why: &'static str,
    },
    #[error("{file}: {len} resolved settings for {nodes} instances (phase file does not match the netlist)")]
    SettingsMismatch {
        file: String,
        len: usize,
        nodes: usize,
    },
    /// The YAML serializer refused the document (never silently empty).
    #[error("{file}: cannot write the {target} netlist as YAML: {message}")]
    Yaml {
        file: String,
        target: &'static str,
        message: String,
    },
}

/// The exported document as YAML text, or an error naming the netlist.
fn to_yaml(
    file: &str,
    target: &'static str,
    doc: &serde_yaml::Value,
) -> Result<String, ExportError> {
    serde_yaml::to_string(doc).map_err(|e| ExportError::Yaml {
        file: file.to_string(),
        target,
        message: e.to_string(),
    })
}

/// The values an exported instance carries: its fixed attributes, then its
/// programmable settings from the phase file (radians / power fractions).
fn instance_values(node: &Node, settings: &[f64; 2]) -> Vec<(&'static str, f64)> {
    let mut out: Vec<(&'static str, f64)> = node
        .kind
        .attrs()
        .iter()
        .zip(&node.attrs)
        .filter(|(_, v)| v.is_finite())
        .map(|(a, v)| (a.name, *v))
        .collect();
    out.extend(
        node.kind
            .programmable()
            .iter()
            .copied()
            .zip(settings.iter().copied()),
    );
    out
}

fn check_len(circuit: &Circuit, settings: &[[f64; 2]]) -> Result<(), ExportError> {
    if settings.len() == circuit.nodes.len() {
        Ok(())
    } else {
        Err(ExportError::SettingsMismatch {
            file: circuit.file.clone(),
            len: settings.len(),
            nodes: circuit.nodes.len(),
        })
    }
}

fn unsupported(
    circuit: &Circuit,
    target: &'static str,
    node: &Node,
    why: &'static str,
) -> ExportError {
    ExportError::Unsupported {
        file: circuit.file.clone(),
        target,
        instance: node.name.clone(),
        kind: node.kind.name(),
        why,
    }
}

/// A YAML number: integral attributes (`k`) as integers.
fn yaml_number(name: &str, v: f64) -> serde_yaml::Value {
    if name == "k" && v.fract() == 0.0 {
        serde_yaml::Value::from(v as i64)
    } else {
        serde_yaml::Value::from(v)
    }
}

/// Whether `kind` has a linear field map (SAX's S-matrices can model it).
fn linear(kind: Kind) -> bool {
    kind.is_linear()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_yaml::value::{Tag, TaggedValue, Value};

    #[test]
    fn a_document_yaml_cannot_hold_is_an_error_not_an_empty_file() {
        let tagged = |value| {
            Value::Tagged(Box::new(TaggedValue {
                tag: Tag::new("t"),
                value,
            }))
        };
        // serde_yaml does not serialize a tag directly inside a tag.
        let doc = tagged(tagged(Value::Null));
        let e = to_yaml("x.netlist.yaml", "sax", &doc).unwrap_err();
        assert!(
            matches!(e, ExportError::Yaml { target: "sax", .. }),
            "{e:?}"
        );
        assert!(
            e.to_string()
                .starts_with("x.netlist.yaml: cannot write the sax netlist"),
            "{e}"
        );
        let ok = to_yaml("x.netlist.yaml", "sax", &Value::String("a".into())).unwrap();
        assert_eq!(ok, "a\n");
    }
}

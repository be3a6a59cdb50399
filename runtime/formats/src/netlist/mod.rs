//! The MZI netlist format (`NAME.netlist.yaml`, spec/netlist.md): the
//! instances / connections / ports vocabulary of gdsfactory and SAX, plus a
//! placement (column, mode) for every MZI. The structure only; programmable
//! settings live in the phase file (`crate::phases`).

mod builder;
mod circuit;
mod error;
mod hash;
mod kind;
pub mod locate;

pub use builder::{BuildError, NetlistBuilder, Rail};
pub use circuit::{Circuit, Driver, Endpoint, Node};
pub use error::{FormatError, Location, Problem};
pub use hash::structure_hash;
pub use kind::{Attr, Kind, PortName};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The netlist format version this build reads and writes.
pub const NETLIST_VERSION: u32 = 1;

/// A netlist as written in YAML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Netlist {
    pub version: u32,
    pub name: String,
    /// Rows of the placement grid (waveguides of the chip).
    pub modes: usize,
    /// External port name → `"instance,port"`.
    pub ports: BTreeMap<String, String>,
    pub instances: BTreeMap<String, Instance>,
    /// `"instance,port": "instance,port"`, one output joined to one input
    /// (either side may come first).
    #[serde(default)]
    pub connections: BTreeMap<String, String>,
    /// Where each placed instance sits; required for every MZI.
    #[serde(default)]
    pub placements: BTreeMap<String, Placement>,
    /// For a compiled reducer: how codes enter and how the result is read
    /// (spec/netlist.md, "The reducer section"). Part of the structure hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reducer: Option<crate::reducer_section::ReducerInterface>,
}

/// One instance: its kind and fixed attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub component: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, f64>,
}

/// A position on the chip grid: an MZI at `mode` couples `mode` and `mode + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    pub column: usize,
    pub mode: usize,
}

#[derive(Deserialize)]
struct Header {
    version: Option<u32>,
}

impl Netlist {
    /// Parses netlist YAML; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Netlist, FormatError> {
        check_version(file, text, "netlist", NETLIST_VERSION)?;
        serde_yaml::from_str(text).map_err(|e| FormatError::from_yaml(file, text, &e))
    }

    /// Reads, parses and validates a netlist file.
    pub fn load(path: &Path) -> Result<(Netlist, Circuit), FormatError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| FormatError::new(&file, Problem::Io(e.to_string())))?;
        let netlist = Netlist::parse(&file, &text)?;
        let circuit = Circuit::new(&netlist, &file, &text)?;
        Ok((netlist, circuit))
    }

    pub fn to_yaml(&self) -> String {
        // Serializing plain maps of strings and numbers cannot fail.
        serde_yaml::to_string(self).unwrap_or_default()
    }
}

/// Reads only `version:` first, so a file of another version gets a version
/// error rather than a confusing shape error.
pub(crate) fn check_version(
    file: &str,
    text: &str,
    what: &'static str,
    expected: u32,
) -> Result<(), FormatError> {
    // Fast path: a block-style `version: N` line that matches needs no
    // second YAML parse of a large file.
    let quick = text
        .lines()
        .find_map(|l| l.strip_prefix("version:"))
        .map(|v| v.split('#').next().unwrap_or("").trim());
    if quick == Some(expected.to_string().as_str()) {
        return Ok(());
    }
    let header: Header =
        serde_yaml::from_str(text).map_err(|e| FormatError::from_yaml(file, text, &e))?;
    match header.version {
        Some(v) if v == expected => Ok(()),
        Some(found) => Err(FormatError::new(
            file,
            Problem::Version {
                what,
                found,
                expected,
            },
        )
        .at_line(locate::section_line(text, "version"))),
        None => Err(FormatError::new(
            file,
            Problem::Syntax(format!(
                "missing field `version` (expected `version: {expected}`)"
            )),
        )),
    }
}

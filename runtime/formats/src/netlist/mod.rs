//! The MZI netlist format (`NAME.netlist.yaml`, spec/netlist.md): the
//! instances / connections / ports vocabulary of gdsfactory and SAX, plus a
//! placement (column, mode) for every MZI. The structure only; programmable
//! settings live in the phase file (`crate::phases`).

pub mod cell;
mod circuit;
pub mod compose;
pub mod digit_serial_section;
mod error;
mod flatten;
mod hash;
pub mod locate;
mod port;
mod port_table;
pub mod reducer_section;
pub mod yaml;

pub use cell::{Cell, CellLayout};
pub use circuit::{CellSpan, Circuit, Driver, Endpoint, Node};
pub use error::{read_text, FormatError, Location, Problem};
pub use hash::{canonical_structure, structure_hash};
pub use optc_model::component::{Attr, Kind};
pub use optc_model::sampling::fnv1a64;
pub use port::PortName;
pub use port_table::PortTable;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The netlist format version this build writes. Version 3 added `cells:`;
/// versions 1 and 2 (flat netlists, whose structure is read the same way)
/// still load.
pub const NETLIST_VERSION: u32 = 3;

const NETLIST_VERSIONS: Versions = Versions {
    what: "netlist",
    current: NETLIST_VERSION,
    also_reads: &[1, 2],
    refused: &[],
    required: true,
};

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
    /// Where each placed instance sits; required for every MZI and every
    /// instance of a cell (its MZIs sit relative to it).
    #[serde(default)]
    pub placements: BTreeMap<String, Placement>,
    /// Sub-netlists an instance can name as its component (a whole MZI
    /// mesh as one instance; spec/netlist.md, "Cells"). Part of the
    /// structure hash.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cells: BTreeMap<String, Cell>,
    /// For a compiled reducer: how codes enter and how the result is read
    /// (spec/netlist.md, "The reducer section"). Part of the structure hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reducer: Option<reducer_section::ReducerInterface>,
    /// For a compiled digit-serial reducer: its stages and link
    /// (spec/netlist.md, "Digit-serial reducers"). Part of the structure hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digit_serial: Option<digit_serial_section::DigitSerialInterface>,
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
        yaml::check_keys(file, text)?;
        check_version(file, text, &NETLIST_VERSIONS)?;
        yaml::from_str(file, text)
    }

    /// Reads, parses and validates a netlist file.
    pub fn load(path: &Path) -> Result<(Netlist, Circuit), FormatError> {
        let (file, text) = crate::netlist::read_text(path)?;
        let netlist = Netlist::parse(&file, &text)?;
        let circuit = Circuit::new(&netlist, &file, &text)?;
        Ok((netlist, circuit))
    }

    /// The netlist as YAML (what `optc compile` writes).
    pub fn to_yaml(&self) -> String {
        // serde_yaml's serializer fails only on byte strings and on an enum
        // inside an externally tagged enum variant; a `Netlist` has neither
        // (strings, numbers, maps, sequences, the internally tagged
        // `InterfaceReadout` and the unit-variant `BitCode`), so this cannot
        // fail, and must never write an empty file if it somehow did.
        serde_yaml::to_string(self).expect("a Netlist always serializes to YAML")
    }
}

/// Which versions of a file format this build reads.
pub(crate) struct Versions {
    pub what: &'static str,
    /// The version this build writes.
    pub current: u32,
    /// Older versions read as they are.
    pub also_reads: &'static [u32],
    /// Older versions refused, each with what to do instead.
    pub refused: &'static [(u32, &'static str)],
    /// Whether `version:` must be written (else it defaults to `current`).
    pub required: bool,
}

/// Reads only `version:` first, so a file of another version gets a version
/// error rather than a confusing shape error. Returns the file's version.
pub(crate) fn check_version(file: &str, text: &str, v: &Versions) -> Result<u32, FormatError> {
    let readable = |n: u32| n == v.current || v.also_reads.contains(&n);
    // Fast path: a block-style `version: N` line that matches needs no
    // second YAML parse of a large file.
    let quick = text
        .lines()
        .find_map(|l| l.strip_prefix("version:"))
        .and_then(|v| v.split('#').next().unwrap_or("").trim().parse::<u32>().ok());
    if let Some(n) = quick.filter(|&n| readable(n)) {
        return Ok(n);
    }
    // A text that is not even a mapping with a numeric `version` fails the
    // typed parse too, with a message that names the real type.
    let Ok(header) = serde_yaml::from_str::<Header>(text) else {
        return Ok(v.current);
    };
    let line = || locate::section_line(text, "version");
    match header.version {
        Some(n) if readable(n) => Ok(n),
        Some(found) => {
            let problem = match v.refused.iter().find(|(old, _)| *old == found) {
                Some(&(_, fix)) => Problem::OldVersion {
                    what: v.what,
                    found,
                    expected: v.current,
                    fix,
                },
                None => Problem::Version {
                    what: v.what,
                    found,
                    expected: v.current,
                },
            };
            Err(FormatError::new(file, problem).at_line(line()))
        }
        None if !v.required => Ok(v.current),
        None => Err(FormatError::new(
            file,
            Problem::Syntax(format!(
                "missing field `version` (expected `version: {}`)",
                v.current
            )),
        )),
    }
}

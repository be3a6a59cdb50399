//! The chip characterisation file (`--chip FILE`, spec/chip.md): the
//! measured static errors of one chip, per instance of the netlist it was
//! measured on: each MZI's two coupler cross ratios and heater phase
//! offsets, each phase shifter's phase offset. `optc characterize` writes
//! it from a sampled device; `optc calibrate --chip` programs that chip.

use crate::netlist::locate::key_line;
use crate::netlist::{check_version, yaml, FormatError, Problem, Versions};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const CHIP_VERSION: u32 = 1;

const CHIP_VERSIONS: Versions = Versions {
    what: "chip file",
    current: CHIP_VERSION,
    also_reads: &[],
    refused: &[],
    required: true,
};

/// One MZI cell: the power each of its couplers crosses (two, or three
/// for an `mzi3`, in the order of spec/device.md "MZI cells") and the
/// phases its θ and φ heaters add to what they are programmed with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MziMeasured {
    pub kappa: Vec<f64>,
    pub dtheta: f64,
    pub dphi: f64,
}

/// One phase shifter's phase offset.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseMeasured {
    pub dphase: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChipFile {
    pub version: u32,
    /// The netlist's name and structure hash (spec/netlist.md).
    pub circuit: String,
    pub structure_hash: String,
    #[serde(default)]
    pub mzi: BTreeMap<String, MziMeasured>,
    #[serde(default)]
    pub phase_shifter: BTreeMap<String, PhaseMeasured>,
}

impl ChipFile {
    /// The file's text: a comment line, then `version`, `circuit`,
    /// `structure_hash`, and one flow mapping per instance, sorted by name,
    /// floats in Rust's shortest round-trip form.
    pub fn to_yaml(&self) -> String {
        let mut s = format!(
            "# optc chip characterisation (spec/chip.md)\nversion: {}\ncircuit: {}\nstructure_hash: {}\n",
            self.version,
            crate::phases::scalar(&self.circuit),
            self.structure_hash
        );
        let section = |s: &mut String, key: &str, rows: Vec<(&String, String)>| {
            s.push_str(key);
            s.push_str(if rows.is_empty() { ": {}\n" } else { ":\n" });
            for (name, body) in rows {
                s.push_str(&format!("  {}: {{{body}}}\n", crate::phases::scalar(name)));
            }
        };
        let mzi = self.mzi.iter().map(|(n, m)| {
            let kappa: Vec<String> = m.kappa.iter().map(|k| format!("{k:?}")).collect();
            let body = format!(
                "kappa: [{}], dtheta: {:?}, dphi: {:?}",
                kappa.join(", "),
                m.dtheta,
                m.dphi
            );
            (n, body)
        });
        section(&mut s, "mzi", mzi.collect());
        let ps = self.phase_shifter.iter();
        section(
            &mut s,
            "phase_shifter",
            ps.map(|(n, p)| (n, format!("dphase: {:?}", p.dphase)))
                .collect(),
        );
        s
    }
}

/// Parses and range-checks a chip file (κ in [0, 1], every value finite).
pub fn parse(file: &str, text: &str) -> Result<ChipFile, FormatError> {
    yaml::check_keys(file, text)?;
    check_version(file, text, &CHIP_VERSIONS)?;
    let chip: ChipFile = yaml::from_str(file, text)?;
    let bad = |section: &str, name: &str, what: &str, value: f64, expected: &str| {
        FormatError::new(
            file,
            Problem::BadValue {
                what: format!("{name}.{what}"),
                value,
                expected: expected.to_string(),
            },
        )
        .at_line(key_line(text, section, name))
    };
    for (name, m) in &chip.mzi {
        if !(2..=3).contains(&m.kappa.len()) {
            return Err(FormatError::new(
                file,
                Problem::BadValue {
                    what: format!("{name}.kappa (its length)"),
                    value: m.kappa.len() as f64,
                    expected: "2 or 3 coupler ratios".to_string(),
                },
            )
            .at_line(key_line(text, "mzi", name)));
        }
        for (j, &k) in m.kappa.iter().enumerate() {
            if !(0.0..=1.0).contains(&k) {
                return Err(bad("mzi", name, &format!("kappa[{j}]"), k, "in [0, 1]"));
            }
        }
        for (what, v) in [("dtheta", m.dtheta), ("dphi", m.dphi)] {
            if !v.is_finite() {
                return Err(bad("mzi", name, what, v, "a finite phase (rad)"));
            }
        }
    }
    for (name, p) in &chip.phase_shifter {
        if !p.dphase.is_finite() {
            return Err(bad(
                "phase_shifter",
                name,
                "dphase",
                p.dphase,
                "a finite phase (rad)",
            ));
        }
    }
    Ok(chip)
}

/// Reads a chip file.
pub fn load(path: &Path) -> Result<ChipFile, FormatError> {
    let (file, text) = crate::netlist::read_text(path)?;
    parse(&file, &text)
}

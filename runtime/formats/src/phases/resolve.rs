//! Checks a phase file against its netlist and yields each node's
//! programmable values.

use super::{Phases, Setting};
use crate::netlist::locate::KeyLines;
use crate::netlist::{Circuit, FormatError, Kind, Problem};
use optc_model::dac::Dac;
use std::f64::consts::TAU;

/// Programmable values per node, in `Kind::programmable` order
/// (`[θ, φ]` for an MZI, `[phase, _]`, `[transmission, _]`).
pub type NodeSettings = Vec<[f64; 2]>;

impl Phases {
    /// Validates this phase file against `circuit`; `text` is its source.
    pub fn resolve(
        &self,
        circuit: &Circuit,
        file: &str,
        text: &str,
    ) -> Result<NodeSettings, FormatError> {
        let err = |p: Problem| FormatError::new(file, p);
        let lines = KeyLines::new(text);
        let key_line = |section: &str, key: &str| lines.key(section, key);
        if self.netlist.name != circuit.name || self.netlist.hash != circuit.hash {
            return Err(err(Problem::WrongNetlist {
                name: circuit.name.clone(),
                hash: circuit.hash.clone(),
                found_name: self.netlist.name.clone(),
                found_hash: self.netlist.hash.clone(),
            })
            .at_line(key_line("netlist", "hash")));
        }
        let programmable: std::collections::HashSet<&str> = circuit
            .nodes
            .iter()
            .filter(|n| !n.kind.programmable().is_empty())
            .map(|n| n.name.as_str())
            .collect();
        for name in self.settings.keys() {
            if !programmable.contains(name.as_str()) {
                return Err(err(Problem::UnknownSettingsInstance { name: name.clone() })
                    .at_line(key_line("settings", name)));
            }
        }
        let mut out = vec![[0.0; 2]; circuit.nodes.len()];
        for (i, node) in circuit.nodes.iter().enumerate() {
            let wanted = node.kind.programmable();
            if wanted.is_empty() {
                continue;
            }
            // An instance missing from the file points at `settings:`.
            let line = key_line("settings", &node.name).or_else(|| lines.section("settings"));
            let located = |p: Problem| err(p).at_instance(&node.name).at_line(line);
            let Some(s) = self.settings.get(&node.name) else {
                return Err(located(Problem::MissingSetting {
                    setting: wanted.join(", "),
                }));
            };
            let fields = fields(s);
            if let Some((name, _)) = fields.iter().find(|(n, v)| {
                v.is_some()
                    && !wanted
                        .iter()
                        .any(|w| n == w || n.starts_with(&format!("{w}_")))
            }) {
                return Err(located(Problem::ExtraSetting {
                    setting: name.to_string(),
                    kind: node.kind.name().to_string(),
                    expected: wanted.join(", "),
                }));
            }
            for (slot, w) in wanted.iter().enumerate() {
                let value = fields
                    .iter()
                    .find(|(n, _)| n == w)
                    .and_then(|(_, v)| *v)
                    .ok_or_else(|| {
                        located(Problem::MissingSetting {
                            setting: w.to_string(),
                        })
                    })?;
                let (ok, expected) = match node.kind {
                    Kind::Attenuator => (
                        (0.0..=1.0).contains(&value),
                        "a power transmission in [0, 1]",
                    ),
                    _ => ((0.0..TAU).contains(&value), "a phase in [0, 2π)"),
                };
                if !ok {
                    return Err(located(Problem::BadValue {
                        what: w.to_string(),
                        value,
                        expected: expected.to_string(),
                    }));
                }
                self.check_code(s, w, value).map_err(located)?;
                out[i][slot] = value;
            }
        }
        Ok(out)
    }

    fn check_code(&self, s: &Setting, name: &str, value: f64) -> Result<(), Problem> {
        let code = match name {
            "theta" => s.theta_code,
            "phi" => s.phi_code,
            "phase" => s.phase_code,
            _ => None,
        };
        match (self.phase_bits, code) {
            (Some(bits), Some(found)) => {
                let expected = Dac::new(bits).code(value);
                if found == expected {
                    Ok(())
                } else {
                    Err(Problem::DacCode {
                        setting: name.to_string(),
                        found,
                        expected,
                        bits,
                    })
                }
            }
            (None, Some(_)) => Err(Problem::CodeWithoutBits {
                setting: name.to_string(),
            }),
            _ => Ok(()),
        }
    }
}

/// Field names and values; codes count as present values.
fn fields(s: &Setting) -> [(&'static str, Option<f64>); 10] {
    let c = |v: Option<i64>| v.map(|x| x as f64);
    [
        ("theta", s.theta),
        ("phi", s.phi),
        ("phase", s.phase),
        ("transmission", s.transmission),
        ("theta_code", c(s.theta_code)),
        ("theta_quant_error", s.theta_quant_error),
        ("phi_code", c(s.phi_code)),
        ("phi_quant_error", s.phi_quant_error),
        ("phase_code", c(s.phase_code)),
        ("phase_quant_error", s.phase_quant_error),
    ]
}

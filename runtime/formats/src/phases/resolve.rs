//! Checks a phase file against its netlist and yields each node's
//! programmable values.

use super::{Phases, Setting};
use crate::netlist::locate::KeyLines;
use crate::netlist::{CellSpan, Circuit, FormatError, Kind, Problem};
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
        // The MZIs of cell instances are programmed by `meshes:`.
        let mut in_cell = vec![false; circuit.nodes.len()];
        for span in &circuit.cells {
            in_cell[span.nodes.clone()].fill(true);
        }
        let programmable: std::collections::HashSet<&str> = circuit
            .nodes
            .iter()
            .zip(&in_cell)
            .filter(|(n, &cell)| !cell && !n.kind.programmable().is_empty())
            .map(|(n, _)| n.name.as_str())
            .collect();
        for name in self.settings.keys() {
            if !programmable.contains(name.as_str()) {
                return Err(err(Problem::UnknownSettingsInstance { name: name.clone() })
                    .at_line(key_line("settings", name)));
            }
        }
        let mut out = vec![[0.0; 2]; circuit.nodes.len()];
        self.resolve_meshes(circuit, &lines, &err, &mut out)?;
        for (i, node) in circuit.nodes.iter().enumerate() {
            let wanted = node.kind.programmable();
            if wanted.is_empty() || in_cell[i] {
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
                check_value(node.kind, w, value).map_err(located)?;
                let code = match *w {
                    "theta" => s.theta_code,
                    "phi" => s.phi_code,
                    "phase" => s.phase_code,
                    _ => None,
                };
                self.check_code(code, w, value).map_err(located)?;
                out[i][slot] = value;
            }
        }
        Ok(out)
    }

    /// The `meshes:` entries: one per cell instance, each array the shape
    /// of the cell's columns, every value valid.
    fn resolve_meshes(
        &self,
        circuit: &Circuit,
        lines: &KeyLines,
        err: &dyn Fn(Problem) -> FormatError,
        out: &mut NodeSettings,
    ) -> Result<(), FormatError> {
        let spans: std::collections::HashMap<&str, &CellSpan> =
            circuit.cells.iter().map(|s| (s.name.as_str(), s)).collect();
        for name in self.meshes.keys() {
            if !spans.contains_key(name.as_str()) {
                return Err(err(Problem::UnknownSettingsInstance { name: name.clone() })
                    .at_line(lines.key("meshes", name)));
            }
        }
        for span in &circuit.cells {
            let line = lines
                .key("meshes", &span.name)
                .or_else(|| lines.section("meshes"));
            let located = |p: Problem| err(p).at_instance(&span.name).at_line(line);
            let Some(m) = self.meshes.get(&span.name) else {
                return Err(located(Problem::MissingSetting {
                    setting: format!("meshes.{}", span.name),
                }));
            };
            let arrays = [
                ("theta", 0, &m.theta, m.theta_code.as_ref()),
                ("phi", 1, &m.phi, m.phi_code.as_ref()),
            ];
            let quant = [
                ("theta_quant_error", m.theta_quant_error.as_ref()),
                ("phi_quant_error", m.phi_quant_error.as_ref()),
            ];
            for (what, rows) in quant {
                if let Some(rows) = rows {
                    check_shape(&span.name, what, rows, &span.columns).map_err(located)?;
                }
            }
            for (what, slot, values, codes) in arrays {
                check_shape(&span.name, what, values, &span.columns).map_err(located)?;
                if let Some(codes) = codes {
                    check_shape(&span.name, &format!("{what}_code"), codes, &span.columns)
                        .map_err(located)?;
                }
                let mut node = span.nodes.start;
                for (c, column) in values.iter().enumerate() {
                    for (k, &value) in column.iter().enumerate() {
                        let at = |p: Problem| {
                            err(p).at_instance(&circuit.nodes[node].name).at_line(line)
                        };
                        check_value(Kind::MZI, what, value).map_err(at)?;
                        self.check_code(codes.map(|x| x[c][k]), what, value)
                            .map_err(at)?;
                        out[node][slot] = value;
                        node += 1;
                    }
                }
            }
        }
        Ok(())
    }

    fn check_code(&self, code: Option<i64>, name: &str, value: f64) -> Result<(), Problem> {
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

fn check_value(kind: Kind, what: &str, value: f64) -> Result<(), Problem> {
    let (ok, expected) = match kind {
        Kind::Attenuator => (
            (0.0..=1.0).contains(&value),
            "a power transmission in [0, 1]",
        ),
        _ => ((0.0..TAU).contains(&value), "a phase in [0, 2π)"),
    };
    if ok {
        Ok(())
    } else {
        Err(Problem::BadValue {
            what: what.to_string(),
            value,
            expected: expected.to_string(),
        })
    }
}

/// `rows` has one row per column of the cell, each as long as its column.
fn check_shape<T>(
    instance: &str,
    what: &str,
    rows: &[Vec<T>],
    columns: &[usize],
) -> Result<(), Problem> {
    let shape = |problem: (String, String)| Problem::MeshShape {
        instance: instance.to_string(),
        what: what.to_string(),
        found: problem.0,
        expected: problem.1,
    };
    if rows.len() != columns.len() {
        return Err(shape((
            format!("{} rows", rows.len()),
            format!("{} columns", columns.len()),
        )));
    }
    match rows.iter().zip(columns).position(|(r, &n)| r.len() != n) {
        Some(c) => Err(shape((
            format!("{} values in row {c}", rows[c].len()),
            format!("{} MZIs in column {c}", columns[c]),
        ))),
        None => Ok(()),
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

//! Writing a phase file. The header and `settings:` go through serde_yaml;
//! `meshes:` is written here, one flow sequence per mesh column, so the
//! file grows by about 20 bytes per setting and is written (and read) in
//! time linear in the settings (spec/phases.md, "Layout of `meshes:`").

use super::{MeshSettings, Phases};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Everything but `meshes:`, in the order of `Phases`' fields.
#[derive(Serialize)]
struct Head<'a> {
    version: u32,
    netlist: &'a super::NetlistRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    phase_bits: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    calibrated_for: Option<super::CalibratedFor>,
    settings: &'a BTreeMap<String, super::Setting>,
}

impl Phases {
    /// The phase file as YAML (what `optc compile` and `optc calibrate` write).
    pub fn to_yaml(&self) -> String {
        let head = Head {
            version: self.version,
            netlist: &self.netlist,
            phase_bits: self.phase_bits,
            calibrated_for: self.calibrated_for,
            settings: &self.settings,
        };
        // Structs, strings and numbers only: serde_yaml's serializer has no
        // error for them (it fails on byte strings and nested enums).
        let mut out = serde_yaml::to_string(&head).expect("a phase file always serializes to YAML");
        if !self.meshes.is_empty() {
            out.push_str("meshes:\n");
            for (name, m) in &self.meshes {
                write_mesh(&mut out, name, m);
            }
        }
        out
    }
}

fn write_mesh(out: &mut String, name: &str, m: &MeshSettings) {
    let key = serde_yaml::to_string(name).expect("a string always serializes to YAML");
    let _ = writeln!(out, "  {}:", key.trim_end());
    rows(out, "theta", &m.theta, real);
    rows(out, "phi", &m.phi, real);
    let int = |out: &mut String, x: i64| {
        let _ = write!(out, "{x}");
    };
    if let Some(v) = &m.theta_code {
        rows(out, "theta_code", v, int);
    }
    if let Some(v) = &m.theta_quant_error {
        rows(out, "theta_quant_error", v, real);
    }
    if let Some(v) = &m.phi_code {
        rows(out, "phi_code", v, int);
    }
    if let Some(v) = &m.phi_quant_error {
        rows(out, "phi_quant_error", v, real);
    }
}

/// `    key:` then one `    - [a, b, …]` line per column.
fn rows<T: Copy>(out: &mut String, key: &str, rows: &[Vec<T>], item: impl Fn(&mut String, T)) {
    let _ = writeln!(out, "    {key}:");
    for row in rows {
        out.push_str("    - [");
        for (i, &x) in row.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            item(out, x);
        }
        out.push_str("]\n");
    }
}

/// A real as YAML 1.1 (PyYAML's `yaml.safe_load`) and 1.2 both read it as
/// the same float: Rust's shortest round-trip digits, with a `.` in the
/// mantissa and a signed exponent (`1e-7` is a string to YAML 1.1).
pub(crate) fn real(out: &mut String, x: f64) {
    if !x.is_finite() {
        out.push_str(match x {
            x if x.is_nan() => ".nan",
            x if x > 0.0 => ".inf",
            _ => "-.inf",
        });
        return;
    }
    let s = format!("{x:?}");
    match s.split_once('e') {
        None => out.push_str(&s),
        Some((mantissa, exponent)) => {
            out.push_str(mantissa);
            if !mantissa.contains('.') {
                out.push_str(".0");
            }
            out.push('e');
            if !exponent.starts_with('-') {
                out.push('+');
            }
            out.push_str(exponent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reals_are_read_back_exactly_by_both_yaml_versions() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (std::f64::consts::FRAC_PI_2, "1.5707963267948966"),
            (1e-7, "1.0e-7"),
            (2.5e-12, "2.5e-12"),
            (1e20, "1.0e+20"),
            (f64::NAN, ".nan"),
            (f64::NEG_INFINITY, "-.inf"),
        ];
        for (x, text) in cases {
            let mut s = String::new();
            real(&mut s, x);
            assert_eq!(s, text);
            let back: f64 = serde_yaml::from_str(&s).unwrap();
            assert!(back.to_bits() == x.to_bits() || (x.is_nan() && back.is_nan()));
        }
    }
}

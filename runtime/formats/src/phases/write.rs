//! Writing a phase file, by hand rather than through serde_yaml: every
//! real in one notation that YAML 1.1 and 1.2 readers both take for the same
//! float (`real`), and `meshes:` one flow sequence per mesh column, so the
//! file grows by about 20 bytes per setting and is written (and read, see
//! `read_meshes`) in time linear in the settings (spec/phases.md, "How the file is written and read").
//! The layout is serde_yaml's block style, which earlier versions wrote.

use super::{MeshSettings, Phases, Setting};
use std::fmt::Write;

impl Phases {
    /// The phase file as YAML (what `optc compile` and `optc calibrate` write).
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "version: {}", self.version);
        out.push_str("netlist:\n");
        let _ = writeln!(out, "  name: {}", scalar(&self.netlist.name));
        let _ = writeln!(out, "  hash: {}", scalar(&self.netlist.hash));
        if let Some(bits) = self.phase_bits {
            let _ = writeln!(out, "phase_bits: {bits}");
        }
        if let Some(c) = self.calibrated_for {
            out.push_str("calibrated_for:\n");
            for (key, v) in [
                ("mzi_loss_db", c.mzi_loss_db),
                ("crosstalk", c.crosstalk),
                ("splitter_loss_db", c.splitter_loss_db),
            ] {
                let _ = write!(out, "  {key}: ");
                real(&mut out, v);
                out.push('\n');
            }
        }
        if self.settings.is_empty() {
            out.push_str("settings: {}\n");
        } else {
            out.push_str("settings:\n");
            for (name, setting) in &self.settings {
                write_setting(&mut out, name, setting);
            }
        }
        if !self.meshes.is_empty() {
            out.push_str("meshes:\n");
            for (name, m) in &self.meshes {
                write_mesh(&mut out, name, m);
            }
        }
        out
    }
}

fn write_setting(out: &mut String, name: &str, s: &Setting) {
    let reals = [
        ("theta", s.theta),
        ("phi", s.phi),
        ("phase", s.phase),
        ("transmission", s.transmission),
    ];
    let rest = [
        (
            "theta_code",
            s.theta_code,
            "theta_quant_error",
            s.theta_quant_error,
        ),
        ("phi_code", s.phi_code, "phi_quant_error", s.phi_quant_error),
        (
            "phase_code",
            s.phase_code,
            "phase_quant_error",
            s.phase_quant_error,
        ),
    ];
    let mut fields = String::new();
    let mut field = |key: &str, value: &dyn Fn(&mut String)| {
        let _ = write!(fields, "    {key}: ");
        value(&mut fields);
        fields.push('\n');
    };
    for (key, v) in reals {
        if let Some(v) = v {
            field(key, &|o| real(o, v));
        }
    }
    for (key, code, qkey, qerr) in rest {
        if let Some(c) = code {
            field(key, &|o| {
                let _ = write!(o, "{c}");
            });
        }
        if let Some(q) = qerr {
            field(qkey, &|o| real(o, q));
        }
    }
    if fields.is_empty() {
        let _ = writeln!(out, "  {}: {{}}", scalar(name));
    } else {
        let _ = writeln!(out, "  {}:", scalar(name));
        out.push_str(&fields);
    }
}

/// A string as a one-line YAML scalar: as serde_yaml writes it (plain when
/// that reads back as the same string, else quoted), but never a block
/// scalar, which would break the line-per-key layout; then double-quoted
/// with escapes.
pub(crate) fn scalar(s: &str) -> String {
    let written = serde_yaml::to_string(s).expect("a string always serializes to YAML");
    let written = written.strip_suffix('\n').unwrap_or(&written);
    if !written.contains('\n') && !written.starts_with(['|', '>']) {
        return written.to_string();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn write_mesh(out: &mut String, name: &str, m: &MeshSettings) {
    let _ = writeln!(out, "  {}:", scalar(name));
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
    // Written in place, then patched: no allocation per number.
    let start = out.len();
    let _ = write!(out, "{x:?}");
    let Some(e) = out[start..].find('e').map(|i| start + i) else {
        return;
    };
    let positive = !out[e + 1..].starts_with('-');
    if positive {
        out.insert(e + 1, '+');
    }
    if !out[start..e].contains('.') {
        out.insert_str(e, ".0");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_on_one_line() {
        assert_eq!(scalar("mzi_c0_m0"), "mzi_c0_m0");
        assert_eq!(
            scalar("fnv1a64:567bbeab197c7708"),
            "fnv1a64:567bbeab197c7708"
        );
        for name in ["a\nb", "x\"y\\\n", "tab\there", "true", "1.5", ""] {
            let key = scalar(name);
            assert!(!key.contains('\n'), "{key}");
            let back: std::collections::BTreeMap<String, u8> =
                serde_yaml::from_str(&format!("{key}: 1\n")).unwrap();
            assert_eq!(back.keys().next().unwrap(), name);
        }
    }

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

//! Reading the `meshes:` section of a phase file without a YAML parser
//! when it is laid out exactly as `to_yaml` writes it (spec/phases.md,
//! "How the file is written and read"): the last top-level key, two-space indented
//! names, four-space indented array keys, one `    - [a, b, …]` row per
//! line, plain decimal numbers. That is a few million numbers at N = 1024,
//! which serde_yaml's scanner reads several times slower than `str::parse`.
//! Anything else (comments, blank lines, other spacing or quoting, a key
//! twice, numbers in another notation) returns `None`, and the whole file
//! goes through serde_yaml as before, which then also reports any error.
//! The values are the same either way: both parse each number with Rust's
//! correctly rounded `str::parse`.

use super::MeshSettings;
use std::collections::BTreeMap;

/// `text` split into the part before a trailing `meshes:` section and that
/// section read; `None` if there is no such section in the fast layout.
pub(super) fn split(text: &str) -> Option<(&str, BTreeMap<String, MeshSettings>)> {
    let start = if text.starts_with("meshes:\n") {
        0
    } else {
        text.find("\nmeshes:\n")? + 1
    };
    let head = &text[..start];
    // The head must be a plain block mapping: every line at column 0 an
    // identifier key, so no second (quoted, spaced) `meshes` key, document
    // marker or flow root can hide there; and `meshes` itself once.
    let plain_top = |line: &str| {
        line.starts_with(' ')
            || line.split_once(':').is_some_and(|(key, rest)| {
                plain_name(key) && key != "meshes" && (rest.is_empty() || rest.starts_with(' '))
            })
    };
    if !head.lines().all(plain_top) {
        return None;
    }
    let body = text[start + "meshes:\n".len()..].strip_suffix('\n')?;
    let mut meshes: BTreeMap<String, MeshSettings> = BTreeMap::new();
    let mut current: Option<(String, Arrays)> = None;
    let mut key: Option<Key> = None;
    for line in body.split('\n') {
        if let Some(row) = line.strip_prefix("    - [") {
            let row = row.strip_suffix(']')?;
            let arrays = &mut current.as_mut()?.1;
            match key? {
                Key::Real(k) => arrays.reals[k].as_mut()?.push(reals(row)?),
                Key::Code(k) => arrays.codes[k].as_mut()?.push(codes(row)?),
            }
        } else if let Some(name) = line.strip_prefix("    ").and_then(|l| l.strip_suffix(':')) {
            let arrays = &mut current.as_mut()?.1;
            let k = Key::of(name)?;
            if !arrays.open(k) {
                return None;
            }
            key = Some(k);
        } else if let Some(name) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(':')) {
            if !plain_name(name) {
                return None;
            }
            if let Some((done, arrays)) = current.take() {
                meshes.insert(done, arrays.finish()?);
            }
            // A name twice is for serde_yaml to report.
            if meshes.contains_key(name) {
                return None;
            }
            current = Some((name.to_string(), Arrays::default()));
            key = None;
        } else {
            return None;
        }
    }
    let (done, arrays) = current?;
    if meshes.insert(done, arrays.finish()?).is_some() {
        return None;
    }
    Some((head, meshes))
}

#[derive(Clone, Copy)]
enum Key {
    /// `theta`, `phi`, `theta_quant_error`, `phi_quant_error`.
    Real(usize),
    /// `theta_code`, `phi_code`.
    Code(usize),
}

impl Key {
    fn of(name: &str) -> Option<Key> {
        Some(match name {
            "theta" => Key::Real(0),
            "phi" => Key::Real(1),
            "theta_quant_error" => Key::Real(2),
            "phi_quant_error" => Key::Real(3),
            "theta_code" => Key::Code(0),
            "phi_code" => Key::Code(1),
            _ => return None,
        })
    }
}

#[derive(Default)]
struct Arrays {
    reals: [Option<Vec<Vec<f64>>>; 4],
    codes: [Option<Vec<Vec<i64>>>; 2],
}

impl Arrays {
    /// Starts array `k`; false if it was already given.
    fn open(&mut self, k: Key) -> bool {
        match k {
            Key::Real(i) if self.reals[i].is_none() => self.reals[i] = Some(Vec::new()),
            Key::Code(i) if self.codes[i].is_none() => self.codes[i] = Some(Vec::new()),
            _ => return false,
        }
        true
    }

    /// The settings; `None` if an array has no rows (serde_yaml reads an
    /// optional array without rows as absent, a required one as empty).
    fn finish(self) -> Option<MeshSettings> {
        let no_rows = self.reals.iter().flatten().any(Vec::is_empty)
            || self.codes.iter().flatten().any(Vec::is_empty);
        if no_rows {
            return None;
        }
        let [theta, phi, theta_quant_error, phi_quant_error] = self.reals;
        let [theta_code, phi_code] = self.codes;
        Some(MeshSettings {
            theta: theta?,
            phi: phi?,
            theta_code,
            theta_quant_error,
            phi_code,
            phi_quant_error,
        })
    }
}

/// A mapping key serde_yaml reads as this very string: an identifier that
/// is not one of YAML's null or boolean words.
fn plain_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "y" | "n" | "yes" | "no" | "on" | "off"
        )
}

fn items(row: &str) -> impl Iterator<Item = &str> {
    let empty = row.is_empty();
    row.split(", ").filter(move |_| !empty)
}

/// `-?digits(.digits)?(e[+-]digits)?`, the reals `to_yaml` writes.
fn reals(row: &str) -> Option<Vec<f64>> {
    items(row)
        .map(|x| {
            let v: f64 = plain_real(x).then(|| x.parse().ok()).flatten()?;
            // serde_yaml refuses a real that overflows to ±∞.
            v.is_finite().then_some(v)
        })
        .collect()
}

fn codes(row: &str) -> Option<Vec<i64>> {
    items(row)
        .map(|x| plain_int(x).then(|| x.parse().ok()).flatten())
        .collect()
}

fn digits(s: &str) -> Option<&str> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    (n > 0).then(|| &s[n..])
}

/// Digits without a leading zero (but `0` itself): YAML reads `007` as a
/// string.
fn integer_part(s: &str) -> Option<&str> {
    let rest = digits(s)?;
    let n = s.len() - rest.len();
    (n == 1 || !s.starts_with('0')).then_some(rest)
}

fn plain_int(s: &str) -> bool {
    integer_part(s.strip_prefix('-').unwrap_or(s)) == Some("")
}

fn plain_real(s: &str) -> bool {
    let Some(mut rest) = integer_part(s.strip_prefix('-').unwrap_or(s)) else {
        return false;
    };
    if let Some(fraction) = rest.strip_prefix('.') {
        match digits(fraction) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    if let Some(exponent) = rest.strip_prefix('e') {
        let Some(unsigned) = exponent
            .strip_prefix('-')
            .or_else(|| exponent.strip_prefix('+'))
        else {
            return false;
        };
        return digits(unsigned) == Some("");
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_the_written_notation_only() {
        for ok in [
            "0.0",
            "-0.0",
            "1.5707963267948966",
            "1.0e-7",
            "2.5e+20",
            "3",
        ] {
            assert!(plain_real(ok), "{ok}");
        }
        for no in [
            "", "-", ".5", "1.", "1e5", "1.0E-7", "0x10", ".inf", "1_000", " 1.0", "+1.0",
        ] {
            assert!(!plain_real(no), "{no}");
        }
        assert!(plain_int("-12") && !plain_int("1.0") && !plain_int(""));
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_fast_path_reads_what_serde_yaml_reads(
            rows in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::prop_oneof![
                        0.0..std::f64::consts::TAU,
                        proptest::num::f64::NORMAL.prop_map(f64::abs),
                        1e-300..1e-290f64,
                    ],
                    0..5,
                ),
                1..5,
            ),
            bits in proptest::option::of(1u32..16),
        ) {
            let mut phases = super::super::Phases {
                version: super::super::PHASES_VERSION,
                netlist: super::super::NetlistRef { name: "n".into(), hash: "h".into() },
                phase_bits: None,
                calibrated_for: None,
                settings: BTreeMap::new(),
                meshes: BTreeMap::new(),
            };
            phases.meshes.insert(
                "u_mzi".into(),
                MeshSettings { theta: rows.clone(), phi: rows.iter().rev().cloned().collect(), ..Default::default() },
            );
            phases.meshes.insert("b0_mzi".into(), MeshSettings { theta: vec![vec![]], phi: vec![vec![]], ..Default::default() });
            if let Some(b) = bits {
                phases = phases.with_dac(b);
            }
            let text = phases.to_yaml();
            prop_assert!(split(&text).is_some(), "{}", text);
            let fast = super::super::Phases::parse("p", &text).unwrap();
            let slow: super::super::Phases = serde_yaml::from_str(&text).unwrap();
            prop_assert_eq!(&fast, &slow);
            prop_assert_eq!(&fast, &phases);
        }
    }

    #[test]
    fn only_the_exact_layout_takes_the_fast_path() {
        let good = "version: 3\nsettings: {}\nmeshes:\n  mzi:\n    theta:\n    - [0.5, 1.0]\n    - []\n    phi:\n    - [0.1, 0.2]\n    - []\n";
        let (head, m) = split(good).unwrap();
        assert_eq!(head, "version: 3\nsettings: {}\n");
        assert_eq!(m["mzi"].theta, vec![vec![0.5, 1.0], vec![]]);
        for bad in [
            good.replace("    - [0.5, 1.0]", "    - [0.5,1.0]"),
            good.replace("  mzi:", "  \"mzi\":"),
            good.replace("  mzi:", "  true:"),
            good.replace("    phi:", "    # φ\n    phi:"),
            good.replace("0.5", ".5"),
            good.replace("    phi:\n    - [0.1, 0.2]\n    - []\n", ""),
            good.replace("    phi:", "    theta:"),
            format!("{good}  mzi:\n    theta: []\n    phi: []\n"),
            good.trim_end().to_string(),
            good.replace("settings: {}\n", "settings: {}\nmeshes: {}\n"),
            good.replace("settings: {}\n", "settings: {}\n\"meshes\": {}\n"),
            good.replace("settings: {}\n", "settings: {}\nmeshes : {}\n"),
            good.replace("settings: {}\n", "settings: {}\n...\n"),
            good.replace("version: 3\n", "{version: 3}\n"),
            good.replace("    phi:\n", "    theta_code:\n    phi:\n"),
        ] {
            assert!(split(&bad).is_none(), "{bad}");
        }
    }
}

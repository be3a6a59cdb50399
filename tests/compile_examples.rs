//! Every shipped example compiles, and its netlist, phase file and report
//! are pinned by insta snapshots (tests/snapshots/compile_examples__*.snap).

use optc::driver::{compile, CompileOptions};
use std::path::{Path, PathBuf};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// Compiles `examples/<file>` into a temporary folder and snapshots its outputs.
fn snapshot_example(file: &str) {
    let dir = tempfile::tempdir().unwrap();
    let options = CompileOptions {
        out_dir: dir.path().to_path_buf(),
        ..CompileOptions::default()
    };
    // Compile from inside examples/ so the recorded source path is relative.
    let source = examples_dir().join(file);
    let compiled = compile(&source, &options, |_, _| {}).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(!compiled.is_empty());
    for c in compiled {
        let name = c.unit.name().to_string();
        for (what, path) in [
            ("netlist", &c.paths.netlist),
            ("phases", &c.paths.phases),
            ("report", &c.paths.report),
        ] {
            let text = std::fs::read_to_string(path).unwrap();
            // The source path differs between machines; pin its file name only.
            let mut text = text.replace(&source.display().to_string(), &format!("examples/{file}"));
            if what == "report" {
                text = redact_errors(&text);
                text = redact_times(&text);
            }
            insta::assert_snapshot!(format!("{name}.{what}"), text);
        }
    }
}

#[test]
fn linear_inline() {
    snapshot_example("linear_inline.optc");
}

#[test]
fn linear_npy() {
    snapshot_example("linear_npy.optc");
}

#[test]
fn reducer_linear_4x4b() {
    snapshot_example("optinc_4x4b_linear.optc");
}

#[test]
fn reducer_onn_4x4b() {
    snapshot_example("optinc_4x4b.optc");
}

#[test]
fn reducer_onn_8x4b() {
    snapshot_example("optinc_8x4b.optc");
}

#[test]
fn reducer_digit_serial_4x8b() {
    snapshot_example("optinc_4x8b.optc");
}

#[test]
fn reducer_digit_serial_8x8b() {
    snapshot_example("optinc_8x8b.optc");
}

/// Wall-clock figures differ between runs.
fn redact_times(report: &str) -> String {
    report
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            match trimmed.split_once(": ") {
                Some((key, _)) if key.ends_with("_time_s") => {
                    format!("{}{key}: [time]", &line[..line.len() - trimmed.len()])
                }
                _ => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Error figures at the 1e-16 level depend on floating-point summation
/// order; the snapshot pins their bound, not their last bits.
fn redact_errors(report: &str) -> String {
    report
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            match trimmed.split_once(": ") {
                Some((key, value)) if key.ends_with("_error") || key.starts_with("error_vs") => {
                    let v: f64 = value.parse().unwrap_or(f64::NAN);
                    let bound = if v <= 1e-12 { "<= 1e-12" } else { "> 1e-12" };
                    format!("{}{key}: [{bound}]", &line[..line.len() - trimmed.len()])
                }
                _ => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

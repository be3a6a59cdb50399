//! `optc calibrate`: a chip calibrated on its own comparator signals
//! delivers the contract on (nearly) every input where the shipped phase
//! file does not; the per-chip file keeps the netlist hash and the nominal
//! device; a linear reducer and missing files are clear errors.

#[path = "support/codes.rs"]
mod codes;

use assert_cmd::Command;
use optc_model::contract::Contract;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn optc() -> Command {
    Command::cargo_bin("optc").unwrap()
}

fn compile(example: &str, dir: &Path) {
    optc()
        .arg("compile")
        .arg(repo(&format!("examples/{example}.optc")))
        .arg("-o")
        .arg(dir)
        .assert()
        .success();
}

/// Exact-match rate of `optc reduce` on one realistic chip (seed 2: its shipped
/// phase file misses ≈ 11% of the vectors).
fn chip_rate(netlist: &Path, phases: &Path, codes: &Path, rows: &[Vec<i32>]) -> f64 {
    let out = optc()
        .arg("reduce")
        .arg(netlist)
        .arg("--phases")
        .arg(phases)
        .arg("--codes")
        .arg(codes)
        .arg("--device")
        .arg(repo("examples/data/realistic.yaml"))
        .args(["--seed", "2"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let contract = Contract::mean(4, 4).unwrap();
    let got = codes::parse_delivered(&out);
    assert_eq!(got.len(), rows.len());
    let hits = rows
        .iter()
        .zip(&got)
        .filter(|(r, g)| contract.reference(r) == **g)
        .count();
    hits as f64 / rows.len() as f64
}

#[test]
fn calibrating_a_chip_restores_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    compile("optinc_4x4b", dir.path());
    let netlist = dir.path().join("optinc_4x4b.netlist.yaml");
    let shipped = dir.path().join("optinc_4x4b.phases.yaml");
    let chip = dir.path().join("chip2.phases.yaml");
    optc()
        .arg("calibrate")
        .arg(&netlist)
        .arg("--device")
        .arg(repo("examples/data/realistic.yaml"))
        .args(["--seed", "2", "-o"])
        .arg(&chip)
        .assert()
        .success()
        .stderr(predicate::str::contains("worst margin"));

    let text = std::fs::read_to_string(&chip).unwrap();
    let shipped_text = std::fs::read_to_string(&shipped).unwrap();
    let hash = |t: &str| {
        t.lines()
            .find(|l| l.trim_start().starts_with("hash:"))
            .map(str::to_string)
    };
    assert_eq!(hash(&text), hash(&shipped_text));
    assert!(text.contains("calibrated_for:"));
    assert_ne!(text, shipped_text, "calibration changed no setting");

    let codes = dir.path().join("codes.csv");
    let rows = codes::write_random_codes(&codes, 11, 3000, 4, 7);
    let before = chip_rate(&netlist, &shipped, &codes, &rows);
    let after = chip_rate(&netlist, &chip, &codes, &rows);
    assert!(after >= 0.99, "calibrated chip: {after}");
    assert!(
        after > before,
        "calibration did not help: {before} → {after}"
    );

    // `optc reduce --calibrate` calibrates the same chip on the fly: the
    // same codes, element for element, as running the written chip file.
    let run = |extra: &[&str], phases: &Path| {
        optc()
            .arg("reduce")
            .arg(&netlist)
            .arg("--phases")
            .arg(phases)
            .arg("--codes")
            .arg(&codes)
            .arg("--device")
            .arg(repo("examples/data/realistic.yaml"))
            .args(["--seed", "2"])
            .args(extra)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(run(&["--calibrate"], &shipped), run(&[], &chip));
}

#[test]
fn a_linear_reducer_has_nothing_to_calibrate() {
    let dir = tempfile::tempdir().unwrap();
    compile("optinc_4x4b_linear", dir.path());
    let out = dir.path().join("chip.phases.yaml");
    optc()
        .arg("calibrate")
        .arg(dir.path().join("optinc_4x4b_linear.netlist.yaml"))
        .arg("--device")
        .arg(repo("examples/data/realistic.yaml"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no comparators to calibrate"));
    assert!(!out.exists(), "nothing may be written on failure");
}

#[test]
fn missing_device_file_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    compile("optinc_4x4b_linear", dir.path());
    optc()
        .arg("calibrate")
        .arg(dir.path().join("optinc_4x4b_linear.netlist.yaml"))
        .arg("--device")
        .arg(dir.path().join("nope.yaml"))
        .arg("-o")
        .arg(dir.path().join("x.yaml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nope.yaml"));
}

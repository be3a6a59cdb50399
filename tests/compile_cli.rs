//! `optc compile` end to end: outputs, warnings, dumps and failures.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn optc() -> Command {
    Command::cargo_bin("optc").expect("the optc binary is built")
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn near_unitary_is_projected_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let src = write(
        dir.path(),
        "near.optc",
        "linear near {\n  matrix = [[0.7071068, 0.7071068], [0.7071068, -0.7071068]]\n  realize = unitary\n  tolerance = 1e-6\n}\n",
    );
    let out = dir.path().join("out");
    optc()
        .args([
            "compile",
            src.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("near (linear): 1 MZIs"))
        // Rendered like an error, at the network's declaration.
        .stderr(predicate::str::contains(
            "warning: network `near`: matrix is not exactly unitary",
        ))
        .stderr(predicate::str::contains(format!(
            " --> {}:1:8\n  |\n1 | linear near {{\n  |        ^^^^\n",
            src.display()
        )));
    let report = std::fs::read_to_string(out.join("near.report.yaml")).unwrap();
    assert!(
        report.contains(&format!(
            "{}:1:8: matrix is not exactly unitary",
            src.display()
        )) && report.contains("projected to the nearest unitary"),
        "{report}"
    );
}

#[test]
fn a_bare_matrix_file_warns_at_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "z.csv", "0, 0\n0, 0\n");
    let out = dir.path().join("o");
    optc()
        .args(["compile", m.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: network `z`: matrix is all zeros; the realization blocks all light\n --> {}\n",
            m.display()
        )));
    let report = std::fs::read_to_string(out.join("z.report.yaml")).unwrap();
    assert!(
        report.contains(&format!("{}: matrix is all zeros", m.display())),
        "{report}"
    );
}

#[test]
fn bare_matrix_outputs_are_named_after_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "w.csv", "1, 0.5i\n-0.25, 2\n0, 1\n");
    let out = dir.path().join("o");
    optc()
        .args(["compile", m.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("via svd"));
    for ext in ["netlist", "phases", "report"] {
        assert!(out.join(format!("w.{ext}.yaml")).is_file(), "{ext}");
    }
    // The 3×2 matrix needs gain σ_max > 1: an explicit amplifier per output.
    let report = std::fs::read_to_string(out.join("w.report.yaml")).unwrap();
    assert!(report.contains("amplifier: 3"), "{report}");
    assert!(report.contains("unused_inputs:\n  - in2"), "{report}");
}

#[test]
fn dump_after_prints_the_lowered_unit() {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/linear_inline.optc");
    optc()
        .args([
            "compile",
            examples.to_str().unwrap(),
            "--dump-after",
            "place",
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .stderr(
            predicate::str::contains("=== dft4 after pass `place` ===")
                .and(predicate::str::contains(
                    "lowered: unitary realization on 4 modes",
                ))
                .and(predicate::str::contains("netlist: ")),
        );
    optc()
        .args([
            "compile",
            examples.to_str().unwrap(),
            "--dump-after",
            "nosuch",
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no such pass"));
}

#[test]
fn bad_inputs_exit_1_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let cases = [
        write(dir.path(), "bad.npy", "not a numpy file"),
        write(dir.path(), "ragged.csv", "1,2\n3\n"),
        write(dir.path(), "empty.csv", "# nothing\n"),
        write(dir.path(), "inf.csv", "1,inf\n"),
        dir.path().join("missing.optc"),
    ];
    for case in &cases {
        optc()
            .args([
                "compile",
                case.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ])
            .assert()
            .code(1)
            .stderr(predicate::str::starts_with("error"));
    }
    assert!(!out.exists());
}

#[test]
fn passes_are_listed() {
    optc()
        .arg("passes")
        .assert()
        .success()
        .stdout(predicate::str::contains("realize").and(predicate::str::contains("verify")));
}

#[test]
fn time_passes_lists_every_step_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let root = env!("CARGO_MANIFEST_DIR");
    let got = optc()
        .args([
            "compile",
            &format!("{root}/../examples/data/haar8.npy"),
            "-o",
            out.to_str().unwrap(),
            "--time-passes",
        ])
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    let got = String::from_utf8(got).unwrap();
    let steps: Vec<(&str, f64)> = got
        .lines()
        .map(|l| {
            let rest = l.strip_prefix("time haar8 ").expect(l);
            let (step, ms) = rest.rsplit_once(' ').expect(l);
            (step, ms.parse::<f64>().expect(l))
        })
        .collect();
    let names: Vec<&str> = steps.iter().map(|s| s.0).collect();
    assert_eq!(
        names,
        [
            "load",
            "realize",
            "place",
            "verify",
            "summarize",
            "render and check netlist text",
            "write and read back"
        ]
    );
    assert!(steps.iter().all(|s| s.1 >= 0.0 && s.1.is_finite()), "{got}");
    // Without the flag nothing is timed.
    optc()
        .args([
            "compile",
            &format!("{root}/../examples/data/haar8.npy"),
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("time ").not());
}

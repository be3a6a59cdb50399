//! `optc reduce` rejects malformed code files with a located message and
//! exit status 1, and refuses netlists without a reducer section.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn example(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(file)
}

/// The compiled 4-server linear reducer in a temporary folder.
fn compiled() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("optc")
        .unwrap()
        .arg("compile")
        .arg(example("optinc_4x4b_linear.optc"))
        .arg("-o")
        .arg(dir.path())
        .assert()
        .success();
    let netlist = dir.path().join("optinc_4x4b_linear.netlist.yaml");
    (dir, netlist)
}

fn reduce_stdin(netlist: &Path, input: &str) -> assert_cmd::assert::Assert {
    Command::cargo_bin("optc")
        .unwrap()
        .arg("reduce")
        .arg(netlist)
        .arg("--codes")
        .arg("-")
        .write_stdin(input)
        .assert()
}

#[test]
fn rejects_bad_codes_with_locations() {
    let (_dir, netlist) = compiled();
    reduce_stdin(&netlist, "1,2,3,4\n1,2,x,4\n")
        .code(1)
        .stderr(predicate::str::contains(
            "<stdin>:2: column 3: `x` is not an integer code",
        ));
    reduce_stdin(&netlist, "# header comment\n1,2,3\n")
        .code(1)
        .stderr(predicate::str::contains(
            "<stdin>:2: expected 4 codes (one per server), found 3",
        ));
    reduce_stdin(&netlist, "1,2,3,4\n\n0,0,8,0\n")
        .code(1)
        .stderr(predicate::str::contains(
            "<stdin>:3: column 3: code 8 is outside [-7, 7]",
        ));
}

#[test]
fn reduces_stdin_to_stdout_and_file() {
    let (dir, netlist) = compiled();
    // Sums 2 (0.5 → 0), 6 (1.5 → 2), −6 (−1.5 → −2), 28 (7).
    reduce_stdin(&netlist, "1,1,0,0\n3,3,0,0\n-3,-3,0,0\n7,7,7,7\n")
        .success()
        .stdout("0\n2\n-2\n7\n");
    let out = dir.path().join("r.csv");
    Command::cargo_bin("optc")
        .unwrap()
        .arg("reduce")
        .arg(&netlist)
        .arg("--codes")
        .arg("-")
        .arg("-o")
        .arg(&out)
        .write_stdin("1,1,1,1\n")
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(out).unwrap(), "1\n");
}

#[test]
fn refuses_a_netlist_without_reducer_section() {
    let netlist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/netlists/mzi1.netlist.yaml");
    reduce_stdin(&netlist, "1\n")
        .code(1)
        .stderr(predicate::str::contains("has no `reducer:` section"));
}

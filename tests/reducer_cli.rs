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
        .stderr(predicate::str::contains(
            "has no `reducer:` or `digit_serial:` section",
        ));
}

fn compile_source(source: &str) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.optc");
    std::fs::write(&file, source).unwrap();
    Command::cargo_bin("optc")
        .unwrap()
        .arg("compile")
        .arg(&file)
        .arg("-o")
        .arg(dir.path())
        .assert()
}

const ONN: &str = "reducer r {\n  servers = 4; bits = 4; reduce = mean; round = half_even\n  preprocess = PRE\n  onn {\n    LAYERS\n    detect threshold\n  }\n  train { epochs = 1; lr = 0.001; seed = 1 }\n}\n";

fn onn(pre: &str, layers: &str) -> String {
    ONN.replace("PRE", pre).replace("LAYERS", layers)
}

#[test]
fn onn_structure_errors_say_what_to_write() {
    let good =
        "layer 8 activation eo(alpha = 0.1) weights unitary_diag\n    layer 4 weights unitary_diag";
    compile_source(&onn("sum", good)).success();
    compile_source(&onn(
        "sum",
        "layer 8 activation eo(gain = 0.5, bias = 0.2 rad) weights unitary_diag\n    layer 4 weights unitary_diag",
    ))
    .code(1)
    .stderr(predicate::str::contains("remove `gain` and `bias`"));
    compile_source(&onn(
        "sum",
        "layer 8 activation eo(alpha = 0.1) weights unitary_diag\n    layer 8 weights unitary_diag\n    layer 4 weights unitary_diag",
    ))
    .code(1)
    .stderr(predicate::str::contains("the onn has 3 layers"))
    .stderr(predicate::str::contains("layer 8 activation eo(alpha = 0.1)"));
    compile_source(&onn("partial(2)", good))
        .code(1)
        .stderr(predicate::str::contains("write `preprocess = sum`"));
}

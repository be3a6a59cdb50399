//! `optc check` and `optc compile --emit ir|dot` end to end.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn optc() -> Command {
    let mut c = Command::cargo_bin("optc").expect("the optc binary is built");
    c.current_dir(root());
    c
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn check_ok_prints_a_summary() {
    optc()
        .args(["check", "examples/optinc_8x4b.optc"])
        .assert()
        .code(0)
        .stdout("ok: 0 devices, 1 reducer, 0 linear networks\n")
        .stderr("");
}

#[test]
fn check_failure_exits_1_with_all_diagnostics() {
    optc()
        .args(["check", "tests/bad/many_errors.optc"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains(" --> tests/bad/many_errors.optc:3:18")
                .and(predicate::str::contains(
                    " --> tests/bad/many_errors.optc:17:10",
                ))
                .and(predicate::str::contains("due to 7 errors")),
        );
}

#[test]
fn missing_file_exits_1() {
    optc()
        .args(["check", "examples/no_such_file.optc"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read the source file"));
}

#[test]
fn usage_error_exits_2() {
    optc().args(["check"]).assert().code(2);
    optc()
        .args(["compile", "examples/optinc_8x4b.optc", "--emit", "nonsense"])
        .assert()
        .code(2);
}

#[test]
fn emit_ir_matches_the_library() {
    let (_, graphs) = optc::frontend::load(
        &root().join("examples/optinc_4x4b.optc"),
        Default::default(),
    )
    .unwrap_or_else(|d| panic!("{}", d.render()));
    let expected = optc::ir::print::print_all(&graphs);
    optc()
        .args(["compile", "examples/optinc_4x4b.optc", "--emit", "ir"])
        .assert()
        .code(0)
        .stdout(expected);
}

#[test]
fn emit_dot_is_a_digraph() {
    optc()
        .args(["compile", "examples/linear_npy.optc", "--emit", "dot"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::starts_with("digraph optc {")
                .and(predicate::str::contains("g0n0 -> g0n1 [label=\"8\"]"))
                .and(predicate::str::ends_with("}\n")),
        );
}

#[test]
fn emit_ir_reports_diagnostics() {
    optc()
        .args(["compile", "tests/bad/unknown_unit.optc", "--emit", "ir"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("unknown unit `db`"));
}

#[test]
fn outside_paths_flag() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("w.csv"), "0,1\n1,0\n").unwrap();
    let src = dir.path().join("src/net.optc");
    std::fs::write(
        &src,
        "linear w {\n  matrix = load(\"../w.csv\")\n  realize = unitary\n}\n",
    )
    .unwrap();
    optc()
        .arg("check")
        .arg(&src)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("leaves the source file's folder"));
    optc()
        .arg("check")
        .arg(&src)
        .arg("--allow-outside-paths")
        .assert()
        .code(0)
        .stdout("ok: 0 devices, 0 reducers, 1 linear network\n");
}

#[test]
fn matrix_file_compiles_as_a_linear_network() {
    optc()
        .args(["compile", "examples/data/haar8.npy", "--emit", "ir"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::starts_with("linear haar8\n").and(predicate::str::contains(
                "matrix 8x8 load(\"examples/data/haar8.npy\") realize unitary mesh clements",
            )),
        );
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("2-by-3.csv");
    std::fs::write(&csv, "1,0,0\n0,1,0.5i\n").unwrap();
    optc()
        .arg("compile")
        .arg(&csv)
        .args(["--emit", "ir"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::starts_with("linear 2-by-3\n")
                .and(predicate::str::contains("matrix 2x3"))
                .and(predicate::str::contains("realize svd")),
        );
}

/// `cell = K` reaches the IR (one line after the device), and only then.
#[test]
fn emit_ir_names_a_non_standard_cell() {
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(root().join("examples/optinc_4x4b.optc")).unwrap();
    let ir = |cell: &str| {
        let file = dir.path().join(format!("{cell}.optc"));
        let text = source.replace(
            "  device = realistic\n",
            &format!("  device = realistic\n  cell = {cell}\n"),
        );
        assert!(text.contains("cell = "), "the example has no device line");
        std::fs::write(&file, text).unwrap();
        let out = optc()
            .arg("compile")
            .arg(&file)
            .args(["--emit", "ir"])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let standard = ir("mzi");
    assert!(!standard.contains("cell "), "{standard}");
    for cell in ["mzi3", "mzi_crossing"] {
        let text = ir(cell);
        let line = format!("\n  cell {cell}: every onn MZI\n");
        assert!(text.contains(&line), "{text}");
        assert_eq!(text.replace(&line, "\n"), standard, "{cell}");
    }
}

//! `optc render`, `optc export` and `optc compile --svg` end to end
//! (assert_cmd): files written, and located errors with exit status 1.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn netlists() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/netlists")
}

fn optc() -> Command {
    Command::cargo_bin("optc").unwrap()
}

#[test]
fn render_writes_svg_with_and_without_phases() {
    let dir = tempfile::tempdir().unwrap();
    for (phases, out) in [(true, "a.svg"), (false, "b.svg")] {
        let out = dir.path().join(out);
        let mut cmd = optc();
        cmd.arg("render")
            .arg(netlists().join("triangle.netlist.yaml"));
        if phases {
            cmd.arg("--phases")
                .arg(netlists().join("triangle.phases.yaml"));
        }
        cmd.arg("-o").arg(&out).assert().success();
        let svg = std::fs::read_to_string(&out).unwrap();
        roxmltree::Document::parse(&svg).unwrap();
        assert_eq!(svg.contains("θ = "), phases);
    }
}

#[test]
fn render_missing_netlist_is_exit_1_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    optc()
        .args(["render", "no/such.netlist.yaml", "-o"])
        .arg(dir.path().join("x.svg"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no/such.netlist.yaml"));
    assert!(!dir.path().join("x.svg").exists());
}

#[test]
fn render_with_phases_of_another_netlist_is_located() {
    let dir = tempfile::tempdir().unwrap();
    optc()
        .arg("render")
        .arg(netlists().join("triangle.netlist.yaml"))
        .arg("--phases")
        .arg(netlists().join("mzi1.phases.yaml"))
        .arg("-o")
        .arg(dir.path().join("x.svg"))
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("mzi1.phases.yaml:").and(predicate::str::contains("triangle")),
        );
}

#[test]
fn export_sax_and_gdsfactory_write_yaml() {
    let dir = tempfile::tempdir().unwrap();
    for to in ["sax", "gdsfactory"] {
        let out = dir.path().join(format!("t.{to}.yaml"));
        optc()
            .arg("export")
            .arg(netlists().join("triangle.netlist.yaml"))
            .args(["--to", to, "-o"])
            .arg(&out)
            .assert()
            .success();
        let v: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(v["instances"].as_mapping().unwrap().len(), 3, "{to}");
    }
}

#[test]
fn export_of_an_unsupported_kind_names_the_instance() {
    let dir = tempfile::tempdir().unwrap();
    for (to, instance) in [("sax", "`bias`"), ("gdsfactory", "`bias`")] {
        optc()
            .arg("export")
            .arg(netlists().join("eo_detect.netlist.yaml"))
            .args(["--to", to, "-o"])
            .arg(dir.path().join("x.yaml"))
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("eo_detect.netlist.yaml")
                    .and(predicate::str::contains(instance))
                    .and(predicate::str::contains("`source`")),
            );
    }
}

#[test]
fn export_needs_a_target() {
    optc()
        .arg("export")
        .arg(netlists().join("triangle.netlist.yaml"))
        .args(["-o", "x.yaml"])
        .assert()
        .code(2);
    optc()
        .arg("export")
        .arg(netlists().join("triangle.netlist.yaml"))
        .args(["--to", "kicad", "-o", "x.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sax").and(predicate::str::contains("gdsfactory")));
}

#[test]
fn compile_svg_writes_drawings_beside_the_netlist() {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    optc()
        .arg("compile")
        .arg(examples.join("optinc_4x4b_linear.optc"))
        .arg("-o")
        .arg(dir.path())
        .arg("--svg")
        .assert()
        .success()
        .stdout(predicate::str::contains("optinc_4x4b_linear.report.svg"));
    let svg = std::fs::read_to_string(dir.path().join("optinc_4x4b_linear.svg")).unwrap();
    roxmltree::Document::parse(&svg).unwrap();
    let report = std::fs::read_to_string(dir.path().join("optinc_4x4b_linear.report.svg")).unwrap();
    roxmltree::Document::parse(&report).unwrap();
    // The figures come from the report file the compile wrote.
    let yaml: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(dir.path().join("optinc_4x4b_linear.report.yaml")).unwrap(),
    )
    .unwrap();
    let rate = yaml["reducer"]["exact_match_rate"].as_f64().unwrap();
    let worst = yaml["reducer"]["exact_match_rate_device"]["worst"]
        .as_f64()
        .unwrap();
    let full = yaml["reducer"]["mzi_count_full_svd"].as_u64().unwrap();
    assert!(report.contains(&format!("{rate:.4}")));
    assert!(report.contains(&format!("{worst:.4}")));
    assert!(report.contains(&format!(">{full}<")));
    let calibrated = yaml["reducer"]["exact_match_rate_device_calibrated"]["mean"]
        .as_f64()
        .unwrap();
    assert!(report.contains(&format!("{calibrated:.4}")));
    // A linear network gets the drawing but no report summary.
    optc()
        .arg("compile")
        .arg(examples.join("linear_inline.optc"))
        .arg("-o")
        .arg(dir.path())
        .arg("--svg")
        .assert()
        .success();
    assert!(dir.path().join("dft4.svg").exists());
    assert!(!dir.path().join("dft4.report.svg").exists());
}

#[test]
fn render_of_an_unknown_component_kind_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.netlist.yaml");
    std::fs::write(
        &path,
        "version: 1\nname: bad\nmodes: 1\nports:\n  in0: \"x,in0\"\n  out0: \"x,out0\"\ninstances:\n  x: {component: mmi}\n",
    )
    .unwrap();
    for args in [vec!["render"], vec!["export", "--to", "sax"]] {
        optc()
            .args(&args)
            .arg(&path)
            .arg("-o")
            .arg(dir.path().join("x.out"))
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("bad.netlist.yaml:8")
                    .and(predicate::str::contains("`x`"))
                    .and(predicate::str::contains("`mmi`")),
            );
    }
    assert!(!dir.path().join("x.out").exists());
}

//! `optc simulate` end to end (assert_cmd).

use assert_cmd::Command;
use optc_formats::matrix_file;
use optc_model::mzi;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn netlist(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/netlists")
        .join(format!("{name}.netlist.yaml"))
}

fn optc() -> Command {
    Command::cargo_bin("optc").unwrap()
}

#[test]
fn matrix_text_output() {
    let out = optc()
        .args(["simulate", "--matrix"])
        .arg(netlist("mzi1"))
        .assert()
        .success();
    insta::assert_snapshot!(
        "mzi1_matrix_text",
        String::from_utf8_lossy(&out.get_output().stdout)
    );
}

#[test]
fn matrix_csv_is_the_closed_form_mzi() {
    let out = optc()
        .args(["simulate", "--matrix", "--format", "csv"])
        .arg(netlist("mzi1"))
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let m = matrix_file::parse_csv(Path::new("stdout"), &text).unwrap();
    let t = mzi::transfer(1.2, 0.7);
    for i in 0..2 {
        for j in 0..2 {
            assert!((m[(i, j)] - t[i][j]).norm() < 1e-15);
        }
    }
}

#[test]
fn npy_output_file_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.npy");
    optc()
        .args(["simulate", "--matrix", "--format", "npy", "-o"])
        .arg(&out)
        .arg(netlist("triangle"))
        .assert()
        .success()
        .stdout("");
    let m = matrix_file::read_matrix(&out).unwrap();
    assert_eq!(m.shape(), (3, 3));
    let uu = &m * m.adjoint();
    assert!((uu - nalgebra::DMatrix::identity(3, 3)).norm() < 1e-13);
}

#[test]
fn input_batch_from_stdin_and_file() {
    // eo_detect: a thresholded detector after an EO activation, and bias light.
    optc()
        .args(["simulate", "--input", "-", "--format", "csv"])
        .arg(netlist("eo_detect"))
        .write_stdin("0.1\n1\n0.5i\n")
        .assert()
        .success()
        .stdout("0,0.25\n1,0.25\n0,0.25\n");
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.csv");
    std::fs::write(&input, "1,0\n0,1\n0.5-0.5i,0.5+0.5i\n").unwrap();
    let out = optc()
        .args(["simulate", "--format", "json", "--input"])
        .arg(&input)
        .arg(netlist("mzi1"))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["columns"], serde_json::json!(["out0", "out1"]));
    assert_eq!(v["re"].as_array().unwrap().len(), 3);
    let t = mzi::transfer(1.2, 0.7);
    assert!((v["re"][1][0].as_f64().unwrap() - t[0][1].re).abs() < 1e-15);
}

#[test]
fn device_file_applies_loss() {
    let dir = tempfile::tempdir().unwrap();
    let dev = dir.path().join("dev.yaml");
    std::fs::write(&dev, "mzi_loss_db: 3.0\n").unwrap();
    let out = optc()
        .args(["simulate", "--matrix", "--format", "csv", "--device"])
        .arg(&dev)
        .arg(netlist("mzi1"))
        .assert()
        .success();
    let m = matrix_file::parse_csv(
        Path::new("o"),
        &String::from_utf8_lossy(&out.get_output().stdout),
    )
    .unwrap();
    let p: f64 = (0..2).map(|i| m[(i, 0)].norm_sqr()).sum();
    assert!((10.0 * p.log10() + 3.0).abs() < 1e-12);
}

#[test]
fn errors_are_reported_with_locations() {
    let fail = |args: &[&str], name: &str| {
        let out = optc()
            .arg("simulate")
            .args(args)
            .arg(netlist(name))
            .assert()
            .code(1);
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    let nonlinear = fail(&["--matrix"], "eo_detect");
    assert!(
        nonlinear.contains("eo_detect.netlist.yaml:14: instance `bias`: the netlist is not linear"),
        "{nonlinear}"
    );
    let other = netlist("mzi1").with_file_name("triangle.phases.yaml");
    let wrong = fail(&["--matrix", "--phases", other.to_str().unwrap()], "mzi1");
    assert!(wrong.contains("belongs to netlist `triangle`"), "{wrong}");
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.csv");
    std::fs::write(&input, "1,0,0\n").unwrap();
    let width = fail(&["--input", input.to_str().unwrap()], "mzi1");
    assert!(
        width.contains("3 columns but the netlist has 2 inputs"),
        "{width}"
    );
    // No phase file next to a netlist.
    let lone = dir.path().join("lone.netlist.yaml");
    std::fs::copy(netlist("mzi1"), &lone).unwrap();
    optc()
        .args(["simulate", "--matrix"])
        .arg(&lone)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "lone.phases.yaml: cannot read the file",
        ));
}

#[test]
fn usage_errors() {
    optc()
        .args(["simulate"])
        .arg(netlist("mzi1"))
        .assert()
        .code(2);
    optc()
        .args(["simulate", "--matrix", "--ideal", "--device", "d.yaml"])
        .arg(netlist("mzi1"))
        .assert()
        .code(2);
}

/// A 64-mode Clements mesh (random settings) → builder → files →
/// `optc simulate --matrix` equals `Mesh::matrix()`. The files stay in
/// CARGO_TARGET_TMPDIR/clements64 for timing the command by hand.
#[test]
fn clements64_cli_round_trip() {
    use optc_formats::builder::NetlistBuilder;
    use rand::SeedableRng;
    let n = 64;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(64);
    let mesh = optc_model::mesh::random_clements(n, &mut rng);
    let mut b = NetlistBuilder::new("clements64", n);
    b.add_mesh(&mesh, 0, "u_");
    let (netlist, phases) = b.build().unwrap();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("clements64");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("clements64.netlist.yaml");
    optc_formats::fsio::write_atomic(&path, netlist.to_yaml().as_bytes()).unwrap();
    optc_formats::fsio::write_atomic(
        &dir.join("clements64.phases.yaml"),
        phases.to_yaml().as_bytes(),
    )
    .unwrap();
    let out = optc()
        .args(["simulate", "--matrix", "--format", "csv"])
        .arg(&path)
        .assert()
        .success();
    let m = matrix_file::parse_csv(
        Path::new("o"),
        &String::from_utf8_lossy(&out.get_output().stdout),
    )
    .unwrap();
    let err = m
        .iter()
        .zip(mesh.matrix().iter())
        .map(|(a, b)| (a - b).norm())
        .fold(0.0, f64::max);
    assert!(err < 1e-12, "{err}");
}

//! `optc model`: the JSON has every scheme with its normalized latency, the
//! text of the paper's settings is pinned (closed forms, no training), bad
//! settings fail with the flag's name, and `--project` writes its files.

use assert_cmd::Command;
use predicates::prelude::*;

fn optc() -> Command {
    Command::cargo_bin("optc").unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = optc()
        .arg("model")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn json_has_every_scheme_normalized_to_ring() {
    let v = json(&["--preset", "paper-llama", "--servers", "16"]);
    let schemes = v["schemes"].as_object().unwrap();
    let names: Vec<&str> = schemes.keys().map(String::as_str).collect();
    assert_eq!(names.len(), 4);
    for name in ["ring", "tree", "in_switch", "optinc"] {
        let s = &schemes[name];
        let (c, m, t) = (
            s["compute_s"].as_f64().unwrap(),
            s["comm_s"].as_f64().unwrap(),
            s["step_s"].as_f64().unwrap(),
        );
        assert!((c + m - t).abs() <= 1e-12 * t, "{name}");
        let ring = schemes["ring"]["step_s"].as_f64().unwrap();
        let n = s["normalized_latency"].as_f64().unwrap();
        assert!((n - t / ring).abs() < 1e-12, "{name}");
    }
    assert_eq!(schemes["ring"]["normalized_latency"].as_f64(), Some(1.0));
    assert_eq!(v["cascade"]["fan_in"], serde_json::json!([4, 4]));
    assert_eq!(v["cascade"]["passes"], 9);
    assert_eq!(v["setting"]["network"]["servers"], 16);
    assert_eq!(v["switch_tiers"], 1);
    let deep = json(&["--servers", "1024", "--switch-radix", "32"]);
    assert_eq!(deep["switch_tiers"], 2);
}

#[test]
fn overrides_reach_the_formulas() {
    // Ring's communication is linear in the gradient bits (latency aside).
    let base = json(&["--hop-latency-us", "0"]);
    let half = json(&["--hop-latency-us", "0", "--grad-bits", "16"]);
    let r = |v: &serde_json::Value| v["schemes"]["ring"]["comm_s"].as_f64().unwrap();
    assert!((r(&base) - 2.0 * r(&half)).abs() < 1e-15);
    // Doubling the samples doubles the compute.
    let c = |v: &serde_json::Value| v["schemes"]["optinc"]["compute_s"].as_f64().unwrap();
    let twice = json(&["--samples-per-server", "64"]);
    assert!((c(&twice) - 2.0 * c(&base)).abs() < 1e-15);
}

#[test]
fn paper_settings_text() {
    for preset in ["resnet50-cifar100", "paper-llama"] {
        let out = optc().args(["model", "--preset", preset]).output().unwrap();
        assert!(out.status.success());
        insta::assert_snapshot!(
            format!("model_{preset}"),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn bad_settings_name_the_flag() {
    for (args, needle) in [
        (
            vec!["--utilization", "1.5"],
            "--utilization must be a finite number in (0, 1]",
        ),
        (vec!["--servers", "12"], "cascade for 12 servers"),
        (vec!["--servers", "2048"], "--servers must be in 1..=1024"),
        (
            vec!["--unit-servers", "3"],
            "--unit-servers must be a power of two",
        ),
        (vec!["--bits", "1"], "--bits must be in 2..=16"),
        (
            vec!["--transceiver-gbps", "0"],
            "--transceiver-gbps must be a finite number > 0",
        ),
        (vec!["--overlap", "nan"], "--overlap"),
        (vec!["--switch-radix", "1"], "--switch-radix must be ≥ 2"),
    ] {
        optc()
            .arg("model")
            .args(&args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(needle));
    }
    optc().args(["model", "--preset", "gpt-5"]).assert().code(2);
}

#[test]
fn projection_writes_its_table_plot_and_winners() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("proj");
    optc()
        .args(["model", "--preset", "llama-7b", "--project"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("host          16 servers: tree"));
    let csv = std::fs::read_to_string(out.join("projection.csv")).unwrap();
    // Header + 9 server counts × 8 parameter counts.
    assert_eq!(csv.lines().count(), 1 + 9 * 8);
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",optinc")));
    let svg = std::fs::read_to_string(out.join("projection.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.matches("<polyline").count() >= 12);
    let winners = std::fs::read_to_string(out.join("winners.csv")).unwrap();
    assert!(winners.starts_with("among,servers,scheme,from_params,to_params\n"));
    // Tree beats ring only below a crossover that grows with the servers.
    let crossover = |n: &str| -> f64 {
        winners
            .lines()
            .find(|l| l.starts_with(&format!("host,{n},tree,")))
            .and_then(|l| l.split(',').nth(4))
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(crossover("16") < crossover("64") && crossover("64") < crossover("256"));
}

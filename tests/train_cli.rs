//! `optc train` end to end: a tiny configuration writes the three outputs,
//! is reproducible (apart from the measured compute column), and bad
//! arguments are clear errors.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn optc() -> Command {
    match Command::cargo_bin("optc") {
        Ok(c) => c,
        Err(e) => panic!("optc binary: {e}"),
    }
}

/// A tiny run (2 workers, 1 epoch, 320 samples); `set` overrides or adds
/// `--flag value` pairs.
fn tiny(out: &Path, set: &[(&str, &str)]) -> Command {
    let mut flags = vec![
        ("--workload", "digits-cnn"),
        ("--workers", "2"),
        ("--epochs", "1"),
        ("--batch", "32"),
        ("--train-samples", "320"),
        ("--reducers", "ring,quantized"),
        ("--seed", "3"),
    ];
    for (k, v) in set {
        match flags.iter_mut().find(|(f, _)| f == k) {
            Some(slot) => slot.1 = v,
            None => flags.push((k, v)),
        }
    }
    let mut c = optc();
    c.arg("train");
    for (k, v) in flags {
        c.args([k, v]);
    }
    c.arg("--quiet").arg("--out").arg(out);
    c
}

/// metrics.csv without the measured compute_s column.
fn reproducible_part(csv: &str) -> Vec<String> {
    csv.lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').collect();
            f.pop();
            f.join(",")
        })
        .collect()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn tiny_run_writes_outputs_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let t = std::time::Instant::now();
    tiny(&a, &[]).assert().success();
    assert!(
        t.elapsed().as_secs() < 60,
        "tiny run took {:?}",
        t.elapsed()
    );
    tiny(&b, &[]).assert().success();

    let csv = read(&a.join("metrics.csv"));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "reducer,step,epoch,train_loss,test_accuracy,modeled_comm_s,compute_s"
    );
    // Per reducer: the step-0 row and one row per epoch (10 steps of 32).
    assert_eq!(lines.len(), 1 + 2 * 2);
    assert!(lines[1].starts_with("ring,0,0,") && lines[2].starts_with("ring,10,1,"));
    assert!(lines[3].starts_with("quantized,0,0,") && lines[4].starts_with("quantized,10,1,"));
    assert_eq!(
        reproducible_part(&csv),
        reproducible_part(&read(&b.join("metrics.csv")))
    );

    let summary = read(&a.join("summary.yaml"));
    for key in [
        "reducer: ring",
        "reducer: quantized",
        "vs_ring:",
        "comm_saving:",
        "final_test_accuracy:",
    ] {
        assert!(
            summary.contains(key),
            "summary.yaml lacks `{key}`:\n{summary}"
        );
    }
    let svg = read(&a.join("curves.svg"));
    assert!(svg.starts_with("<svg") && svg.contains("\nquantized\n"));
}

#[test]
fn a_different_seed_changes_the_run() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    tiny(&a, &[("--reducers", "ring")]).assert().success();
    tiny(&b, &[("--reducers", "ring"), ("--seed", "4")])
        .assert()
        .success();
    assert_ne!(
        reproducible_part(&read(&a.join("metrics.csv"))),
        reproducible_part(&read(&b.join("metrics.csv")))
    );
}

#[test]
fn argument_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("o");
    // The default reducers include optical, which needs a netlist.
    optc()
        .args(["train", "--workers", "2", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .failure()
        .code(1)
        .stderr(predicate::str::contains("--reducer NAME.netlist.yaml"));
    tiny(&out, &[("--batch", "33")])
        .assert()
        .failure()
        .stderr(predicate::str::contains("multiple of --workers"));
    optc()
        .args([
            "train",
            "--workload",
            "wiki-lama",
            "--workers",
            "2",
            "--out",
        ])
        .arg(&out)
        .assert()
        .failure()
        .code(2);
    optc()
        .args([
            "train",
            "--workload",
            "wiki-llama",
            "--workers",
            "2",
            "--reducers",
            "ring",
            "--d-model",
            "24",
            "--heads",
            "8",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .failure()
        .code(1)
        .stderr(predicate::str::contains("must be even for rotary"));
}

fn example(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(file)
}

/// Compiles a 4-server reducer example (the linear one has a coherent
/// readout; `optinc_4x4b` is the photonic-ADC ONN with detector bits) into `dir`; returns the netlist path.
fn compiled_reducer(dir: &Path, name: &str) -> std::path::PathBuf {
    optc()
        .arg("compile")
        .arg(example(&format!("{name}.optc")))
        .arg("-o")
        .arg(dir)
        .assert()
        .success();
    dir.join(format!("{name}.netlist.yaml"))
}

/// The value of `key:` inside the `reducer: NAME` block of summary.yaml.
fn summary_value(summary: &str, reducer: &str, key: &str) -> Option<f64> {
    let start = summary.find(&format!("reducer: {reducer}\n"))?;
    let block = &summary[start..];
    let end = block[1..].find("- reducer:").map_or(block.len(), |e| e + 1);
    block[..end].lines().find_map(|l| {
        l.trim()
            .strip_prefix(&format!("{key}:"))
            .and_then(|v| v.trim().parse().ok())
    })
}

#[test]
fn optical_runs_the_compiled_netlist() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let netlist = compiled_reducer(dir.path(), "optinc_4x4b_linear");
    let out = dir.path().join("run");
    let nl = netlist.to_string_lossy().to_string();
    tiny(
        &out,
        &[
            ("--reducers", "quantized,optical"),
            ("--workers", "4"),
            ("--reducer", &nl),
        ],
    )
    .assert()
    .success();
    let summary = read(&out.join("summary.yaml"));
    let rate = summary_value(&summary, "optical", "code_mismatch_rate")
        .unwrap_or_else(|| panic!("no code_mismatch_rate:\n{summary}"));
    assert!((0.0..=1.0).contains(&rate));
    let elements = summary_value(&summary, "optical", "elements").unwrap_or(0.0);
    // 10 steps × 3,818 parameters went through the circuit.
    assert_eq!(elements, 38_180.0);
    let csv = read(&out.join("metrics.csv"));
    let rows = |name: &str| -> Vec<String> {
        reproducible_part(&csv)
            .into_iter()
            .filter_map(|l| l.strip_prefix(&format!("{name},")).map(str::to_string))
            // step, epoch, train_loss, test_accuracy (comm differs by design).
            .map(|l| l.rsplit_once(',').map_or(l.clone(), |(a, _)| a.to_string()))
            .collect()
    };
    assert_eq!(rows("optical").len(), 2);
    // The ideal linear reducer meets the contract on every element, so the
    // optical run trains exactly like the integer contract.
    assert_eq!(rate, 0.0);
    assert_eq!(rows("optical"), rows("quantized"));

    // The netlist serves 4 servers.
    tiny(&out, &[("--reducers", "optical"), ("--reducer", &nl)])
        .assert()
        .failure()
        .code(1)
        .stderr(predicate::str::contains(
            "serves 4 servers but --workers is 2",
        ));
}

#[test]
fn optical_on_a_noisy_device_is_counted_and_reproducible() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let netlist = compiled_reducer(dir.path(), "optinc_4x4b");
    let device = dir.path().join("noisy.device.yaml");
    // The compiled phase file's nominal chip (spec/device.md) plus detector
    // noise: only the noise makes codes differ.
    std::fs::write(
        &device,
        "mzi_loss_db: 0.1\nphase_bits: 8\ncrosstalk: 0.02\nsplitter_loss_db: 0.1\ndetector_noise: 0.05\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (nl, dev) = (
        netlist.to_string_lossy().to_string(),
        device.to_string_lossy().to_string(),
    );
    let run = |out: &Path| {
        tiny(
            out,
            &[
                ("--reducers", "optical"),
                ("--workers", "4"),
                ("--reducer", &nl),
                ("--device", &dev),
            ],
        )
        .assert()
        .success();
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run(&a);
    run(&b);
    let summary = read(&a.join("summary.yaml"));
    let rate = summary_value(&summary, "optical", "code_mismatch_rate").unwrap_or(0.0);
    assert!(rate > 0.0 && rate < 0.5, "mismatch rate {rate}:\n{summary}");
    assert_eq!(
        reproducible_part(&read(&a.join("metrics.csv"))),
        reproducible_part(&read(&b.join("metrics.csv")))
    );
}

/// A tiny wiki-llama run: 4 workers, one epoch of 8,192 training tokens
/// (63 steps), a 16-wide one-block model, evaluated every 21 steps on the
/// first 2,048 test tokens.
fn tiny_llama(out: &Path, reducers: &str, extra: &[&str]) -> Command {
    let mut c = optc();
    c.args([
        "train",
        "--workload",
        "wiki-llama",
        "--workers",
        "4",
        "--epochs",
        "1",
        "--batch",
        "8",
        "--train-tokens",
        "8192",
        "--eval-tokens",
        "2048",
        "--context",
        "16",
        "--d-model",
        "16",
        "--layers",
        "1",
        "--heads",
        "2",
        "--min-count",
        "50",
        "--eval-every",
        "21",
        "--seed",
        "5",
        "--reducers",
        reducers,
        "--quiet",
    ])
    .args(extra)
    .arg("--out")
    .arg(out);
    c
}

#[test]
fn tiny_wiki_llama_learns_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let netlist = compiled_reducer(dir.path(), "optinc_4x4b_linear");
    let nl = netlist.to_string_lossy().to_string();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let t = std::time::Instant::now();
    tiny_llama(&a, "ring,optical", &["--reducer", &nl])
        .assert()
        .success();
    assert!(
        t.elapsed().as_secs() < 60,
        "tiny run took {:?}",
        t.elapsed()
    );
    tiny_llama(&b, "ring,optical", &["--reducer", &nl])
        .assert()
        .success();
    let csv = read(&a.join("metrics.csv"));
    assert_eq!(
        reproducible_part(&csv),
        reproducible_part(&read(&b.join("metrics.csv")))
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "reducer,step,epoch,train_loss,test_perplexity,modeled_comm_s,compute_s"
    );
    for reducer in ["ring", "optical"] {
        let ppl: Vec<f64> = lines[1..]
            .iter()
            .filter_map(|l| l.strip_prefix(&format!("{reducer},")))
            .filter_map(|l| l.split(',').nth(3)?.parse().ok())
            .collect();
        // Rows at steps 0, 21, 42, 63.
        assert_eq!(ppl.len(), 4, "{csv}");
        assert!(ppl.iter().all(|p| p.is_finite() && *p > 1.0), "{ppl:?}");
        assert!(
            ppl.windows(2).all(|w| w[1] < w[0]),
            "{reducer} perplexity does not fall: {ppl:?}"
        );
    }
    let summary = read(&a.join("summary.yaml"));
    for key in [
        "workload: wiki-llama",
        "final_test_perplexity:",
        "test_perplexity_gap:",
        "code_mismatch_rate: 0.0",
        "vocab:",
    ] {
        assert!(
            summary.contains(key),
            "summary.yaml lacks `{key}`:\n{summary}"
        );
    }
    assert!(!summary.contains("final_test_accuracy"));
    let svg = read(&a.join("curves.svg"));
    assert!(svg.contains("test perplexity") && svg.contains("\noptical\n"));
}

/// An 8-bit digit-serial reducer over PAM4 (optinc_4x8b): its nominal chip
/// meets the contract on every element, so the optical run trains exactly
/// like 8-bit integer quantization. 8 bits is also the default width.
#[test]
fn optical_runs_a_digit_serial_netlist_at_8_bits() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let netlist = compiled_reducer(dir.path(), "optinc_4x8b");
    let out = dir.path().join("run");
    let nl = netlist.to_string_lossy().to_string();
    tiny(
        &out,
        &[
            ("--reducers", "quantized,optical"),
            ("--workers", "4"),
            ("--reducer", &nl),
        ],
    )
    .assert()
    .success();
    let summary = read(&out.join("summary.yaml"));
    assert!(summary.contains("\n  bits: 8\n"), "{summary}");
    // Without a netlist the default width is 8 bits too.
    let plain = dir.path().join("plain");
    tiny(&plain, &[("--reducers", "quantized")])
        .assert()
        .success();
    assert!(read(&plain.join("summary.yaml")).contains("\n  bits: 8\n"));
    assert_eq!(
        summary_value(&summary, "optical", "code_mismatch_rate"),
        Some(0.0),
        "{summary}"
    );
    let csv = read(&out.join("metrics.csv"));
    let rows = |name: &str| -> Vec<String> {
        reproducible_part(&csv)
            .into_iter()
            .filter_map(|l| l.strip_prefix(&format!("{name},")).map(str::to_string))
            .map(|l| l.rsplit_once(',').map_or(l.clone(), |(a, _)| a.to_string()))
            .collect()
    };
    assert_eq!(rows("optical").len(), 2);
    assert_eq!(rows("optical"), rows("quantized"));
}

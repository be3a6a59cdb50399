//! Every reducer example (4, 8 and 16 servers) compiles, its verified nominal-chip exact-match rate is
//! ≥ 0.999, and `optc reduce` on 2000 seeded random code vectors delivers
//! exactly the contract's result (`Contract::reference`) for each of them
//! (16×4b's nominal chip is wrong on 1.3e-6 of all inputs, which such a
//! sample is unlikely to hit; the report states it).

#[path = "support/codes.rs"]
mod codes;

use assert_cmd::Command;
use optc::driver::{compile, CompileOptions};
use optc_model::contract::Contract;
use std::path::{Path, PathBuf};

fn example(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(file)
}

/// Compiles the example, checks the report, runs `optc reduce` on 2000
/// seeded random code vectors and compares with the contract.
fn compile_and_reduce(file: &str, servers: usize, bits: u32, realization: &str) {
    compile_and_reduce_with(file, servers, bits, realization, |_| {});
}

/// The same, with more checks on the report.
fn compile_and_reduce_with(
    file: &str,
    servers: usize,
    bits: u32,
    realization: &str,
    check: impl Fn(&optc::emit::ReducerReport),
) {
    let dir = tempfile::tempdir().unwrap();
    let options = CompileOptions {
        out_dir: dir.path().to_path_buf(),
        ..CompileOptions::default()
    };
    let compiled =
        compile(&example(file), &options, |_, _| {}).unwrap_or_else(|e| panic!("{file}: {e}"));
    let c = &compiled[0];
    let r = c.unit.report.reducer.as_ref().expect("reducer report");
    assert_eq!((r.servers, r.bits), (servers, bits));
    assert_eq!(r.realization, realization);
    assert!(
        r.exact_match_rate >= 0.999,
        "{file}: ideal exact match {}",
        r.exact_match_rate
    );
    assert_eq!(r.exact_match_rate_device.instances, 20);
    assert!(r.exact_match_rate_device.worst <= r.exact_match_rate_device.mean);
    check(r);

    let contract = Contract::mean(servers, bits).unwrap();
    let codes = dir.path().join("codes.csv");
    let rows = codes::write_random_codes(&codes, 2026, 2000, servers, contract.max_code());
    for exact in [false, true] {
        let mut cmd = Command::cargo_bin("optc").unwrap();
        cmd.arg("reduce")
            .arg(&c.paths.netlist)
            .arg("--codes")
            .arg(&codes);
        if exact {
            cmd.arg("--exact");
        }
        let got = codes::parse_delivered(&cmd.assert().success().get_output().stdout);
        assert_eq!(got.len(), rows.len());
        for (row, g) in rows.iter().zip(&got) {
            assert_eq!(
                *g,
                contract.reference(row),
                "{file} (exact = {exact}): codes {row:?}"
            );
        }
    }
}

#[test]
fn linear_4x4b() {
    compile_and_reduce("optinc_4x4b_linear.optc", 4, 4, "linear");
}

#[test]
fn linear_8x4b() {
    compile_and_reduce("optinc_8x4b_linear.optc", 8, 4, "linear");
}

#[test]
fn onn_4x4b() {
    compile_and_reduce("optinc_4x4b.optc", 4, 4, "onn");
}

#[test]
fn onn_8x4b() {
    compile_and_reduce("optinc_8x4b.optc", 8, 4, "onn");
}

#[test]
fn onn_16x4b() {
    compile_and_reduce("optinc_16x4b.optc", 16, 4, "onn");
}

/// `weights` chooses each layer's realization: `svd` adds a V† mesh (a full
/// 6-mode Clements mesh, 15 MZIs, per bit block) to the layer, `unitary_diag`
/// does not; both carry a trained attenuator column Σ (4 lit modes per bit
/// block, 6 behind a V†), and both verify exact. `segmented(k)` is the
/// unitary_diag circuit, with a warning that says so.
#[test]
fn onn_weights_svd_adds_a_v_mesh_per_bit_block() {
    let dir = tempfile::tempdir().unwrap();
    let source = |weights: &str| {
        format!(
            "device d {{ mzi_loss = 0.1 dB; phase_bits = 8; phase_error = 0.01 rad }}\n\
             reducer r {{\n  servers = 3;  bits = 3;  reduce = mean;  preprocess = sum;  device = d\n  \
             onn {{\n    layer 6 activation eo(alpha = 0.1) weights {weights}\n    \
             layer 3 weights {weights}\n    detect threshold\n  }}\n  \
             train {{ epochs = 40; lr = 0.001; seed = 7 }}\n}}\n"
        )
    };
    let mut figures = Vec::new();
    for weights in ["unitary_diag", "svd", "unitary_diag_then_segmented"] {
        let out = dir.path().join(weights);
        let file = dir.path().join(format!("{weights}.optc"));
        let text = match weights {
            "unitary_diag_then_segmented" => source("unitary_diag").replace(
                "layer 3 weights unitary_diag",
                "layer 3 weights segmented(3)",
            ),
            w => source(w),
        };
        std::fs::write(&file, text).unwrap();
        let options = CompileOptions {
            out_dir: out.clone(),
            ..CompileOptions::default()
        };
        let compiled =
            compile(&file, &options, |_, _| {}).unwrap_or_else(|e| panic!("{weights}: {e}"));
        let c = &compiled[0];
        let r = c.unit.report.reducer.as_ref().expect("reducer report");
        assert_eq!(r.exact_match_rate, 1.0, "{weights}");
        let netlist = std::fs::read_to_string(&c.paths.netlist).unwrap();
        let count = |kind: &str| netlist.matches(&format!("component: {kind}\n")).count();
        let warned = c
            .unit
            .report
            .warnings
            .iter()
            .any(|w| w.contains("segmented(3)"));
        assert_eq!(warned, weights.ends_with("segmented"), "{weights}");
        figures.push((
            c.unit.report.mzi_count,
            count("attenuator"),
            r.mzi_count_full_svd,
        ));
    }
    let (ud, svd) = (figures[0], figures[1]);
    assert_eq!(figures[2], ud);
    // 3 bits: two layers of 3 bit blocks, 15 MZIs per V† block.
    assert_eq!(svd.0, ud.0 + 2 * 3 * 15);
    assert_eq!((ud.1, svd.1), (2 * 12, 2 * 18));
    assert_eq!(ud.2, svd.2);
    assert!(ud.0 < svd.0 && svd.0 < svd.2);
}

/// The digit-serial examples over PAM4 links: every stage exact over its
/// whole input domain on the nominal chip, 10^6 seeded end-to-end vectors
/// exact, each realistic chip calibrated stage by stage exact on at least
/// the given share, and `optc reduce` (table and `--exact` paths) equal to
/// the contract on 2000 seeded vectors.
fn digit_serial(
    file: &str,
    servers: usize,
    bits: u32,
    stages: usize,
    passes: usize,
    calibrated: f64,
) {
    compile_and_reduce_with(file, servers, bits, "digit_serial", |r| {
        let d = r.digit_serial.as_ref().expect("digit-serial figures");
        assert_eq!(d.stages, stages, "{file}");
        assert_eq!(d.latency_passes, passes, "{file}");
        assert_eq!(d.stage_exact_match, vec![1.0; stages], "{file}");
        assert_eq!(
            r.exact_match_rate, 1.0,
            "{file}: end to end on the nominal chip"
        );
        assert_eq!(r.max_error_lsb, 0);
        assert!(d.end_to_end_vectors >= 1_000_000);
        let cal = &r.exact_match_rate_device_calibrated;
        assert!(
            cal.mean >= calibrated,
            "{file}: calibrated mean {}",
            cal.mean
        );
        assert!(cal.mean >= r.exact_match_rate_device.mean);
        let units: usize = d.levels.iter().map(|l| l.units * l.stages_per_unit).sum();
        assert_eq!(units, stages);
    });
}

#[test]
fn digit_serial_4x8b() {
    digit_serial("optinc_4x8b.optc", 4, 8, 4, 4, 0.9999);
}

#[test]
fn digit_serial_4x16b() {
    digit_serial("optinc_4x16b.optc", 4, 16, 8, 8, 0.999);
}

#[test]
fn digit_serial_8x8b() {
    digit_serial("optinc_8x8b.optc", 8, 8, 4, 4, 0.999);
}

/// 16 servers as four 4-server leaves (4 stages each) and a root (5).
#[test]
fn digit_serial_cascade_16x8b() {
    digit_serial("optinc_16x8b.optc", 16, 8, 21, 9, 0.999);
}

/// 64 servers as a three-level tree: 16·4 + 4·5 + 1·6 stages.
#[test]
fn digit_serial_cascade_64x8b() {
    digit_serial("optinc_64x8b.optc", 64, 8, 90, 15, 0.999);
}

/// `cell = mzi3 | mzi_crossing`: every onn MZI is that cell (the same count
/// as the standard design's), the re-expressed design (`Circuit::with_cell`)
/// and the cell-agnostic combiner tuning make the nominal chip exact, and
/// each device instance's calibration does not lower its shipped figure.
#[test]
fn onn_cells_replace_every_mzi() {
    let dir = tempfile::tempdir().unwrap();
    let mut mzis = Vec::new();
    for (cell, weights) in [
        ("mzi", "unitary_diag"),
        ("mzi3", "unitary_diag"),
        ("mzi_crossing", "unitary_diag"),
        ("mzi", "svd"),
        ("mzi3", "svd"),
    ] {
        let text = format!(
            "device d {{ mzi_loss = 0.1 dB; phase_bits = 8; phase_error = 0.01 rad; coupler_error = 0.02 }}\n\
             reducer r {{\n  servers = 3;  bits = 3;  reduce = mean;  preprocess = sum;  device = d\n  \
             cell = {cell}\n  onn {{\n    layer 6 activation eo(alpha = 0.1) weights {weights}\n    \
             layer 3 weights {weights}\n    detect threshold\n  }}\n  \
             train {{ epochs = 40; lr = 0.001; seed = 7 }}\n}}\n"
        );
        let what = format!("{cell}, {weights}");
        let file = dir.path().join(format!("{cell}_{weights}.optc"));
        std::fs::write(&file, text).unwrap();
        let options = CompileOptions {
            out_dir: dir.path().join(format!("{cell}_{weights}")),
            ..CompileOptions::default()
        };
        let compiled =
            compile(&file, &options, |_, _| {}).unwrap_or_else(|e| panic!("{what}: {e}"));
        let c = &compiled[0];
        let r = c.unit.report.reducer.as_ref().expect("reducer report");
        assert_eq!(r.exact_match_rate, 1.0, "{what}");
        assert!(
            r.exact_match_rate_device_calibrated.mean >= r.exact_match_rate_device.mean,
            "{what}"
        );
        let netlist = std::fs::read_to_string(&c.paths.netlist).unwrap();
        let count = |kind: &str| netlist.matches(&format!("component: {kind}\n")).count();
        let others: usize = ["mzi", "mzi3", "mzi_crossing"]
            .iter()
            .filter(|k| **k != cell)
            .map(|k| count(k))
            .sum();
        assert_eq!(others, 0, "{what}: MZIs of another cell");
        assert_eq!(count(cell), c.unit.report.mzi_count, "{what}");
        // The standard design of the same weights comes first.
        match mzis.iter().find(|(w, _)| *w == weights) {
            Some(&(_, standard)) => assert_eq!(count(cell), standard, "{what}"),
            None => mzis.push((weights, count(cell))),
        }
    }
    assert_eq!(mzis.len(), 2);
}

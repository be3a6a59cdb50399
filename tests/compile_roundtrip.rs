//! Compile → files → simulate: the netlist and phase file `optc compile`
//! writes reproduce the source matrix when the runtime simulates them, for
//! every realization and mesh style, and device loss shows up as predicted.

use nalgebra::DMatrix;
use num_complex::Complex64;
use optc::driver::{compile, CompileOptions};
use optc::factor::max_abs_error;
use optc::factor::random::{ginibre, haar_unitary};
use optc_formats::matrix_file::{to_csv, write_npy};
use optc_formats::netlist::Netlist;
use optc_formats::phases::Phases;
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::simulate::Plan;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// Compiles `source` (written to `dir/file_name`) and simulates every
/// network's written files; returns (name, matrix, report yaml).
fn compile_and_simulate(
    dir: &Path,
    file_name: &str,
    source: &[u8],
    params: &DeviceParams,
) -> Vec<(String, DMatrix<Complex64>, String)> {
    let path = dir.join(file_name);
    std::fs::write(&path, source).unwrap();
    let options = CompileOptions {
        out_dir: dir.join("out"),
        ..CompileOptions::default()
    };
    let compiled = compile(&path, &options, |_, _| {}).unwrap();
    compiled
        .iter()
        .map(|c| {
            let (_, circuit) = Netlist::load(&c.paths.netlist).unwrap();
            let (phases, text) = Phases::load(&c.paths.phases).unwrap();
            let settings = phases.resolve(&circuit, "phases", &text).unwrap();
            let device = DeviceInstance::sample(params, &circuit, 0);
            let m = Plan::new(&circuit, &settings, &device).transfer_matrix();
            let report = std::fs::read_to_string(&c.paths.report).unwrap();
            (c.unit.name().to_string(), m, report)
        })
        .collect()
}

fn npy(m: &DMatrix<Complex64>) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_npy(&mut bytes, m).unwrap();
    bytes
}

fn inline_rows(m: &DMatrix<Complex64>) -> String {
    to_csv(m)
        .lines()
        .map(|l| format!("    [{}]", l.replace(',', ", ")))
        .collect::<Vec<_>>()
        .join(",\n")
}

#[test]
fn bare_unitary_file_round_trips_through_clements() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for n in [2, 3, 8, 17] {
        let u = haar_unitary(n, &mut rng);
        let out = compile_and_simulate(
            dir.path(),
            &format!("u{n}.npy"),
            &npy(&u),
            &DeviceParams::IDEAL,
        );
        let (name, m, report) = &out[0];
        assert_eq!(name, &format!("u{n}"));
        assert!(report.contains("realize: unitary"), "{report}");
        let err = max_abs_error(m, &u);
        assert!(err <= 1e-12, "n={n}: {err}");
    }
}

#[test]
fn bare_general_matrix_round_trips_through_svd() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    for (r, c) in [(3, 5), (5, 3), (1, 4), (4, 1), (6, 6)] {
        let w = ginibre(r, c, &mut rng);
        let out = compile_and_simulate(
            dir.path(),
            &format!("w{r}x{c}.npy"),
            &npy(&w),
            &DeviceParams::IDEAL,
        );
        let (_, m, report) = &out[0];
        assert!(report.contains("realize: svd"), "{report}");
        // Padded inputs of a tall matrix are dark; compare the used columns.
        let used = m.columns(0, c).into_owned();
        assert_eq!(used.shape(), (r, c));
        let err = max_abs_error(&used, &w) / w.norm();
        assert!(err <= 1e-12, "{r}x{c}: {err}");
    }
}

#[test]
fn every_realization_and_mesh_style_round_trips_from_source() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    let u = haar_unitary(6, &mut rng);
    let w = ginibre(6, 6, &mut rng);
    let unitary_source = inline_rows(&u);
    let general_source = inline_rows(&w);
    // Every layout with every MZI cell design (spec/device.md, "MZI cells").
    for mesh in optc_model::mesh::MESH_NAMES {
        for (realize, src, target) in [
            ("unitary", &unitary_source, &u),
            ("svd", &general_source, &w),
            // A unitary is exactly U·I, and blocks of it exactly U_b·D_b only
            // when the blocks are themselves of that form, so test those on u.
            ("unitary_diag", &unitary_source, &u),
        ] {
            let source = format!(
                "linear net {{\n  matrix = [\n{src}\n  ]\n  realize = {realize}\n  mesh = {mesh}\n}}\n"
            );
            let out = compile_and_simulate(
                dir.path(),
                "net.optc",
                source.as_bytes(),
                &DeviceParams::IDEAL,
            );
            let (_, m, report) = &out[0];
            let err = max_abs_error(m, target);
            assert!(err <= 1e-12, "{realize}/{mesh}: {err}\n{report}");
            assert!(report.contains(&format!("mesh: {mesh}\n")), "{report}");
            // The meshes are cells of that design, which expand to its kind.
            let netlist = dir.path().join("out/net.netlist.yaml");
            let (_, circuit) = Netlist::load(&netlist).unwrap();
            let text = std::fs::read_to_string(&netlist).unwrap();
            assert!(text.contains(&format!("mesh: {mesh}\n")), "{text}");
            let (_, cell) = optc_model::mesh::parse_mesh_name(mesh).unwrap();
            let kinds: std::collections::BTreeSet<_> = circuit
                .nodes
                .iter()
                .filter_map(|n| n.kind.mzi_cell())
                .collect();
            assert_eq!(kinds, [cell].into(), "{realize}/{mesh}");
        }
    }
}

#[test]
fn segmented_realization_matches_its_reported_approximation() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(14);
    // Block-diagonal unitary blocks: exactly representable per 3×3 block.
    let mut w = DMatrix::<Complex64>::zeros(6, 6);
    w.view_mut((0, 0), (3, 3))
        .copy_from(&haar_unitary(3, &mut rng));
    w.view_mut((3, 3), (3, 3))
        .copy_from(&haar_unitary(3, &mut rng));
    let source = format!(
        "linear seg {{\n  matrix = [\n{}\n  ]\n  realize = segmented(3)\n  mesh = clements\n}}\n",
        inline_rows(&w)
    );
    let out = compile_and_simulate(
        dir.path(),
        "seg.optc",
        source.as_bytes(),
        &DeviceParams::IDEAL,
    );
    let (_, m, report) = &out[0];
    assert!(
        report.contains("splitter: 6") && report.contains("combiner: 6"),
        "{report}"
    );
    let err = max_abs_error(m, &w);
    assert!(err <= 1e-12, "{err}\n{report}");
}

#[test]
fn insertion_loss_matches_the_analytic_figure() {
    let dir = tempfile::tempdir().unwrap();
    let n = 8;
    let identity = DMatrix::<Complex64>::identity(n, n);
    let loss_db = 0.1;
    let lossy = DeviceParams {
        mzi_loss_db: loss_db,
        ..DeviceParams::IDEAL
    };
    let out = compile_and_simulate(dir.path(), "eye.csv", to_csv(&identity).as_bytes(), &lossy);
    let (_, m, report) = &out[0];
    // The identity puts every MZI in the bar state, so light stays on its
    // mode and loses mzi_loss_db for each MZI that touches that mode.
    // The mesh is one cell instance; the circuit has its MZIs expanded.
    let (_, circuit) = Netlist::load(&dir.path().join("out/eye.netlist.yaml")).unwrap();
    let mut worst = 0;
    for j in 0..n {
        let crossed = circuit
            .nodes
            .iter()
            .filter(|node| node.kind == optc_formats::netlist::Kind::MZI)
            .filter_map(|node| node.placement)
            .filter(|p| p.mode == j || p.mode + 1 == j)
            .count();
        worst = worst.max(crossed);
        let expected = 10f64.powf(-(crossed as f64) * loss_db / 20.0);
        assert!(
            (m[(j, j)].norm() - expected).abs() < 1e-12,
            "mode {j}: {} vs {expected}",
            m[(j, j)].norm()
        );
        for i in (0..n).filter(|&i| i != j) {
            assert!(m[(i, j)].norm() < 1e-12);
        }
    }
    let reported = format!("worst_path_loss_db: {}", worst as f64 * loss_db);
    let ideal_report = std::fs::read_to_string(dir.path().join("out/eye.report.yaml")).unwrap();
    assert!(
        ideal_report.contains(&format!("optical_depth: {worst}")),
        "{report}"
    );
    // The identity source targets the ideal device, so the report's loss is 0;
    // the figure the device would give is depth × loss.
    assert!(
        ideal_report.contains("worst_path_loss_db: 0.0"),
        "{reported}"
    );
}

#[test]
fn failed_compile_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.optc");
    // 2×2 but far from unitary, realized as a unitary mesh: a factor error.
    std::fs::write(
        &path,
        "linear bad {\n  matrix = [[1, 1], [1, 1]]\n  realize = unitary\n}\n",
    )
    .unwrap();
    let options = CompileOptions {
        out_dir: dir.path().join("out"),
        ..CompileOptions::default()
    };
    assert!(compile(&path, &options, |_, _| {}).is_err());
    assert!(!dir.path().join("out").exists());
}

//! Netlists simulate what they describe: hand-written ones against the
//! closed-form MZI, builder output against `Mesh::matrix`, loss against the
//! analytic figure.

use nalgebra::DMatrix;
use num_complex::Complex64;
use optc_formats::builder::NetlistBuilder;
use optc_formats::netlist::{canonical_structure, Circuit, Netlist};
use optc_formats::phases::Phases;
use optc_model::mesh::{Mesh, MeshStyle, MziSetting};
use optc_model::mzi;
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::simulate::Plan;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::f64::consts::PI;
use std::path::Path;

fn netlists_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/netlists")
}

/// A Clements mesh with random settings from `seed`.
fn random_clements(n: usize, seed: u64) -> Mesh {
    optc_model::mesh::random_clements(n, &mut ChaCha8Rng::seed_from_u64(seed))
}

/// Loads `NAME.netlist.yaml` + `NAME.phases.yaml` and plans them.
fn load_plan(netlist: &Path, phases: &Path, params: &DeviceParams, seed: u64) -> Plan {
    let (_, circuit) = Netlist::load(netlist).unwrap();
    let (p, text) = Phases::load(phases).unwrap();
    let settings = p.resolve(&circuit, "phases", &text).unwrap();
    Plan::new(
        &circuit,
        &settings,
        &DeviceInstance::sample(params, &circuit, seed),
    )
}

/// Plans a builder's output after a trip through YAML text.
fn plan_via_yaml(netlist: &Netlist, phases: &Phases, params: &DeviceParams) -> Plan {
    let ntext = netlist.to_yaml();
    let ptext = phases.to_yaml();
    let parsed = Netlist::parse("n", &ntext).unwrap();
    assert_eq!(&parsed, netlist);
    let circuit = Circuit::new(&parsed, "n", &ntext).unwrap();
    let p = Phases::parse("p", &ptext).unwrap();
    let settings = p.resolve(&circuit, "p", &ptext).unwrap();
    Plan::new(
        &circuit,
        &settings,
        &DeviceInstance::sample(params, &circuit, 1),
    )
}

fn max_diff(a: &DMatrix<Complex64>, b: &DMatrix<Complex64>) -> f64 {
    assert_eq!(a.shape(), b.shape());
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, f64::max)
}

#[test]
fn hand_written_single_mzi_matches_closed_form() {
    let d = netlists_dir();
    let plan = load_plan(
        &d.join("mzi1.netlist.yaml"),
        &d.join("mzi1.phases.yaml"),
        &DeviceParams::IDEAL,
        0,
    );
    let m = plan.transfer_matrix();
    let t = mzi::transfer(1.2, 0.7);
    for i in 0..2 {
        for j in 0..2 {
            assert!(
                (m[(i, j)] - t[i][j]).norm() < 1e-15,
                "({i},{j}) {} vs {}",
                m[(i, j)],
                t[i][j]
            );
        }
    }
}

#[test]
fn hand_written_triangle_matches_mesh_product() {
    let d = netlists_dir();
    let plan = load_plan(
        &d.join("triangle.netlist.yaml"),
        &d.join("triangle.phases.yaml"),
        &DeviceParams::IDEAL,
        0,
    );
    let mesh = Mesh {
        modes: 3,
        style: MeshStyle::Reck,
        cell: optc_model::mzi::MziCell::Standard,
        mzis: vec![
            MziSetting {
                mode: 0,
                column: 0,
                theta: 0.4,
                phi: 1.1,
            },
            MziSetting {
                mode: 1,
                column: 1,
                theta: 2.2,
                phi: 0.3,
            },
            MziSetting {
                mode: 0,
                column: 2,
                theta: PI,
                phi: 4.0,
            },
        ],
        output_phases: vec![0.0; 3],
    };
    assert!(max_diff(&plan.transfer_matrix(), &mesh.matrix()) < 1e-14);
}

#[test]
fn builder_yaml_round_trip_matches_mesh_matrix() {
    for (n, seed) in [(2, 1), (5, 2), (8, 3), (16, 4)] {
        let mesh = random_clements(n, seed);
        let mut b = NetlistBuilder::new("rt", n);
        b.add_mesh(&mesh, 0, "u_");
        let (netlist, phases) = b.build().unwrap();
        assert_eq!(netlist.placements.len(), mesh.mzis.len() + n);
        let plan = plan_via_yaml(&netlist, &phases, &DeviceParams::IDEAL);
        let err = max_diff(&plan.transfer_matrix(), &mesh.matrix());
        assert!(err < 1e-12, "n={n}: {err}");
        // Propagating a batch agrees with the matrix product too.
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let x = DMatrix::from_fn(300, n, |_, _| {
            Complex64::new(rng.gen_range(-1.0..1.0), rng.gen_range(-1.0..1.0))
        });
        let y = plan.run(&x, 0).unwrap();
        let expected = &x * mesh.matrix().transpose();
        assert!(max_diff(&y, &expected) < 1e-12);
    }
}

#[test]
fn insertion_loss_matches_analytic_figure() {
    // With every MZI in the bar state (θ = π) light stays on its mode, so
    // input j loses 0.1 dB for each MZI that touches mode j.
    let n = 8;
    let mut mesh = random_clements(n, 9);
    for m in &mut mesh.mzis {
        m.theta = PI;
    }
    let mut b = NetlistBuilder::new("lossy", n);
    b.add_mesh(&mesh, 0, "");
    let (netlist, phases) = b.build().unwrap();
    let params = DeviceParams {
        mzi_loss_db: 0.1,
        ..DeviceParams::IDEAL
    };
    let m = plan_via_yaml(&netlist, &phases, &params).transfer_matrix();
    for j in 0..n {
        let count = mesh
            .mzis
            .iter()
            .filter(|z| z.mode == j || z.mode + 1 == j)
            .count();
        let power: f64 = (0..n).map(|i| m[(i, j)].norm_sqr()).sum();
        let db = -10.0 * power.log10();
        assert!(
            (db - 0.1 * count as f64).abs() < 1e-9,
            "input {j}: {db} dB, {count} MZIs"
        );
        assert!(
            (m[(j, j)].norm_sqr() - power).abs() < 1e-12,
            "bar state keeps the mode"
        );
    }
    // In any state a lone MZI loses exactly 0.1 dB.
    let mut b = NetlistBuilder::new("one", 2);
    b.add_mesh(&random_clements(2, 1), 0, "");
    let (netlist, phases) = b.build().unwrap();
    let m = plan_via_yaml(&netlist, &phases, &params).transfer_matrix();
    let p: f64 = (0..2).map(|i| m[(i, 0)].norm_sqr()).sum();
    assert!((-10.0 * p.log10() - 0.1).abs() < 1e-12);
}

#[test]
fn static_errors_are_fixed_per_seed_and_differ_across_seeds() {
    let n = 6;
    let mesh = random_clements(n, 5);
    let mut b = NetlistBuilder::new("noisy", n);
    b.add_mesh(&mesh, 0, "");
    let (netlist, phases) = b.build().unwrap();
    let params = DeviceParams {
        coupler_error: 0.01,
        phase_error_rad: 0.02,
        crosstalk: 0.01,
        phase_bits: Some(8),
        ..DeviceParams::IDEAL
    };
    let text = netlist.to_yaml();
    let circuit = Circuit::new(&netlist, "n", &text).unwrap();
    let settings = phases.resolve(&circuit, "p", &phases.to_yaml()).unwrap();
    let matrix = |seed| {
        Plan::new(
            &circuit,
            &settings,
            &DeviceInstance::sample(&params, &circuit, seed),
        )
        .transfer_matrix()
    };
    let (a, a2, b2) = (matrix(1), matrix(1), matrix(2));
    assert_eq!(a, a2);
    assert!(max_diff(&a, &b2) > 1e-4);
    let err = max_diff(&a, &mesh.matrix());
    assert!(err > 1e-3 && err < 0.5, "{err}");
    // Lossless errors keep the mesh unitary.
    let uu = &a * a.adjoint();
    assert!(max_diff(&uu, &DMatrix::identity(n, n)) < 1e-12);
}

#[test]
fn detector_noise_is_seeded_per_sample() {
    let mut b = NetlistBuilder::new("det", 1);
    b.add_attenuators(0, &[0.25], "");
    b.add_detector(0, None, "d");
    let (netlist, phases) = b.build().unwrap();
    let params = DeviceParams {
        detector_noise: 0.01,
        ..DeviceParams::IDEAL
    };
    let text = netlist.to_yaml();
    let circuit = Circuit::new(&netlist, "n", &text).unwrap();
    let settings = phases.resolve(&circuit, "p", &phases.to_yaml()).unwrap();
    let plan = Plan::new(
        &circuit,
        &settings,
        &DeviceInstance::sample(&params, &circuit, 0),
    );
    let x = DMatrix::from_element(20_000, 1, Complex64::new(1.0, 0.0));
    let y1 = plan.run(&x, 7).unwrap();
    assert_eq!(y1, plan.run(&x, 7).unwrap());
    assert_ne!(y1, plan.run(&x, 8).unwrap());
    let mean = y1.iter().map(|z| z.re).sum::<f64>() / 20_000.0;
    let var = y1.iter().map(|z| (z.re - mean).powi(2)).sum::<f64>() / 20_000.0;
    assert!((mean - 0.25).abs() < 5e-4, "{mean}");
    assert!((var.sqrt() - 0.01).abs() < 5e-4, "{}", var.sqrt());
}

/// The structure hash of a netlist text, after validation.
fn hash_of(text: &str) -> String {
    let n = Netlist::parse("t", text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    Circuit::new(&n, "t", text)
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
        .hash
}

const TRIANGLE: &str = include_str!("netlists/triangle.netlist.yaml");

/// A coupler after an MZI (the example of spec/netlist.md, "Structure hash").
const TINY: &str = "version: 2\nname: tiny\nmodes: 2\nports:\n  in0: \"m,in0\"\n  in1: \"m,in1\"\n  out0: \"c,out0\"\n  out1: \"c,out1\"\ninstances:\n  m: {component: mzi}\n  c: {component: coupler, settings: {ratio: 0.25}}\nconnections:\n  \"c,in0\": \"m,out0\"\n  \"m,out1\": \"c,in1\"\nplacements:\n  m: {column: 0, mode: 0}\n";

fn replaced(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

#[test]
fn structure_hash_ignores_how_the_yaml_is_written() {
    let base = hash_of(TRIANGLE);
    // A connection written input-first, as the spec allows.
    let flipped = replaced(TRIANGLE, "\"a,out1\": \"b,in0\"", "\"b,in0\": \"a,out1\"");
    assert_eq!(hash_of(&flipped), base);
    let all_flipped = replaced(&flipped, "\"a,out0\": \"c,in0\"", "\"c,in0\": \"a,out0\"");
    assert_eq!(hash_of(&all_flipped), base);
    // Another name, version 1, keys in another order, block style, other
    // quoting, spaces around the endpoint comma, comments.
    let restyled = "placements:\n  c: {mode: 0, column: 2}\n  b:\n    mode: 1\n    column: 1\n  a: {column: 0, mode: 0}\n\
        connections:   # any order\n  b,out0: 'c,in1'\n  \"c,in0\": \"a , out0\"\n  a,out1: b,in0\n\
        instances:\n  c: {component: mzi}\n  b:\n    component: mzi\n  a: {component: \"mzi\"}\n\
        name: renamed\nversion: 1\nmodes: 3\n\
        ports:\n  out2: \"b,out1\"\n  out1: \"c,out1\"\n  out0: \"c,out0\"\n  in2: \"b,in1\"\n  in1: \"a,in1\"\n  in0: \"a,in0\"\n";
    assert_eq!(hash_of(restyled), base);
    // An attribute written at its default is the same structure.
    let tiny = hash_of(TINY);
    let default = replaced(TINY, "settings: {ratio: 0.25}", "settings: {ratio: 0.5}");
    let omitted = replaced(
        TINY,
        "{component: coupler, settings: {ratio: 0.25}}",
        "{component: coupler}",
    );
    assert_eq!(hash_of(&default), hash_of(&omitted));
    assert_ne!(hash_of(&default), tiny);
    let with_source = |phase: &str| {
        let text = replaced(TINY, "  m: {component: mzi}\n", &format!("  m: {{component: mzi}}\n  s: {{component: source, settings: {{amplitude: 1.0{phase}}}}}\n  t: {{component: terminator}}\n"));
        hash_of(&replaced(
            &text,
            "connections:\n",
            "connections:\n  \"s,out0\": \"t,in0\"\n",
        ))
    };
    assert_eq!(with_source(""), with_source(", phase: 0.0"));
    assert_eq!(with_source(""), with_source(", phase: -0.0"));
    assert_ne!(with_source(""), with_source(", phase: 0.1"));
}

#[test]
fn structure_hash_changes_with_the_structure() {
    let edits = [
        ("modes: 3", "modes: 4"),
        ("b: {column: 1, mode: 1}", "b: {column: 3, mode: 1}"),
        ("b: {column: 1, mode: 1}", "b: {column: 1, mode: 0}"),
        ("c: {component: mzi}", "c: {component: coupler}"),
        ("out2: \"b,out1\"", "out9: \"b,out1\""),
        (
            "in0: \"a,in0\"\n  in1: \"a,in1\"",
            "in0: \"a,in1\"\n  in1: \"a,in0\"",
        ),
        (
            "\"a,out0\": \"c,in0\"\n  \"a,out1\": \"b,in0\"",
            "\"a,out1\": \"c,in0\"\n  \"a,out0\": \"b,in0\"",
        ),
    ];
    let mut hashes = vec![hash_of(TRIANGLE)];
    for (from, to) in edits {
        hashes.push(hash_of(&replaced(TRIANGLE, from, to)));
    }
    hashes.push(hash_of(TINY));
    hashes.push(hash_of(&replaced(
        TINY,
        "ratio: 0.25",
        "ratio: 0.2500000000000001",
    )));
    let distinct: std::collections::BTreeSet<_> = hashes.iter().collect();
    assert_eq!(distinct.len(), hashes.len(), "{hashes:?}");
}

/// The worked example of spec/netlist.md ("Structure hash"), read out of the
/// spec: its netlist, its canonical encoding and its hash.
#[test]
fn spec_example_reproduces_its_hash() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/netlist.md");
    let spec = std::fs::read_to_string(path).unwrap();
    let example = &spec[spec
        .find("### Worked example")
        .expect("the example section")..];
    let block = |fence: &str| {
        let start = example.find(fence).expect(fence) + fence.len();
        let len = example[start..].find("```").unwrap();
        (&example[start..start + len], start + len)
    };
    let (yaml, _) = block("```yaml\n");
    let (encoding, end) = block("```text\n");
    let hash = &example[end..];
    let hash = &hash[hash.find("fnv1a64:").unwrap()..][..24];
    assert_eq!(yaml, TINY);
    let netlist = Netlist::parse("spec", yaml).unwrap();
    let circuit = Circuit::new(&netlist, "spec", yaml).unwrap();
    assert_eq!(canonical_structure(&netlist), encoding);
    assert_eq!(circuit.hash, hash);
    assert_eq!(hash, "fnv1a64:2fb3df54c2b60315");
}

/// A full mesh of `style` on `n` modes with random settings.
fn random_mesh(style: MeshStyle, n: usize, seed: u64) -> Mesh {
    optc_model::mesh::random_mesh(style, n, &mut ChaCha8Rng::seed_from_u64(seed))
}

#[test]
fn mesh_cells_are_the_flat_mesh() {
    // On a chip with every static error (keyed by instance name), the cell
    // form, its flat export and the flat builder output are one circuit.
    let params = DeviceParams {
        coupler_error: 0.02,
        phase_error_rad: 0.03,
        crosstalk: 0.01,
        mzi_loss_db: 0.1,
        phase_bits: Some(8),
        ..DeviceParams::IDEAL
    };
    for style in MeshStyle::ALL {
        for (n, seed) in [(2, 1), (3, 2), (5, 3), (8, 4), (13, 5)] {
            let mesh = random_mesh(style, n, seed);
            let build = |cell: bool| {
                let mut b = NetlistBuilder::new("m", n).phase_bits(8);
                if cell {
                    b.add_mesh_cell(&mesh, 0, "u_");
                } else {
                    b.add_mesh(&mesh, 0, "u_");
                }
                b.build().unwrap()
            };
            let (cells, cell_phases) = build(true);
            let (flat, flat_phases) = build(false);
            assert_eq!(cells.cells.len(), 1, "{style:?} {n}");
            assert_eq!(cells.instances.len(), 1 + n, "one instance for the mesh");
            // The flat form is what the flat builder writes, hash and all.
            let exported = cells.flatten();
            assert_eq!(exported, flat, "{style:?} {n}");
            assert_eq!(cell_phases.flatten(&cells, &exported), flat_phases);
            let a = plan_via_yaml(&cells, &cell_phases, &params).transfer_matrix();
            let b = plan_via_yaml(&flat, &flat_phases, &params).transfer_matrix();
            assert_eq!(a, b, "{style:?} {n}: same circuit, same errors");
            let ideal = plan_via_yaml(&cells, &cell_phases, &DeviceParams::IDEAL);
            let err = max_diff(&ideal.transfer_matrix(), &mesh.matrix());
            assert!(err < 1e-12, "{style:?} {n}: {err}");
        }
    }
}

#[test]
fn a_mesh_that_is_not_a_full_layout_stays_flat() {
    let mut mesh = random_clements(6, 3);
    mesh.mzis.pop();
    let mut b = NetlistBuilder::new("partial", 6);
    b.add_mesh_cell(&mesh, 0, "");
    let (netlist, phases) = b.build().unwrap();
    assert!(netlist.cells.is_empty() && phases.meshes.is_empty());
    let plan = plan_via_yaml(&netlist, &phases, &DeviceParams::IDEAL);
    assert!(max_diff(&plan.transfer_matrix(), &mesh.matrix()) < 1e-12);
}

#[test]
fn cell_example_reproduces_its_hash() {
    let spec =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/netlist.md"))
            .unwrap();
    let example = &spec[spec.find("With a cell:").expect("the cell example")..];
    let start = example.find("```text\n").unwrap() + "```text\n".len();
    let encoding = &example[start..start + example[start..].find("```").unwrap()];
    let hash = &example[example.find("fnv1a64:").unwrap()..][..24];
    let d = netlists_dir();
    let (netlist, circuit) = Netlist::load(&d.join("dft4_cells.netlist.yaml")).unwrap();
    assert_eq!(canonical_structure(&netlist), encoding);
    assert_eq!(encoding.lines().count(), 25);
    assert_eq!(circuit.hash, hash);
    let (phases, _) = Phases::load(&d.join("dft4_cells.phases.yaml")).unwrap();
    assert_eq!(phases.netlist.hash, hash);
}

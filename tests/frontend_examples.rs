//! Every example checks, and its IR (`--emit ir` text) is snapshot-tested.

use optc::check::linear::unitarity_error;
use optc::check::program::{MatrixSource, Realization};
use optc::frontend::{self, Options};
use optc::ir;
use std::path::{Path, PathBuf};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn example(name: &str) -> (optc::check::program::Program, Vec<ir::IrGraph>) {
    let path = examples_dir().join(name);
    match frontend::load(&path, Options::default()) {
        Ok(x) => x,
        Err(d) => panic!("{name} does not check:\n{}", d.render()),
    }
}

const EXAMPLES: &[&str] = &[
    "optinc_4x4b.optc",
    "optinc_8x4b.optc",
    "optinc_16x4b.optc",
    "optinc_4x8b.optc",
    "optinc_4x16b.optc",
    "optinc_8x8b.optc",
    "optinc_16x8b.optc",
    "optinc_64x8b.optc",
    "optinc_4x4b_linear.optc",
    "optinc_8x4b_linear.optc",
    "linear_inline.optc",
    "linear_npy.optc",
];

#[test]
fn every_example_is_listed() {
    let mut found: Vec<String> = std::fs::read_dir(examples_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".optc"))
        .collect();
    found.sort();
    let mut listed: Vec<String> = EXAMPLES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed);
}

#[test]
fn ir_snapshots() {
    for name in EXAMPLES {
        let (_, graphs) = example(name);
        let stem = name.trim_end_matches(".optc");
        insta::assert_snapshot!(format!("ir_{stem}"), ir::print::print_all(&graphs));
    }
}

#[test]
fn dot_snapshot() {
    let (_, graphs) = example("optinc_8x4b.optc");
    insta::assert_snapshot!("dot_optinc_8x4b", ir::dot::dot_all(&graphs));
}

#[test]
fn reducers_chain_widths_to_output_bits() {
    for name in ["optinc_4x4b.optc", "optinc_8x4b.optc", "optinc_16x4b.optc"] {
        let (p, graphs) = example(name);
        let r = &p.reducers[0];
        assert_eq!(r.device.name, "realistic");
        assert_eq!(r.device.params.phase_bits, Some(8));
        assert!((r.device.params.mzi_loss_db - 0.1).abs() < 1e-15);
        assert!((r.device.params.phase_error_rad - 0.01).abs() < 1e-15);
        let Realization::Onn(onn) = &r.realization else {
            panic!("{name} is not an onn")
        };
        assert_eq!(onn.layers[0].in_width, r.preprocess.out_width(r.servers));
        for pair in onn.layers.windows(2) {
            assert_eq!(pair[0].out_width, pair[1].in_width);
        }
        assert_eq!(onn.layers.last().unwrap().out_width, r.bits as usize);
        // One graph, a chain: every node but the first has exactly one input.
        let g = &graphs[0].graph;
        assert_eq!(g.edge_count(), g.node_count() - 1);
        assert!(!petgraph::algo::is_cyclic_directed(g));
    }
}

#[test]
fn inline_dft_is_unitary_to_1e12() {
    let (p, _) = example("linear_inline.optc");
    let m = &p.linears[0].matrix;
    assert_eq!(m.shape(), (4, 4));
    assert!(unitarity_error(m) < 1e-12);
    assert_eq!(p.linears[0].source, MatrixSource::Inline);
}

#[test]
fn npy_example_loads_haar8() {
    let (p, _) = example("linear_npy.optc");
    let l = &p.linears[0];
    assert_eq!(l.matrix.shape(), (8, 8));
    assert!(unitarity_error(&l.matrix) < 1e-10);
    assert!(matches!(&l.source, MatrixSource::File { written, .. } if written == "data/haar8.npy"));
}

#[test]
fn summary_counts_declarations() {
    let src = "device a { }\ndevice b { mzi_loss = 0.2 dB }\n\
               reducer r { servers = 2; bits = 1; realize = linear; device = b }\n\
               linear w { matrix = [[0, 1], [1, 0]]; realize = unitary }\n";
    let (p, graphs) = frontend::check_source(src, "x.optc", Path::new("."), Options::default())
        .unwrap_or_else(|d| panic!("{}", d.render()));
    assert_eq!(p.summary(), "2 devices, 1 reducer, 1 linear network");
    assert_eq!(graphs.len(), 2);
}

#[test]
fn outside_paths_need_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("src");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(dir.path().join("w.csv"), "1,0\n0,1\n").unwrap();
    let src = "linear w { matrix = load(\"../w.csv\"); realize = unitary }";
    let strict = frontend::check_source(src, "x.optc", &inner, Options::default());
    assert!(strict.is_err());
    let allowed = frontend::check_source(
        src,
        "x.optc",
        &inner,
        Options {
            allow_outside_paths: true,
        },
    );
    let (p, _) = allowed.unwrap_or_else(|d| panic!("{}", d.render()));
    assert_eq!(p.linears[0].matrix.shape(), (2, 2));
}

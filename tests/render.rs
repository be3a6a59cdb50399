//! `optc_draw::render`: the SVG is well-formed XML, every instance of the
//! netlist is drawn exactly once (as `<g id=NAME>`), instance boxes never
//! overlap (checked up to a 64-mode Clements mesh), MZIs sit in their
//! placement columns and rows and are coloured by θ, and two examples'
//! drawings are pinned by insta snapshots.

use optc::driver::{compile, CompileOptions};
use optc_draw::render::{mzi_colour, render_svg, row_y, Layout};
use optc_formats::builder::NetlistBuilder;
use optc_formats::netlist::{Circuit, Kind, Netlist};
use optc_formats::phases::Phases;
use optc_model::mesh::random_clements;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::path::Path;

/// A random Clements mesh on `n` modes as a netlist with its settings.
fn clements(n: usize, seed: u64) -> (Netlist, Circuit, Vec<[f64; 2]>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mesh = random_clements(n, &mut rng);
    let mut b = NetlistBuilder::new(&format!("clements{n}"), n);
    b.add_mesh(&mesh, 0, "");
    let (netlist, phases) = b.build().unwrap();
    programmed(netlist, &phases)
}

fn programmed(netlist: Netlist, phases: &Phases) -> (Netlist, Circuit, Vec<[f64; 2]>) {
    let circuit = Circuit::new(&netlist, "t.netlist.yaml", &netlist.to_yaml()).unwrap();
    let settings = phases
        .resolve(&circuit, "t.phases.yaml", &phases.to_yaml())
        .unwrap();
    (netlist, circuit, settings)
}

/// Parses the SVG and checks that every instance is one `<g id=…>` with the
/// right class and a `<title>` naming it; returns the groups by id.
fn check_instances_once(svg: &str, circuit: &Circuit) -> HashMap<String, String> {
    let doc = roxmltree::Document::parse(svg).expect("SVG must parse as XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut titles = HashMap::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        if let Some(id) = node.attribute("id") {
            *ids.entry(id.to_string()).or_default() += 1;
            let title = node
                .children()
                .find(|c| c.has_tag_name("title"))
                .and_then(|t| t.text())
                .unwrap_or_default()
                .to_string();
            let class = node.attribute("class").unwrap_or_default().to_string();
            titles.insert(id.to_string(), format!("{class}\n{title}"));
        }
    }
    for n in &circuit.nodes {
        assert_eq!(
            ids.get(&n.name),
            Some(&1),
            "instance `{}` drawn once",
            n.name
        );
        let t = &titles[&n.name];
        assert!(t.starts_with(&format!("instance {}\n", n.kind)), "{t}");
        assert!(t.contains(&n.name), "title names the instance: {t}");
    }
    assert_eq!(ids.len(), circuit.nodes.len(), "no other ids");
    titles
}

fn assert_no_overlaps(circuit: &Circuit) {
    let layout = Layout::new(circuit);
    let cells = &layout.cells;
    for i in 0..cells.len() {
        let r = cells[i].rect;
        assert!(
            r.x >= 0.0 && r.y >= 0.0 && r.x + r.w <= layout.width && r.y + r.h <= layout.height
        );
        for (j, other) in cells.iter().enumerate().skip(i + 1) {
            assert!(
                !r.overlaps(&other.rect),
                "`{}` and `{}` overlap",
                circuit.nodes[i].name,
                circuit.nodes[j].name
            );
        }
    }
}

#[test]
fn fault_tolerant_cells_are_drawn_and_named_in_the_legend() {
    use optc_model::mzi::MziCell;
    for (cell, legend) in [
        (MziCell::ThreeSplitter, "3-splitter MZI (heaters φ, θ)"),
        (MziCell::Crossing, "MZI + crossing (heaters φ, θ)"),
    ] {
        let mesh = random_clements(6, &mut ChaCha8Rng::seed_from_u64(2)).with_cell(cell);
        let mut b = NetlistBuilder::new("cells", 6);
        b.add_mesh(&mesh, 0, "");
        let (netlist, phases) = b.build().unwrap();
        let (netlist, circuit, settings) = programmed(netlist, &phases);
        assert!(circuit.nodes.iter().any(|n| n.kind == Kind::Mzi(cell)));
        let svg = render_svg(&netlist, &circuit, Some(&settings));
        check_instances_once(&svg, &circuit);
        assert_no_overlaps(&circuit);
        assert!(svg.contains(legend), "{cell:?}");
        assert!(
            !svg.contains(">MZI (heaters φ, θ)<"),
            "{cell:?}: the standard entry"
        );
    }
}

#[test]
fn clements_64_is_legible_and_complete() {
    let (netlist, circuit, settings) = clements(64, 7);
    assert_eq!(
        circuit.nodes.iter().filter(|n| n.kind == Kind::MZI).count(),
        64 * 63 / 2
    );
    let svg = render_svg(&netlist, &circuit, Some(&settings));
    check_instances_once(&svg, &circuit);
    assert_no_overlaps(&circuit);
}

#[test]
fn mzis_sit_in_their_columns_and_rows() {
    for n in [2usize, 3, 5, 8, 13] {
        let (_, circuit, _) = clements(n, n as u64);
        let layout = Layout::new(&circuit);
        let mut by_column: Vec<(usize, f64)> = Vec::new();
        for (node, cell) in circuit.nodes.iter().zip(&layout.cells) {
            let p = node.placement.unwrap();
            if node.kind == Kind::MZI {
                // The box spans exactly the two waveguides of modes m, m+1.
                assert!(
                    cell.rect.y < row_y(p.mode) && cell.rect.y + cell.rect.h > row_y(p.mode + 1)
                );
                assert!(
                    cell.rect.y > row_y(p.mode) - 28.0
                        && cell.rect.y + cell.rect.h < row_y(p.mode + 2)
                );
                by_column.push((p.column, cell.rect.x));
            }
        }
        // Same column, same x; later column, further right.
        for a in &by_column {
            for b in &by_column {
                if a.0 == b.0 {
                    assert_eq!(a.1, b.1);
                } else if a.0 < b.0 {
                    assert!(a.1 < b.1);
                }
            }
        }
        assert_no_overlaps(&circuit);
    }
}

#[test]
fn random_meshes_render_every_instance_once() {
    for seed in 0..12u64 {
        let n = 2 + (seed as usize * 5) % 15;
        let (netlist, circuit, settings) = clements(n, seed);
        let with = render_svg(&netlist, &circuit, Some(&settings));
        let titles = check_instances_once(&with, &circuit);
        let without = render_svg(&netlist, &circuit, None);
        check_instances_once(&without, &circuit);
        assert_no_overlaps(&circuit);
        // With phases, each MZI is filled with the colour of its θ and its
        // hover text gives θ and φ.
        let doc = roxmltree::Document::parse(&with).unwrap();
        for (i, node) in circuit.nodes.iter().enumerate() {
            if node.kind != Kind::MZI {
                continue;
            }
            let [theta, phi] = settings[i];
            let t = &titles[&node.name];
            assert!(t.contains(&format!("θ = {theta:.6} rad")), "{t}");
            assert!(t.contains(&format!("φ = {phi:.6} rad")), "{t}");
            let g = doc
                .descendants()
                .find(|e| e.attribute("id") == Some(node.name.as_str()))
                .unwrap();
            let fill = g
                .children()
                .find(|c| c.has_tag_name("rect"))
                .and_then(|r| r.attribute("fill"))
                .unwrap();
            assert_eq!(fill, mzi_colour(theta));
        }
    }
}

#[test]
fn names_with_markup_are_escaped() {
    let text = r#"version: 1
name: "a<b>&c"
modes: 2
ports:
  in0: "x<&>\"',in0"
  in1: "x<&>\"',in1"
  out0: "x<&>\"',out0"
  out1: "x<&>\"',out1"
instances:
  "x<&>\"'": {component: mzi}
placements:
  "x<&>\"'": {column: 0, mode: 0}
"#;
    let netlist = Netlist::parse("t.netlist.yaml", text).unwrap();
    let circuit = Circuit::new(&netlist, "t.netlist.yaml", text).unwrap();
    let svg = render_svg(&netlist, &circuit, None);
    check_instances_once(&svg, &circuit);
}

#[test]
fn hand_written_netlist_with_every_kind_renders() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/netlists");
    for name in ["triangle", "eo_detect", "mzi1"] {
        let (netlist, circuit) = Netlist::load(&dir.join(format!("{name}.netlist.yaml"))).unwrap();
        let svg = render_svg(&netlist, &circuit, None);
        check_instances_once(&svg, &circuit);
        assert_no_overlaps(&circuit);
    }
}

/// Compiles an example and renders it with its phases.
fn render_example(file: &str) -> (String, Circuit) {
    let dir = tempfile::tempdir().unwrap();
    let options = CompileOptions {
        out_dir: dir.path().to_path_buf(),
        ..CompileOptions::default()
    };
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(file);
    let compiled = compile(&source, &options, |_, _| {}).unwrap();
    let c = &compiled[0];
    let (netlist, circuit) = Netlist::load(&c.paths.netlist).unwrap();
    let (phases, text) = Phases::load(&c.paths.phases).unwrap();
    let settings = phases.resolve(&circuit, "p", &text).unwrap();
    (render_svg(&netlist, &circuit, Some(&settings)), circuit)
}

#[test]
fn snapshot_dft4() {
    let (svg, circuit) = render_example("linear_inline.optc");
    check_instances_once(&svg, &circuit);
    insta::assert_snapshot!("dft4.svg", svg);
}

#[test]
fn snapshot_reducer_4x4b() {
    let (svg, circuit) = render_example("optinc_4x4b.optc");
    let titles = check_instances_once(&svg, &circuit);
    assert_no_overlaps(&circuit);
    // Every kind the reducer uses is drawn, and the readout is labelled.
    for kind in [
        "combiner",
        "splitter",
        "source",
        "eo_activation",
        "detector",
        "terminator",
        "mzi",
    ] {
        assert!(
            titles
                .values()
                .any(|t| t.starts_with(&format!("instance {kind}\n"))),
            "{kind}"
        );
    }
    assert!(svg.contains("(bit 0 +)") && svg.contains("(server 3)"));
    insta::assert_snapshot!("optinc_4x4b.svg", svg);
}

//! `optc_draw::chip_layout` and `optc layout --plan-only`: Clements and Reck
//! meshes of 2 to 64 modes and an SVD-style network plan, route and pass
//! the plan's design-rule check; every heater gets its own pad carrying
//! its phase-file value and DAC code; mutated plans (overlapping
//! waveguides, a wire shorted to another, a port left unrouted) fail the
//! check; mode permutations and reducers (placeholders for splitters,
//! combiners, sources, detectors) route through crossings and keep every
//! netlist connection (walked through the plan); reserved names are errors
//! naming the instance.

use assert_cmd::Command;
use optc_draw::chip_layout::{self, check, plan::Plan, LayoutError};
use optc_formats::builder::NetlistBuilder;
use optc_formats::netlist::{Circuit, Driver, Netlist};
use optc_model::dac::Dac;
use optc_model::mesh::{random_clements, Mesh, MeshStyle};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeSet, HashMap};

fn random_mesh(n: usize, style: MeshStyle, seed: u64) -> Mesh {
    optc_model::mesh::random_mesh(style, n, &mut ChaCha8Rng::seed_from_u64(seed))
}

fn programmed(netlist: Netlist, phases: &optc_formats::phases::Phases) -> (Circuit, Vec<[f64; 2]>) {
    let circuit = Circuit::new(&netlist, "t.netlist.yaml", &netlist.to_yaml()).unwrap();
    let settings = phases
        .resolve(&circuit, "t.phases.yaml", &phases.to_yaml())
        .unwrap();
    (circuit, settings)
}

fn mesh_circuit(n: usize, style: MeshStyle, seed: u64) -> (Circuit, Vec<[f64; 2]>, Mesh) {
    let mesh = random_mesh(n, style, seed);
    let mut b = NetlistBuilder::new("mesh", n);
    b.add_mesh(&mesh, 0, "u_");
    let (netlist, phases) = b.build().unwrap();
    let (c, s) = programmed(netlist, &phases);
    (c, s, mesh)
}

#[test]
fn meshes_from_2_to_64_modes_plan_and_pass_the_check() {
    for style in [MeshStyle::Clements, MeshStyle::Reck] {
        for n in [2, 3, 5, 8, 13, 16, 64] {
            let (circuit, settings, mesh) = mesh_circuit(n, style, n as u64);
            let plan = chip_layout::plan(&circuit, &settings, 12)
                .unwrap_or_else(|e| panic!("{style:?} {n}: {e}"));
            let f = plan.figures();
            // θ and φ per MZI, one phase per output.
            assert_eq!(f.heater_pads, 2 * mesh.mzis.len() + n, "{style:?} {n}");
            assert_eq!(f.ground_pads, 2);
            // Every netlist instance is a cell of the plan.
            for node in &circuit.nodes {
                assert!(
                    plan.instances.iter().any(|i| i.name == node.name),
                    "{}",
                    node.name
                );
            }
            // Each mode: a route into every column, one in and one out.
            let columns = plan.instances.iter().map(|i| i.column).max().unwrap() + 1;
            assert_eq!(plan.routes.len(), n * (columns + 1), "{style:?} {n}");
            // Every mode has a cell in every column (path lengths match).
            for c in 0..columns {
                let rows: usize = plan
                    .instances
                    .iter()
                    .filter(|i| i.column == c)
                    .map(|i| i.west.len())
                    .sum();
                assert_eq!(rows, n);
            }
            // All I/O on the west edge at the fiber pitch.
            let mut ys: Vec<i64> = plan.couplers.iter().map(|e| e.y).collect();
            ys.sort_unstable();
            assert_eq!(ys.len(), 2 * n);
            assert!(ys.windows(2).all(|w| (w[1] - w[0]) % 127_000 == 0));
            check::check(&plan).unwrap();
        }
    }
}

#[test]
fn pads_carry_the_phase_file_values_and_dac_codes() {
    let (circuit, settings, mesh) = mesh_circuit(6, MeshStyle::Clements, 3);
    let plan = chip_layout::plan(&circuit, &settings, 10).unwrap();
    let dac = Dac::new(10);
    let table = plan.pad_table();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "pad,x_um,y_um,net,instance,setting,value,dac_code"
    );
    assert_eq!(lines.len(), 1 + plan.pads.len());
    let mut checked = 0;
    for (i, node) in circuit.nodes.iter().enumerate() {
        for (slot, knob) in node.kind.programmable().iter().enumerate() {
            let pad = plan
                .pads
                .iter()
                .find(|p| {
                    p.setting
                        .as_ref()
                        .is_some_and(|s| s.instance == node.name && s.knob.name() == *knob)
                })
                .unwrap_or_else(|| panic!("no pad for {} {knob}", node.name));
            let s = pad.setting.as_ref().unwrap();
            assert_eq!(s.value, settings[i][slot]);
            assert_eq!(s.code, Some(dac.code(settings[i][slot])));
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * mesh.mzis.len() + 6);
    // Pad names unique, one per pad.
    let mut names: Vec<&str> = plan.pads.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), plan.pads.len());
}

#[test]
fn an_svd_network_lays_out_with_placeholder_attenuators() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (u, v) = (random_clements(4, &mut rng), random_clements(4, &mut rng));
    let mut b = NetlistBuilder::new("svd", 4);
    b.add_mesh(&v, 0, "v_");
    b.add_attenuators(0, &[0.9, 0.5, 0.3, 0.7], "s_");
    b.add_mesh(&u, 0, "u_");
    let (netlist, phases) = b.build().unwrap();
    let (circuit, settings) = programmed(netlist, &phases);
    let plan = chip_layout::plan(&circuit, &settings, 12).unwrap();
    let att: Vec<_> = plan
        .instances
        .iter()
        .filter(|i| i.kind.as_deref() == Some("attenuator"))
        .collect();
    assert_eq!(att.len(), 4);
    for a in att {
        assert_eq!(a.cell, chip_layout::cells::CellKind::Placeholder);
        assert_eq!(
            a.heaters.len(),
            1,
            "a programmable placeholder keeps its heater"
        );
    }
}

fn plan8() -> Plan {
    let (circuit, settings, _) = mesh_circuit(8, MeshStyle::Clements, 1);
    chip_layout::plan(&circuit, &settings, 12).unwrap()
}

#[test]
fn overlapping_waveguides_fail_the_check() {
    let mut plan = plan8();
    // Lay one mode's route onto its neighbour's.
    let i = plan
        .routes
        .iter()
        .position(|r| r.points.len() == 2)
        .unwrap();
    let j = (0..plan.routes.len())
        .find(|&j| {
            j != i
                && plan.routes[j].points.len() == 2
                && plan.routes[j].points[0].0 == plan.routes[i].points[0].0
        })
        .unwrap();
    // A detour from its own mode onto the neighbour's, ends unchanged.
    let y2 = plan.routes[j].points[0].1;
    let [(ax, y), (bx, _)] = [plan.routes[i].points[0], plan.routes[i].points[1]];
    plan.routes[i].points = vec![
        (ax, y),
        (ax + 30_000, y),
        (ax + 30_000, y2),
        (bx - 30_000, y2),
        (bx - 30_000, y),
        (bx, y),
    ];
    let err = check::check(&plan).unwrap_err();
    assert!(err.contains("come closer"), "{err}");
}

#[test]
fn a_wire_touching_another_net_fails_the_check() {
    let mut plan = plan8();
    let target = plan.wires[1].points[2];
    let w = &mut plan.wires[0];
    let last = *w.points.last().unwrap();
    w.points.push((target.0, last.1));
    w.points.push(target);
    let err = check::check(&plan).unwrap_err();
    assert!(err.contains("M3"), "{err}");
}

#[test]
fn an_unrouted_port_fails_the_check() {
    let mut plan = plan8();
    plan.routes.remove(3);
    let err = check::check(&plan).unwrap_err();
    assert!(err.contains("is not routed"), "{err}");
}

/// What the plan connects: from every netlist instance's east port and
/// every input coupler, along routes and through the cells the layout adds
/// (delays, straights, S-bends, crossings), to the next netlist port or
/// output coupler; as (`node,outJ` or `inK`, `node,inJ` or `outK`).
fn plan_connections(plan: &Plan) -> BTreeSet<(String, String)> {
    use optc_draw::chip_layout::cells::CellKind;
    let by_name: HashMap<&str, &optc_draw::chip_layout::plan::Instance> = plan
        .instances
        .iter()
        .map(|i| (i.name.as_str(), i))
        .collect();
    let route_from: HashMap<&str, &str> = plan
        .routes
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str()))
        .collect();
    let coupler: HashMap<String, &str> = plan
        .couplers
        .iter()
        .map(|e| (format!("{},o1", e.name), e.port.as_str()))
        .collect();
    // The row of a cell's port `oK` and whether it is a west port.
    let side = |inst: &optc_draw::chip_layout::plan::Instance, port: &str| {
        let k: usize = port[1..].parse().unwrap();
        let w = inst.west.len();
        if k <= w {
            (true, inst.west[w - k])
        } else {
            (false, inst.east[k - w - 1])
        }
    };
    let mut out = BTreeSet::new();
    let mut start = |from: String, port: &str| {
        let mut at = route_from[port].to_string();
        loop {
            if let Some(name) = coupler.get(&at) {
                out.insert((from, name.to_string()));
                return;
            }
            let (inst, p) = at.split_once(',').unwrap();
            let cell = by_name[inst];
            let (west, row) = side(cell, p);
            assert!(west, "a route ends on the east port {at}");
            if cell.node.is_some() {
                let j = cell.west.iter().position(|&r| r == row).unwrap();
                out.insert((from, format!("{inst},in{j}")));
                return;
            }
            let exit = match cell.cell {
                CellKind::Crossing => cell.span[0] + cell.span[1] - row,
                _ => cell.east[0],
            };
            at = route_from[cell.port(false, exit).unwrap().as_str()].to_string();
        }
    };
    for inst in plan.instances.iter().filter(|i| i.node.is_some()) {
        for (j, &row) in inst.east.iter().enumerate() {
            start(
                format!("{},out{j}", inst.name),
                &inst.port(false, row).unwrap(),
            );
        }
    }
    for e in plan.couplers.iter().filter(|e| e.port.starts_with("in")) {
        start(e.port.clone(), &format!("{},o1", e.name));
    }
    out
}

/// The same pairs from the circuit.
fn circuit_connections(c: &Circuit) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (i, drivers) in c.drivers.iter().enumerate() {
        for (j, d) in drivers.iter().enumerate() {
            let from = match d {
                Driver::External(e) => c.input_names[*e].clone(),
                Driver::Node(ep) => format!("{},out{}", c.nodes[ep.node].name, ep.port),
            };
            out.insert((from, format!("{},in{j}", c.nodes[i].name)));
        }
    }
    for (name, ep) in &c.outputs {
        out.insert((
            format!("{},out{}", c.nodes[ep.node].name, ep.port),
            name.clone(),
        ));
    }
    out
}

#[test]
fn random_mode_permutations_route_through_crossings_and_keep_every_connection() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for n in [2, 3, 5, 8, 12] {
        for _ in 0..6 {
            let mut order: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                order.swap(i, rng.gen_range(0..=i));
            }
            let phases: Vec<f64> = (0..n).map(|_| rng.gen_range(0.0..6.0)).collect();
            let mut b = NetlistBuilder::new("perm", n);
            b.add_phase_shifters(0, &phases, "a_");
            b.permute_rails(&order);
            b.add_phase_shifters(0, &phases, "b_");
            let (netlist, phases) = b.build().unwrap();
            let (circuit, settings) = programmed(netlist, &phases);
            let plan = chip_layout::plan(&circuit, &settings, 12)
                .unwrap_or_else(|e| panic!("{order:?}: {e}"));
            check::check(&plan).unwrap();
            assert_eq!(
                plan_connections(&plan),
                circuit_connections(&circuit),
                "{order:?}"
            );
            let crossings = plan
                .instances
                .iter()
                .filter(|i| i.cell == optc_draw::chip_layout::cells::CellKind::Crossing)
                .count();
            // A permutation needs at least as many crossings as inversions
            // (each exchanges one pair of neighbours).
            let inversions = (0..n)
                .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
                .filter(|&(i, j)| order[i] > order[j])
                .count();
            assert_eq!(crossings, inversions, "{order:?}");
        }
    }
}

#[test]
fn meshes_keep_every_connection_of_their_netlist() {
    for style in [MeshStyle::Clements, MeshStyle::Reck] {
        let (circuit, settings, _) = mesh_circuit(6, style, 3);
        let plan = chip_layout::plan(&circuit, &settings, 12).unwrap();
        assert_eq!(plan_connections(&plan), circuit_connections(&circuit));
    }
}

#[test]
fn reducer_netlists_lay_out_with_placeholders_and_crossings() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    for name in ["optinc_4x4b", "optinc_8x4b", "optinc_4x4b_linear"] {
        optc()
            .args(["compile", &format!("{root}/../examples/{name}.optc"), "-o"])
            .arg(dir.path())
            .assert()
            .success();
        let net = dir.path().join(format!("{name}.netlist.yaml"));
        let (netlist, circuit) = Netlist::load(&net).unwrap();
        let phases_path = dir.path().join(format!("{name}.phases.yaml"));
        let text = std::fs::read_to_string(&phases_path).unwrap();
        let phases = optc_formats::phases::Phases::parse("p", &text).unwrap();
        let settings = phases.resolve(&circuit, "p", &text).unwrap();
        drop(netlist);
        let plan = chip_layout::plan(&circuit, &settings, 8).unwrap();
        check::check(&plan).unwrap();
        assert_eq!(
            plan_connections(&plan),
            circuit_connections(&circuit),
            "{name}"
        );
        let placeholders: BTreeSet<&str> = plan
            .instances
            .iter()
            .filter(|i| i.cell == optc_draw::chip_layout::cells::CellKind::Placeholder)
            .filter_map(|i| i.kind.as_deref())
            .collect();
        assert!(
            placeholders.contains("combiner"),
            "{name}: {placeholders:?}"
        );
        assert!(
            placeholders.contains("splitter"),
            "{name}: {placeholders:?}"
        );
        if name != "optinc_4x4b_linear" {
            // The interleave of fan-out copies and bias light crosses.
            assert!(plan.figures().crossings > 0, "{name}");
        }
        // Every programmable setting has its pad.
        let knobs: usize = circuit
            .nodes
            .iter()
            .map(|n| n.kind.programmable().len())
            .sum();
        assert_eq!(plan.figures().heater_pads, knobs, "{name}");
    }
}

#[test]
fn a_programmable_instance_that_changes_modes_is_refused_not_stripped_of_its_pad() {
    // The attenuator sits between phase shifters placed on modes 0 and 1,
    // so its input and output are drawn on different modes.
    let root = env!("CARGO_MANIFEST_DIR");
    let path = format!("{root}/../tests/data/layout/attenuator_between_modes.netlist.yaml");
    let (netlist, circuit) = Netlist::load(std::path::Path::new(&path)).unwrap();
    drop(netlist);
    let settings = vec![[0.3, 0.0]; circuit.nodes.len()];
    match chip_layout::plan(&circuit, &settings, 12) {
        Err(LayoutError::Unsupported { instance, why, .. }) => {
            assert_eq!(instance, "m");
            assert!(why.contains("modes"), "{why}");
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

/// The fault-tolerant cells lay out as `optc_mzi3` (580 µm: a coupler,
/// then the MZI, its heaters 100 µm further east) and `optc_mzi_crossing`
/// (the MZI, then a crossing), with the 3-splitter column's own delay; the
/// plans pass the check and keep every connection and every setting's pad.
#[test]
fn fault_tolerant_cells_plan_pass_the_check_and_keep_every_connection() {
    use optc_model::mzi::MziCell;
    for (cell, name, delay, length) in [
        (
            MziCell::ThreeSplitter,
            "optc_mzi3",
            "optc_mzi3_delay",
            580_000,
        ),
        (
            MziCell::Crossing,
            "optc_mzi_crossing",
            "optc_mzi_delay",
            580_686,
        ),
    ] {
        for style in [MeshStyle::Clements, MeshStyle::Reck] {
            let mesh = random_mesh(5, style, 3).with_cell(cell);
            let mut b = NetlistBuilder::new("cells", 5);
            b.add_mesh(&mesh, 0, "u_");
            let (netlist, phases) = b.build().unwrap();
            let (circuit, settings) = programmed(netlist, &phases);
            let plan = chip_layout::plan(&circuit, &settings, 12)
                .unwrap_or_else(|e| panic!("{name} {style:?}: {e}"));
            check::check(&plan).unwrap_or_else(|e| panic!("{name} {style:?}: {e}"));
            assert_eq!(plan_connections(&plan), circuit_connections(&circuit));
            assert_eq!(plan.figures().heater_pads, 2 * mesh.mzis.len() + 5);
            let cells: Vec<_> = plan
                .instances
                .iter()
                .filter(|i| i.cell.name() == name)
                .collect();
            assert_eq!(cells.len(), mesh.mzis.len(), "{name} {style:?}");
            for i in &cells {
                assert_eq!(i.length, length, "{}", i.name);
                let x: Vec<i64> = i.heaters.iter().map(|h| h.signal.0 - i.origin.0).collect();
                let first = if cell == MziCell::ThreeSplitter {
                    100_000
                } else {
                    0
                };
                // φ's then θ's signal via, 10.4 µm west of each heater.
                assert_eq!(x, [first + 9_600, first + 249_600], "{}", i.name);
            }
            // A mode passing an MZI column takes its cell's lower path.
            let delays: Vec<_> = plan
                .instances
                .iter()
                .filter(|i| i.name.starts_with("optc_delay_"))
                .collect();
            assert!(!delays.is_empty(), "5 modes leave one idle per column");
            for d in delays {
                assert_eq!(d.cell.name(), delay, "{}", d.name);
            }
        }
    }
}

#[test]
fn a_netlist_without_instances_is_an_error() {
    let text = "version: 3\nname: empty\nmodes: 1\nports: {}\ninstances: {}\nconnections: {}\n";
    let netlist = Netlist::parse("e.netlist.yaml", text).unwrap();
    let circuit = Circuit::new(&netlist, "e.netlist.yaml", text).unwrap();
    match chip_layout::plan(&circuit, &[], 12) {
        Err(LayoutError::Unroutable { why, .. }) => assert!(why.contains("no instances"), "{why}"),
        other => panic!("expected Unroutable, got {other:?}"),
    }
}

#[test]
fn reserved_instance_names_are_errors_naming_the_instance() {
    let mut b = NetlistBuilder::new("fan", 1);
    b.add_phase_shifters(0, &[0.5], "optc_");
    let (netlist, phases) = b.build().unwrap();
    let (circuit, settings) = programmed(netlist, &phases);
    match chip_layout::plan(&circuit, &settings, 12) {
        Err(LayoutError::Unsupported { instance, why, .. }) => {
            assert_eq!(instance, "optc_ps_m0");
            assert!(why.contains("reserved"), "{why}");
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

fn optc() -> Command {
    Command::cargo_bin("optc").expect("the optc binary is built")
}

#[test]
fn cli_plan_only_writes_the_plan_pad_table_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    optc()
        .args([
            "compile",
            &format!("{root}/../examples/data/haar8.npy"),
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let net = dir.path().join("haar8.netlist.yaml");
    let out = dir.path().join("chip.gds");
    optc()
        .arg("layout")
        .arg(&net)
        .arg("-o")
        .arg(&out)
        .arg("--plan-only")
        .assert()
        .success()
        .stdout(predicates::str::contains("64 heater pads + 2 ground pads"));
    assert!(!out.exists(), "--plan-only writes no GDS");
    let report = std::fs::read_to_string(dir.path().join("chip.layout.yaml")).unwrap();
    assert!(report.contains("heater_pads: 64"), "{report}");
    let table = std::fs::read_to_string(dir.path().join("chip.pads.csv")).unwrap();
    assert_eq!(table.lines().count(), 1 + 66);
    let plan: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("chip.layout.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(plan["instances"].as_array().unwrap().len(), 44);

    // A wrong output name and a missing Python are errors that write nothing.
    optc()
        .arg("layout")
        .arg(&net)
        .args(["-o", "chip.svg"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("NAME.gds"));
    let out2 = dir.path().join("other.gds");
    optc()
        .arg("layout")
        .arg(&net)
        .arg("-o")
        .arg(&out2)
        .args(["--python", "/nonexistent/python"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("--python"));
    assert!(!out2.exists());
    assert!(!dir.path().join("other.pads.csv").exists());
}

#[test]
fn a_route_that_misses_its_port_fails_the_check() {
    let mut plan = plan8();
    plan.routes[0].points[0].0 -= 1_000;
    let err = check::check(&plan).unwrap_err();
    assert!(err.contains("not at its port"), "{err}");
    let mut plan = plan8();
    plan.routes[0].to = "nowhere,o1".into();
    let err = check::check(&plan).unwrap_err();
    assert!(err.contains("no such port"), "{err}");
}

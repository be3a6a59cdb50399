//! `optc_draw::chip_layout` and `optc layout --plan-only`: Clements and Reck
//! meshes of 2 to 64 modes and an SVD-style network plan, route and pass
//! the plan's design-rule check; every heater gets its own pad carrying
//! its phase-file value and DAC code; mutated plans (overlapping
//! waveguides, a wire shorted to another, a port left unrouted) fail the
//! check; circuits the router cannot take are errors naming the instance.

use assert_cmd::Command;
use optc_draw::chip_layout::{self, check, plan::Plan, LayoutError};
use optc_formats::builder::NetlistBuilder;
use optc_formats::netlist::{Circuit, Netlist};
use optc_model::dac::Dac;
use optc_model::mesh::{random_clements, Mesh, MeshStyle, MziSetting};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn random_mesh(n: usize, style: MeshStyle, seed: u64) -> Mesh {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    match style {
        MeshStyle::Clements => random_clements(n, &mut rng),
        MeshStyle::Reck => Mesh {
            modes: n,
            style,
            mzis: style
                .positions(n)
                .into_iter()
                .map(|(column, mode)| MziSetting {
                    mode,
                    column,
                    theta: rng.gen_range(0.0..3.0),
                    phi: rng.gen_range(0.0..6.0),
                })
                .collect(),
            output_phases: (0..n).map(|_| rng.gen_range(0.0..6.0)).collect(),
        },
    }
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
                    .map(|i| i.rows.len())
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

#[test]
fn circuits_that_change_modes_are_errors_naming_the_instance() {
    let mut b = NetlistBuilder::new("fan", 1);
    b.add_splitter(0, 4, "fanout");
    let (netlist, phases) = b.build().unwrap();
    let (circuit, settings) = programmed(netlist, &phases);
    match chip_layout::plan(&circuit, &settings, 12) {
        Err(LayoutError::Unsupported { instance, why, .. }) => {
            assert_eq!(instance, "fanout");
            assert!(why.contains("routing between modes"), "{why}");
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

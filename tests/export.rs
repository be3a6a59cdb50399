//! `optc_draw::export`: the SAX and gdsfactory netlists carry every
//! instance with its values, the connectivity and the ports; the SAX
//! netlist, evaluated here with the T(θ, φ) of spec/netlist.md, reproduces the
//! simulator's transfer matrix; unsupported kinds are errors naming the
//! instance.

use num_complex::Complex64;
use optc_draw::export::{to_gdsfactory, to_sax, ExportError, GF_ROW_PITCH_UM};
use optc_formats::builder::NetlistBuilder;
use optc_formats::netlist::{Circuit, Netlist};
use optc_model::mesh::random_clements;
use optc_model::mzi;
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::simulate::Plan;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_yaml::Value;
use std::collections::HashMap;

fn programmed(
    netlist: Netlist,
    phases: &optc_formats::phases::Phases,
) -> (Netlist, Circuit, Vec<[f64; 2]>) {
    let circuit = Circuit::new(&netlist, "t.netlist.yaml", &netlist.to_yaml()).unwrap();
    let settings = phases
        .resolve(&circuit, "t.phases.yaml", &phases.to_yaml())
        .unwrap();
    (netlist, circuit, settings)
}

/// A Clements mesh, its output phase screen, a column of attenuators and
/// (optionally) an amplifier.
fn network(n: usize, seed: u64, amplifier: bool) -> (Netlist, Circuit, Vec<[f64; 2]>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mesh = random_clements(n, &mut rng);
    let mut b = NetlistBuilder::new("net", n);
    b.add_mesh(&mesh, 0, "u_");
    let t: Vec<f64> = (0..n).map(|k| 0.2 + 0.7 * k as f64 / n as f64).collect();
    b.add_attenuators(0, &t, "s_");
    if amplifier {
        b.add_amplifier(0, 2.5, "amp");
    }
    let (netlist, phases) = b.build().unwrap();
    programmed(netlist, &phases)
}

/// Propagates unit inputs through a SAX-style netlist (our port names),
/// with the models of spec/export.md: the matrix outputs × inputs.
fn evaluate_sax(v: &Value) -> Vec<Vec<Complex64>> {
    let instances = v["instances"].as_mapping().unwrap();
    let ports = v["ports"].as_mapping().unwrap();
    let mut drive: HashMap<String, String> = HashMap::new(); // "inst,inK" <- "inst,outK"
    for (a, b) in v["connections"].as_mapping().unwrap() {
        let (a, b) = (a.as_str().unwrap(), b.as_str().unwrap());
        if a.contains(",out") {
            drive.insert(b.into(), a.into());
        } else {
            drive.insert(a.into(), b.into());
        }
    }
    let mut inputs: Vec<(String, String)> = Vec::new();
    let mut outputs: Vec<(String, String)> = Vec::new();
    for (name, ep) in ports {
        let (name, ep) = (
            name.as_str().unwrap().to_string(),
            ep.as_str().unwrap().to_string(),
        );
        if ep.contains(",in") {
            inputs.push((name, ep));
        } else {
            outputs.push((name, ep));
        }
    }
    let key = |s: &String| {
        (
            s.trim_end_matches(char::is_numeric).to_string(),
            s.trim_start_matches(char::is_alphabetic)
                .parse::<u64>()
                .unwrap_or(0),
        )
    };
    inputs.sort_by_key(|p| key(&p.0));
    outputs.sort_by_key(|p| key(&p.0));
    let mut matrix = Vec::new();
    for (_, out_ep) in &outputs {
        let mut row = Vec::new();
        for (_, in_ep) in &inputs {
            // Field at an output port, by recursion over the drivers.
            fn field(
                ep: &str,
                source: &str,
                instances: &serde_yaml::Mapping,
                drive: &HashMap<String, String>,
                memo: &mut HashMap<String, Complex64>,
            ) -> Complex64 {
                if let Some(v) = memo.get(ep) {
                    return *v;
                }
                let (inst, port) = ep.split_once(',').unwrap();
                let input = |k: usize, memo: &mut HashMap<String, Complex64>| {
                    let p = format!("{inst},in{k}");
                    if p == source {
                        Complex64::new(1.0, 0.0)
                    } else {
                        drive.get(&p).map_or(Complex64::new(0.0, 0.0), |d| {
                            field(d, source, instances, drive, memo)
                        })
                    }
                };
                let i = &instances[&Value::from(inst)];
                let s = &i["settings"];
                let k: usize = port.trim_start_matches("out").parse().unwrap();
                let x = match i["component"].as_str().unwrap() {
                    "mzi" => {
                        let t =
                            mzi::transfer(s["theta"].as_f64().unwrap(), s["phi"].as_f64().unwrap());
                        t[k][0] * input(0, memo) + t[k][1] * input(1, memo)
                    }
                    "phase_shifter" => {
                        Complex64::from_polar(1.0, s["phase"].as_f64().unwrap()) * input(0, memo)
                    }
                    "attenuator" => input(0, memo) * s["transmission"].as_f64().unwrap().sqrt(),
                    "amplifier" => input(0, memo) * s["power_gain"].as_f64().unwrap().sqrt(),
                    other => panic!("no model for {other}"),
                };
                memo.insert(ep.to_string(), x);
                x
            }
            let mut memo = HashMap::new();
            row.push(field(out_ep, in_ep, instances, &drive, &mut memo));
        }
        matrix.push(row);
    }
    matrix
}

#[test]
fn sax_netlist_reproduces_the_simulated_matrix() {
    for (n, seed) in [(2usize, 1u64), (4, 2), (7, 3)] {
        let (netlist, circuit, settings) = network(n, seed, true);
        let text = to_sax(&netlist, &circuit, &settings).unwrap();
        let v: Value = serde_yaml::from_str(&text).unwrap();
        // Every instance, with its kind and values.
        for (node, s) in circuit.nodes.iter().zip(&settings) {
            let inst = &v["instances"][node.name.as_str()];
            assert_eq!(inst["component"].as_str(), Some(node.kind.name()));
            for (name, value) in node.kind.programmable().iter().zip(s) {
                assert_eq!(
                    inst["settings"][*name].as_f64(),
                    Some(*value),
                    "{}",
                    node.name
                );
            }
        }
        let device = DeviceInstance::sample(&DeviceParams::IDEAL, &circuit, 0);
        let expected = Plan::new(&circuit, &settings, &device).transfer_matrix();
        let got = evaluate_sax(&v);
        let mut err: f64 = 0.0;
        for (r, row) in got.iter().enumerate() {
            for (c, x) in row.iter().enumerate() {
                err = err.max((x - expected[(r, c)]).norm());
            }
        }
        assert!(err < 1e-12, "n={n}: {err}");
    }
}

#[test]
fn gdsfactory_netlist_maps_ports_and_places_by_column_and_mode() {
    let (netlist, circuit, settings) = network(5, 9, false);
    let text = to_gdsfactory(&netlist, &circuit, &settings).unwrap();
    let v: Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(
        v["instances"].as_mapping().unwrap().len(),
        circuit.nodes.len()
    );
    let mut x_of_column: HashMap<usize, f64> = HashMap::new();
    for (node, s) in circuit.nodes.iter().zip(&settings) {
        let inst = &v["instances"][node.name.as_str()];
        assert_eq!(inst["info"]["optc_kind"].as_str(), Some(node.kind.name()));
        if node.kind.name() == "mzi" {
            assert_eq!(inst["component"].as_str(), Some("mzi2x2_2x2"));
            assert_eq!(inst["info"]["theta"].as_f64(), Some(s[0]));
            assert_eq!(inst["info"]["phi"].as_f64(), Some(s[1]));
            let p = node.placement.unwrap();
            let place = &v["placements"][node.name.as_str()];
            let y = place["y"].as_f64().unwrap();
            assert_eq!(y, -(p.mode as f64 + 0.5) * GF_ROW_PITCH_UM);
            let x = place["x"].as_f64().unwrap();
            assert_eq!(*x_of_column.entry(p.column).or_insert(x), x);
        }
    }
    // Columns go left to right.
    let mut cols: Vec<(usize, f64)> = x_of_column.into_iter().collect();
    cols.sort_by_key(|c| c.0);
    assert!(cols.windows(2).all(|w| w[0].1 < w[1].1));
    // External ports: in0 enters the top arm (gdsfactory's o2) of mzi_c0_m0.
    assert_eq!(v["ports"]["in0"].as_str(), Some("u_mzi_c0_m0,o2"));
    assert_eq!(v["ports"]["in1"].as_str(), Some("u_mzi_c0_m0,o1"));
    // One net per connection.
    assert_eq!(
        v["nets"].as_sequence().unwrap().len(),
        netlist.connections.len()
    );
    assert_eq!(v["ports"].as_mapping().unwrap().len(), netlist.ports.len());
}

#[test]
fn unsupported_kinds_name_the_instance() {
    let (netlist, circuit, settings) = network(3, 4, true);
    match to_gdsfactory(&netlist, &circuit, &settings) {
        Err(ExportError::Unsupported {
            instance,
            kind,
            target,
            ..
        }) => {
            assert_eq!(
                (instance.as_str(), kind, target),
                ("amp", "amplifier", "gdsfactory")
            );
        }
        other => panic!("expected an error, got {other:?}"),
    }
    let e = to_sax(&netlist, &circuit, &settings[..2]).unwrap_err();
    assert!(
        matches!(e, ExportError::SettingsMismatch { len: 2, .. }),
        "{e}"
    );
}

/// The field at output endpoint `ep` ("instance,port") of a gdsfactory
/// netlist for a unit field entering `source`, with each generic-PDK
/// cell's transfer as spec/export.md maps it (MZI: in0 = o2, in1 = o1,
/// out0 = o3, out1 = o4; mmi2x2 likewise, a 50:50 coupler; crossing45:
/// o4 → o1 and o2 → o3; heater o1 → o2).
fn gf_field(
    ep: &str,
    source: &str,
    v: &Value,
    drive: &HashMap<String, String>,
    memo: &mut HashMap<String, Complex64>,
) -> Complex64 {
    if let Some(x) = memo.get(ep) {
        return *x;
    }
    let (inst, port) = ep.split_once(',').unwrap();
    let mut input = |p: &str| {
        let at = format!("{inst},{p}");
        if at == source {
            Complex64::new(1.0, 0.0)
        } else {
            drive.get(&at).map_or(Complex64::new(0.0, 0.0), |d| {
                gf_field(d, source, v, drive, memo)
            })
        }
    };
    let i = &v["instances"][inst];
    let out = |k: &str| ["o3", "o4"].iter().position(|p| *p == k).unwrap();
    let x = match i["component"].as_str().unwrap() {
        "mzi2x2_2x2" => {
            let t = mzi::transfer(
                i["info"]["theta"].as_f64().unwrap(),
                i["info"]["phi"].as_f64().unwrap(),
            );
            let k = out(port);
            t[k][0] * input("o2") + t[k][1] * input("o1")
        }
        "mmi2x2" => {
            let (a, b) = (input("o2"), input("o1"));
            let j = Complex64::i();
            std::f64::consts::FRAC_1_SQRT_2 * if out(port) == 0 { a + j * b } else { j * a + b }
        }
        "crossing45" => match port {
            "o1" => input("o4"),
            "o3" => input("o2"),
            other => panic!("crossing45 has no output {other}"),
        },
        "straight_heater_metal" => {
            Complex64::from_polar(1.0, i["info"]["phase"].as_f64().unwrap()) * input("o1")
        }
        other => panic!("no model for {other}"),
    };
    memo.insert(ep.to_string(), x);
    x
}

/// The fault-tolerant cells are two generic-PDK cells each (mmi2x2 + MZI,
/// MZI + crossing45); the gdsfactory nets, read with those cells' transfers,
/// give the simulator's matrix, so the ports of every member are right.
#[test]
fn gdsfactory_cells_of_fault_tolerant_mzis_keep_the_matrix() {
    use optc_model::mzi::MziCell;
    for (cell, extra, n) in [
        (MziCell::ThreeSplitter, "mmi2x2", 5usize),
        (MziCell::Crossing, "crossing45", 6),
    ] {
        let mesh = random_clements(n, &mut ChaCha8Rng::seed_from_u64(n as u64)).with_cell(cell);
        let mut b = NetlistBuilder::new("net", n);
        b.add_mesh(&mesh, 0, "u_");
        let (netlist, phases) = b.build().unwrap();
        let (netlist, circuit, settings) = programmed(netlist, &phases);
        let v: Value =
            serde_yaml::from_str(&to_gdsfactory(&netlist, &circuit, &settings).unwrap()).unwrap();
        let instances = v["instances"].as_mapping().unwrap();
        let mzis = circuit
            .nodes
            .iter()
            .filter(|n| n.kind.mzi_cell().is_some())
            .count();
        assert_eq!(mzis, n * (n - 1) / 2);
        assert_eq!(instances.len(), circuit.nodes.len() + mzis, "{cell:?}");
        let count = |c: &str| {
            instances
                .values()
                .filter(|i| i["component"].as_str() == Some(c))
                .count()
        };
        assert_eq!(
            (count("mzi2x2_2x2"), count(extra)),
            (mzis, mzis),
            "{cell:?}"
        );
        // Every member within its slot, east of the slot's x.
        for node in circuit.nodes.iter().filter(|n| n.kind.mzi_cell().is_some()) {
            let xs: Vec<f64> = ["", "__coupler", "__crossing"]
                .iter()
                .filter_map(|s| v["placements"][format!("{}{s}", node.name).as_str()]["x"].as_f64())
                .collect();
            assert_eq!(xs.len(), 2, "{}", node.name);
            let span = xs.iter().cloned().fold(f64::MIN, f64::max)
                - xs.iter().cloned().fold(f64::MAX, f64::min);
            assert!(span > 0.0 && span < 200.0, "{}: {xs:?}", node.name);
        }
        let mut drive = HashMap::new();
        for net in v["nets"].as_sequence().unwrap() {
            let (p1, p2) = (net["p1"].as_str().unwrap(), net["p2"].as_str().unwrap());
            assert!(
                drive.insert(p2.to_string(), p1.to_string()).is_none(),
                "{p2} read twice"
            );
        }
        let port = |name: String| v["ports"][name.as_str()].as_str().unwrap().to_string();
        let device = DeviceInstance::sample(&DeviceParams::IDEAL, &circuit, 0);
        let expected = Plan::new(&circuit, &settings, &device).transfer_matrix();
        let mut err: f64 = 0.0;
        for r in 0..n {
            for c in 0..n {
                let mut memo = HashMap::new();
                let got = gf_field(
                    &port(format!("out{r}")),
                    &port(format!("in{c}")),
                    &v,
                    &drive,
                    &mut memo,
                );
                err = err.max((got - expected[(r, c)]).norm());
            }
        }
        assert!(err < 1e-12, "{cell:?}: {err}");
    }
}

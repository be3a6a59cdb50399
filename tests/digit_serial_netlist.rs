//! The `digit_serial:` section of a compiled netlist (spec/netlist.md,
//! "Digit-serial reducers"): every way to break it is a located error,
//! snapshot-tested; the structure hash covers it.

use optc::driver::{compile, CompileOptions};
use optc_formats::netlist::{structure_hash, Circuit, Netlist};
use std::path::Path;

fn compiled() -> String {
    let dir = tempfile::tempdir().unwrap();
    let options = CompileOptions {
        out_dir: dir.path().to_path_buf(),
        ..CompileOptions::default()
    };
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/optinc_4x8b.optc");
    let c = compile(&source, &options, |_, _| {}).unwrap();
    std::fs::read_to_string(&c[0].paths.netlist).unwrap()
}

fn error(text: &str) -> String {
    let file = "ds.netlist.yaml";
    match Netlist::parse(file, text).and_then(|n| Circuit::new(&n, file, text)) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

#[test]
fn broken_sections_are_located_errors() {
    let text = compiled();
    let file = "ds.netlist.yaml";
    let net = Netlist::parse(file, &text).unwrap();
    Circuit::new(&net, file, &text).unwrap();
    let cases = [
        (
            "initial_carry",
            edit(&text, "    initial_carry: 1\n", "    initial_carry: 2\n"),
        ),
        (
            "servers",
            edit(
                &text,
                "digit_serial:\n  servers: 4\n",
                "digit_serial:\n  servers: 8\n",
            ),
        ),
        (
            "cascade",
            edit(&text, "  cascade:\n  - 4\n", "  cascade:\n  - 3\n"),
        ),
        (
            "bits",
            edit(
                &text,
                "digit_serial:\n  servers: 4\n  bits: 8\n",
                "digit_serial:\n  servers: 4\n  bits: 10\n",
            ),
        ),
        (
            "prefix",
            edit(&text, "    - prefix: s1_\n", "    - prefix: s0_\n"),
        ),
        ("link", edit(&text, "  link: pam4\n", "  link: nrz\n")),
        (
            "stage_bits",
            edit(&text, "        bits: 4\n", "        bits: 5\n"),
        ),
        (
            "max_carry",
            edit(
                &text,
                "        stage:\n          max_carry: 3\n",
                "        stage:\n          max_carry: 2\n",
            ),
        ),
    ];
    let mut all = String::new();
    for (what, t) in cases {
        all.push_str(&format!("{what}: {}\n", error(&t)));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn the_hash_covers_the_section() {
    let text = compiled();
    let net = Netlist::parse("ds.netlist.yaml", &text).unwrap();
    let mut other = net.clone();
    if let Some(d) = other.digit_serial.as_mut() {
        d.units[0].stages[0].interface.inputs.swap(0, 1);
    }
    assert_ne!(structure_hash(&net), structure_hash(&other));
}

/// Stages meet only through electronics: a port named for one stage but
/// wired to another's instance, or a connection between two stages, is an
/// error; a lone stage interface as the top-level `reducer:` loads but is
/// refused by `optc reduce`.
#[test]
fn stages_stay_apart() {
    let text = compiled();
    let file = "ds.netlist.yaml";
    let net = Netlist::parse(file, &text).unwrap();
    let check = |n: &Netlist| {
        let t = n.to_yaml();
        Netlist::parse(file, &t)
            .and_then(|n| Circuit::new(&n, file, &t))
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };
    // An extra light source of stage 1 whose output port is named for stage 0.
    let mut crossed = net.clone();
    let mut probe = crossed.instances["s1_bias_m5"].clone();
    probe.settings.insert("amplitude".into(), 0.0);
    crossed.instances.insert("s1_probe".into(), probe);
    crossed
        .ports
        .insert("s0_probe".into(), "s1_probe,out0".into());
    let e = check(&crossed);
    assert!(e.contains("not named for the stage"), "{e}");

    // Two identical stages with one connection crossed between them.
    let mut joined = net.clone();
    let (a, b) = joined
        .connections
        .iter()
        .find(|(a, _)| a.starts_with("s0_"))
        .map(|(a, b)| (a.clone(), b.clone()))
        .unwrap();
    let (a1, b1) = (a.replacen("s0_", "s1_", 1), b.replacen("s0_", "s1_", 1));
    assert_eq!(joined.connections.get(&a1), Some(&b1));
    joined.connections.insert(a.clone(), b1);
    joined.connections.insert(a1, b);
    let e = check(&joined);
    assert!(e.contains("joins two stages"), "{e}");

    // One stage alone, its interface as the top-level section.
    let d = net.digit_serial.clone().unwrap();
    let stage = d.stage_netlist(&net, d.stages().next().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stage.netlist.yaml");
    std::fs::write(&path, stage.to_yaml()).unwrap();
    let t = stage.to_yaml();
    Circuit::new(
        &Netlist::parse("stage.netlist.yaml", &t).unwrap(),
        "stage.netlist.yaml",
        &t,
    )
    .unwrap();
    let codes = dir.path().join("codes.csv");
    std::fs::write(&codes, "1,2,3,4\n").unwrap();
    let phases = text_phases(&stage);
    std::fs::write(dir.path().join("stage.phases.yaml"), phases).unwrap();
    assert_cmd::Command::cargo_bin("optc")
        .unwrap()
        .args(["reduce"])
        .arg(&path)
        .arg("--codes")
        .arg(&codes)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "describes one digit-serial stage",
        ));
}

/// A phase file for `net` with every programmable setting at 0 (valid, no DAC).
fn text_phases(net: &Netlist) -> String {
    let t = net.to_yaml();
    let c = Circuit::new(net, "stage.netlist.yaml", &t).unwrap();
    let mut out = format!(
        "version: 2\nnetlist:\n  name: {}\n  hash: '{}'\nsettings:\n",
        net.name,
        structure_hash(net)
    );
    for n in &c.nodes {
        let slots = n.kind.programmable();
        if slots.is_empty() {
            continue;
        }
        out.push_str(&format!("  {}:\n", n.name));
        for s in slots {
            let v = if *s == "transmission" { 1.0 } else { 0.0 };
            out.push_str(&format!("    {s}: {v}\n"));
        }
    }
    out
}

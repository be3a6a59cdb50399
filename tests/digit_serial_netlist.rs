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

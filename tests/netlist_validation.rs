//! Every validation error of the netlist, phase and device files, as a
//! snapshot of its message (file, line, instance, what is wrong).

use optc_runtime::device::DeviceParams;
use optc_runtime::netlist::{Circuit, Netlist};
use optc_runtime::phases::Phases;

const NETLIST: &str = include_str!("netlists/triangle.netlist.yaml");
const PHASES: &str = include_str!("netlists/triangle.phases.yaml");

/// The error of a netlist text (parse, then validate).
fn netlist_error(text: &str) -> String {
    let file = "t.netlist.yaml";
    match Netlist::parse(file, text).and_then(|n| Circuit::new(&n, file, text)) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// `NETLIST` with one replacement, which must apply.
fn edit(from: &str, to: &str) -> String {
    assert!(NETLIST.contains(from), "{from}");
    NETLIST.replacen(from, to, 1)
}

fn phases_error(text: &str) -> String {
    let n = Netlist::parse("t.netlist.yaml", NETLIST).unwrap();
    let c = Circuit::new(&n, "t.netlist.yaml", NETLIST).unwrap();
    match Phases::parse("t.phases.yaml", text).and_then(|p| p.resolve(&c, "t.phases.yaml", text)) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn edit_phases(from: &str, to: &str) -> String {
    assert!(PHASES.contains(from), "{from}");
    PHASES.replacen(from, to, 1)
}

#[test]
fn the_unedited_files_are_valid() {
    let n = Netlist::parse("t", NETLIST).unwrap();
    let c = Circuit::new(&n, "t", NETLIST).unwrap();
    Phases::parse("p", PHASES)
        .unwrap()
        .resolve(&c, "p", PHASES)
        .unwrap();
}

#[test]
fn netlist_errors() {
    let cases = [
        ("yaml_syntax", edit("modes: 3", "modes: [3")),
        (
            "yaml_unterminated_quote",
            edit("  in0: \"a,in0\"", "  in0: \"a,in0"),
        ),
        ("wrong_shape", edit("modes: 3", "modes: three")),
        (
            "unknown_top_level_field",
            edit("modes: 3", "modes: 3\nmode_count: 3"),
        ),
        ("version", edit("version: 2", "version: 3")),
        (
            "unknown_kind",
            edit("b: {component: mzi}", "b: {component: mmi}"),
        ),
        (
            "missing_attribute",
            edit("b: {component: mzi}", "b: {component: splitter}"),
        ),
        (
            "extra_attribute",
            edit(
                "b: {component: mzi}",
                "b: {component: mzi, settings: {ratio: 0.5}}",
            ),
        ),
        (
            "nan_attribute",
            edit(
                "b: {component: mzi}",
                "b: {component: coupler, settings: {ratio: .nan}}",
            ),
        ),
        (
            "out_of_range_attribute",
            edit(
                "b: {component: mzi}",
                "b: {component: coupler, settings: {ratio: 1.5}}",
            ),
        ),
        (
            "bad_port",
            edit("\"a,out0\": \"c,in0\"", "\"a,out0\": \"c,in2\""),
        ),
        (
            "bad_endpoint",
            edit("\"a,out0\": \"c,in0\"", "\"a,out0\": \"c.in0\""),
        ),
        (
            "unknown_instance",
            edit("\"a,out0\": \"c,in0\"", "\"a,out0\": \"d,in0\""),
        ),
        (
            "direction",
            edit("\"a,out0\": \"c,in0\"", "\"a,out0\": \"b,out1\""),
        ),
        (
            "multiply_connected",
            edit("\"b,out0\": \"c,in1\"", "\"b,out0\": \"c,in0\""),
        ),
        ("unconnected", edit("  \"b,out0\": \"c,in1\"\n", "")),
        ("missing_placement", edit("  b: {column: 1, mode: 1}\n", "")),
        (
            "detector_into_mzi",
            edit(
                "a: {component: mzi}",
                "a: {component: mzi}\n  d: {component: detector}",
            )
            .replacen(
                "\"a,out0\": \"c,in0\"",
                "\"a,out0\": \"d,in0\"\n  \"d,out0\": \"c,in0\"",
                1,
            ),
        ),
        (
            "mode_out_of_range",
            edit("b: {column: 1, mode: 1}", "b: {column: 1, mode: 2}"),
        ),
        (
            "placement_of_unknown_instance",
            edit(
                "b: {column: 1, mode: 1}",
                "b: {column: 1, mode: 1}\n  z: {column: 0, mode: 0}",
            ),
        ),
    ];
    for (name, text) in cases {
        insta::assert_snapshot!(format!("netlist_{name}"), netlist_error(&text));
    }
}

#[test]
fn cycle_is_located() {
    let text = "version: 1\nname: loop\nmodes: 2\nports:\n  in0: \"a,in0\"\n  out0: \"b,out1\"\ninstances:\n  a: {component: mzi}\n  b: {component: mzi}\nconnections:\n  \"a,out0\": \"b,in0\"\n  \"a,out1\": \"b,in1\"\n  \"b,out0\": \"a,in1\"\nplacements:\n  a: {column: 0, mode: 0}\n  b: {column: 1, mode: 0}\n";
    insta::assert_snapshot!("netlist_cycle", netlist_error(text));
}

#[test]
fn phase_file_errors() {
    let cases = [
        ("version", edit_phases("version: 2", "version: 7")),
        (
            "wrong_netlist",
            edit_phases("name: triangle", "name: other"),
        ),
        (
            "wrong_hash",
            edit_phases("fnv1a64:54b34c943073e07d", "fnv1a64:0123456789abcdef"),
        ),
        (
            "missing_instance",
            edit_phases("  b: {theta: 2.2, phi: 0.3}\n", ""),
        ),
        (
            "missing_setting",
            edit_phases("b: {theta: 2.2, phi: 0.3}", "b: {theta: 2.2}"),
        ),
        (
            "extra_setting",
            edit_phases(
                "b: {theta: 2.2, phi: 0.3}",
                "b: {theta: 2.2, phi: 0.3, transmission: 0.5}",
            ),
        ),
        (
            "unknown_field",
            edit_phases(
                "b: {theta: 2.2, phi: 0.3}",
                "b: {theta: 2.2, phi: 0.3, gain: 2}",
            ),
        ),
        (
            "nan",
            edit_phases("b: {theta: 2.2, phi: 0.3}", "b: {theta: .nan, phi: 0.3}"),
        ),
        (
            "out_of_range",
            edit_phases("b: {theta: 2.2, phi: 0.3}", "b: {theta: 2.2, phi: 7.0}"),
        ),
        (
            "unknown_instance",
            edit_phases(
                "b: {theta: 2.2, phi: 0.3}",
                "b: {theta: 2.2, phi: 0.3}\n  q: {phase: 1.0}",
            ),
        ),
        (
            "code_without_bits",
            edit_phases(
                "b: {theta: 2.2, phi: 0.3}",
                "b: {theta: 2.2, phi: 0.3, phi_code: 12}",
            ),
        ),
        (
            "dac_code_mismatch",
            edit_phases("settings:", "phase_bits: 8\nsettings:").replacen(
                "b: {theta: 2.2, phi: 0.3}",
                "b: {theta: 2.2, phi: 0.3, phi_code: 13}",
                1,
            ),
        ),
    ];
    for (name, text) in cases {
        insta::assert_snapshot!(format!("phases_{name}"), phases_error(&text));
    }
}

#[test]
fn device_file_errors() {
    let cases = [
        (
            "negative_loss",
            "mzi_loss_db: 0.1\nphase_bits: 8\ncrosstalk: -0.5\n",
        ),
        ("nan", "phase_error_rad: .nan\n"),
        ("bits", "phase_bits: 0\n"),
        ("unknown_field", "mzi_loss: 0.1\n"),
    ];
    for (name, text) in cases {
        let e = DeviceParams::parse("dev.yaml", text)
            .unwrap_err()
            .to_string();
        insta::assert_snapshot!(format!("device_{name}"), e);
    }
    let ok = DeviceParams::parse("dev.yaml", "mzi_loss_db: 0.1\nphase_bits: 8\n").unwrap();
    assert_eq!(ok.phase_bits, Some(8));
}

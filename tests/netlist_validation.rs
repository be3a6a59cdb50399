//! Every validation error of the netlist, phase and device files, as a
//! snapshot of its message (file, line, instance, what is wrong).

use optc_formats::netlist::{Circuit, FormatError, Netlist, Problem};
use optc_formats::phases::Phases;

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
        ("version", edit("version: 2", "version: 9")),
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

const CELLS: &str = include_str!("netlists/dft4_cells.netlist.yaml");
const CELL_PHASES: &str = include_str!("netlists/dft4_cells.phases.yaml");

fn edit_cells(from: &str, to: &str) -> String {
    assert!(CELLS.contains(from), "{from}");
    CELLS.replacen(from, to, 1)
}

fn edit_cell_phases(from: &str, to: &str) -> String {
    assert!(CELL_PHASES.contains(from), "{from}");
    CELL_PHASES.replacen(from, to, 1)
}

#[test]
fn a_mesh_cell_is_the_mesh_it_stands_for() {
    let n = Netlist::parse("t", CELLS).unwrap();
    let c = Circuit::new(&n, "t", CELLS).unwrap();
    let settings = Phases::parse("p", CELL_PHASES)
        .unwrap()
        .resolve(&c, "p", CELL_PHASES)
        .unwrap();
    // 6 MZIs and 4 phase shifters, the MZIs named as a flat mesh names them.
    assert_eq!(c.nodes.len(), 10);
    assert_eq!(c.cells.len(), 1);
    let names: Vec<_> = c.nodes[c.cells[0].nodes.clone()]
        .iter()
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "mzi_c0_m0",
            "mzi_c0_m2",
            "mzi_c1_m1",
            "mzi_c2_m0",
            "mzi_c2_m2",
            "mzi_c3_m1"
        ]
    );
    // θ of the MZI at column 1 is row 1 of the array.
    assert_eq!(settings[c.cells[0].nodes.start + 2][0], 1.2309594173407745);
}

#[test]
fn cell_errors() {
    let cases = [
        (
            "cell_too_small",
            edit_cells("    modes: 4", "    modes: 1"),
        ),
        (
            "cell_named_like_a_kind",
            edit_cells("  clements4:\n", "  mzi:\n").replace("component: clements4", "component: mzi"),
        ),
        (
            "cell_unknown_style",
            edit_cells("mesh: clements", "mesh: butterfly"),
        ),
        (
            "cell_instance_with_settings",
            edit_cells(
                "component: clements4",
                "component: clements4\n    settings: {ratio: 0.5}",
            ),
        ),
        (
            "cell_instance_unplaced",
            edit_cells("  mzi:\n    column: 0\n    mode: 0\n", ""),
        ),
        (
            "cell_instance_out_of_range",
            edit_cells("  mzi:\n    column: 0\n    mode: 0\n", "  mzi:\n    column: 0\n    mode: 1\n"),
        ),
        ("cell_bad_port", edit_cells("in3: mzi,in3", "in3: mzi,in4")),
        (
            "cell_column_overflow",
            edit_cells(
                "  mzi:\n    column: 0\n",
                "  mzi:\n    column: 18446744073709551615\n",
            ),
        ),
        (
            "cell_larger_than_the_grid",
            edit_cells("    modes: 4", "    modes: 4000"),
        ),
        (
            "cell_port_twice",
            edit_cells("in3: mzi,in3", "in3: mzi,in2"),
        ),
        (
            "cell_name_clash",
            edit_cells(
                "  out_ps_m0:\n    component: phase_shifter",
                "  mzi_c0_m0:\n    component: phase_shifter\n  out_ps_m0:\n    component: phase_shifter",
            ),
        ),
    ];
    for (name, text) in cases {
        insta::assert_snapshot!(format!("netlist_{name}"), netlist_error(&text));
    }
}

#[test]
fn mesh_phase_errors() {
    let n = Netlist::parse("t.netlist.yaml", CELLS).unwrap();
    let c = Circuit::new(&n, "t.netlist.yaml", CELLS).unwrap();
    let error = |text: &str| match Phases::parse("t.phases.yaml", text)
        .and_then(|p| p.resolve(&c, "t.phases.yaml", text))
    {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    };
    let cases = [
        (
            "mesh_missing",
            edit_cell_phases("meshes:\n  mzi:", "meshes:\n  other:"),
        ),
        (
            "mesh_row_short",
            edit_cell_phases("- [1.2309594173407745]", "- []"),
        ),
        (
            "mesh_rows_missing",
            edit_cell_phases("    - [1.9106332362490184]\n", ""),
        ),
        (
            "mesh_value_out_of_range",
            edit_cell_phases("- [3.926990816987242]", "- [7.0]"),
        ),
        (
            "mesh_mzi_in_settings",
            edit_cell_phases(
                "settings:\n",
                "settings:\n  mzi_c0_m0:\n    theta: 0.5\n    phi: 0.5\n",
            ),
        ),
    ];
    for (name, text) in cases {
        insta::assert_snapshot!(format!("phases_{name}"), error(&text));
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
        let e = optc_formats::device_file::parse("dev.yaml", text)
            .unwrap_err()
            .to_string();
        insta::assert_snapshot!(format!("device_{name}"), e);
    }
    let ok =
        optc_formats::device_file::parse("dev.yaml", "mzi_loss_db: 0.1\nphase_bits: 8\n").unwrap();
    assert_eq!(ok.phase_bits, Some(8));
}

/// The shipped device file of the `realistic` profile is the model's profile
/// (and the DSL's built-in `device = realistic`), parameter for parameter.
#[test]
fn shipped_realistic_device_file_is_the_model_profile() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/realistic.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = optc_formats::device_file::parse("realistic.yaml", &text).unwrap();
    assert_eq!(parsed, optc_model::device::DeviceParams::REALISTIC);
    for p in optc_model::device::PARAMS {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{}:", p.file))),
            "realistic.yaml does not write `{}`",
            p.file
        );
    }
}

/// The 1-based line of the `n`-th (0-based) line of `text` that contains `needle`.
fn line_with(text: &str, needle: &str, n: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(n)
        .unwrap_or_else(|| panic!("no {n}-th line with {needle:?} in:\n{text}"))
        .0
        + 1
}

/// (line of the error, key, path of its mapping, line of the first occurrence).
fn duplicate(e: FormatError) -> (usize, String, String, usize) {
    let line = e.location.line.expect("a line");
    match *e.problem {
        Problem::DuplicateKey {
            key,
            path,
            first_line,
        } => (line, key, path, first_line.expect("the first line")),
        p => panic!("not a duplicate key: {p}"),
    }
}

#[test]
fn duplicate_netlist_keys_are_located_errors() {
    // (edited text, key, its mapping, (line of the second, of the first) as
    // (needle, n-th line containing it)).
    let cases = [
        (
            edit(
                "  \"b,out0\": \"c,in1\"\n",
                "  \"b,out0\": \"c,in1\"\n  \"a,out0\": \"b,in0\"\n",
            ),
            "a,out0",
            "connections",
            [("\"a,out0\"", 1), ("\"a,out0\"", 0)],
        ),
        (
            edit(
                "  c: {component: mzi}\n",
                "  c: {component: mzi}\n  b: {component: coupler}\n",
            ),
            "b",
            "instances",
            [("  b: {component", 1), ("  b: {component", 0)],
        ),
        // A quoted and a plain spelling are the same key.
        (
            edit(
                "  out2: \"b,out1\"\n",
                "  out2: \"b,out1\"\n  'in1': \"b,in1\"\n",
            ),
            "in1",
            "ports",
            [("'in1'", 0), ("  in1:", 0)],
        ),
        (
            edit(
                "  c: {column: 2, mode: 0}\n",
                "  c: {column: 2, mode: 0}\n  a: {column: 5, mode: 0}\n",
            ),
            "a",
            "placements",
            [("  a: {column", 1), ("  a: {column", 0)],
        ),
        (
            edit("modes: 3\n", "modes: 3\nversion: 2\n"),
            "version",
            "",
            [("version:", 1), ("version:", 0)],
        ),
        (
            edit(
                "  a: {component: mzi}",
                "  a: {component: coupler, settings: {ratio: 0.3, ratio: 0.7}}",
            ),
            "ratio",
            "instances.a.settings",
            [("ratio", 0), ("ratio", 0)],
        ),
    ];
    for (text, key, path, [second, first]) in cases {
        let e = Netlist::parse("t.netlist.yaml", &text).unwrap_err();
        let expected = (
            line_with(&text, second.0, second.1),
            key.to_string(),
            path.to_string(),
            line_with(&text, first.0, first.1),
        );
        assert_eq!(duplicate(e), expected, "{text}");
    }
    let text = edit(
        "  \"b,out0\": \"c,in1\"\n",
        "  \"b,out0\": \"c,in1\"\n  \"a,out0\": \"b,in0\"\n",
    );
    assert_eq!(
        Netlist::parse("t.netlist.yaml", &text)
            .unwrap_err()
            .to_string(),
        "t.netlist.yaml:21:3: duplicate key `a,out0` in `connections` (first written at line 18): \
         a key may appear only once in a mapping"
    );
}

#[test]
fn duplicate_reducer_keys_are_located_errors() {
    let text = format!(
        "{NETLIST}reducer:\n  servers: 1\n  bits: 2\n  inputs: [in0]\n  readout: {{kind: coherent, receivers: [out0], gain: 1.0, gain: 2.0}}\n  bits: 3\n"
    );
    let (line, key, path, first) = duplicate(Netlist::parse("t", &text).unwrap_err());
    // The first duplicate in document order: `gain` inside `readout`.
    assert_eq!((key.as_str(), path.as_str()), ("gain", "reducer.readout"));
    assert_eq!(
        (line, first),
        (line_with(&text, "gain", 0), line_with(&text, "gain", 0))
    );
    let text = text.replace(", gain: 2.0", "");
    let (line, key, path, first) = duplicate(Netlist::parse("t", &text).unwrap_err());
    assert_eq!((key.as_str(), path.as_str()), ("bits", "reducer"));
    assert_eq!(
        (line, first),
        (
            line_with(&text, "bits: 3", 0),
            line_with(&text, "bits: 2", 0)
        )
    );
    // Without the repetition the section is valid.
    let text = text.replace("  bits: 3\n", "");
    let n = Netlist::parse("t", &text).unwrap();
    Circuit::new(&n, "t", &text).unwrap();
}

#[test]
fn duplicate_phase_file_keys_are_located_errors() {
    let parse = |text: &str| duplicate(Phases::parse("t.phases.yaml", text).unwrap_err());
    // An instance listed twice: the last one used to win silently.
    let text = edit_phases(
        "  c: {theta: 3.141592653589793, phi: 4.0}\n",
        "  c: {theta: 3.141592653589793, phi: 4.0}\n  a: {theta: 1.0, phi: 1.0}\n",
    );
    assert_eq!(
        parse(&text),
        (
            line_with(&text, "  a: {theta", 1),
            "a".into(),
            "settings".into(),
            line_with(&text, "  a: {theta", 0)
        )
    );
    // A field twice in one setting, block style.
    let text = edit_phases(
        "  b: {theta: 2.2, phi: 0.3}\n",
        "  b:\n    theta: 2.2\n    phi: 0.3\n    theta: 2.3\n",
    );
    assert_eq!(
        parse(&text),
        (
            line_with(&text, "theta: 2.3", 0),
            "theta".into(),
            "settings.b".into(),
            line_with(&text, "theta: 2.2", 0)
        )
    );
    let text = edit_phases("  name: triangle\n", "  name: triangle\n  name: other\n");
    assert_eq!(
        parse(&text),
        (
            line_with(&text, "name: other", 0),
            "name".into(),
            "netlist".into(),
            line_with(&text, "name: triangle", 0)
        )
    );
}

#[test]
fn duplicate_device_keys_are_located_errors() {
    let text = "mzi_loss_db: 0.1\nphase_bits: 8\ncrosstalk: 0.01\n# later:\ncrosstalk: 0.5\n";
    let e = optc_formats::device_file::parse("dev.yaml", text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "dev.yaml:5:1: duplicate key `crosstalk` at the top level (first written at line 3): \
         a key may appear only once in a mapping"
    );
    assert_eq!(duplicate(e), (5, "crosstalk".into(), String::new(), 3));
}

#[test]
fn format_versions() {
    // A version-1 netlist (same structure) is read, with the same hash.
    let v1 = edit("version: 2", "version: 1");
    let n1 = Netlist::parse("t", &v1).unwrap();
    let c1 = Circuit::new(&n1, "t", &v1).unwrap();
    let n2 = Netlist::parse("t", NETLIST).unwrap();
    assert_eq!(c1.hash, Circuit::new(&n2, "t", NETLIST).unwrap().hash);
    Phases::parse("p", PHASES)
        .unwrap()
        .resolve(&c1, "p", PHASES)
        .unwrap();
    // A version-1 phase file is refused with what to do.
    let old = edit_phases("version: 2", "version: 1");
    assert_eq!(
        Phases::parse("p.phases.yaml", &old)
            .unwrap_err()
            .to_string(),
        "p.phases.yaml:1: phase file version 1 is no longer read (this build reads version 3): \
         its `netlist.hash` is the old structure hash (of serde_yaml's text), which this build \
         no longer computes; recompile the source with `optc compile` to write current \
         netlist and phase files (then rerun `optc calibrate` for per-chip phase files)"
    );
    // The device file's version is optional; only 1 exists.
    let dev = optc_formats::device_file::parse("d", "version: 1\nmzi_loss_db: 0.1\n").unwrap();
    assert_eq!(dev.mzi_loss_db, 0.1);
    assert_eq!(
        optc_formats::device_file::parse("d", "mzi_loss_db: 0.1\nversion: 2\n")
            .unwrap_err()
            .to_string(),
        "d:2: device file version 2 is not supported (this build reads version 1)"
    );
}

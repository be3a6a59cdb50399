//! Shared checks of the fuzz targets (spec/fuzzing.md).

use optc_formats::netlist::locate::yaml_lines;
use optc_formats::netlist::{Circuit, FormatError, Netlist};

/// The number of lines an error in a CSV `text` may point at: one per `\n`,
/// plus the (possibly empty) last line.
pub fn line_count(text: &str) -> usize {
    text.bytes().filter(|&b| b == b'\n').count() + 1
}

/// A located error of a YAML file points at a line that exists (as YAML
/// numbers lines) and a column of that line or just past its end.
pub fn assert_located(err: &FormatError, text: &str) {
    let lines = yaml_lines(text);
    if let Some(line) = err.location.line {
        assert!(
            (1..=lines.len()).contains(&line),
            "error at line {line} of a {}-line text: {err}",
            lines.len()
        );
        if let Some(column) = err.location.column {
            let width = lines[line - 1].chars().count();
            assert!(
                (1..=width + 1).contains(&column),
                "error at column {column} of a {width}-character line: {err}"
            );
        }
    }
    // Rendering never panics and names the file.
    assert!(err.to_string().starts_with(&err.location.file));
}

/// The body of an insta snapshot (what follows its second `---` line).
pub fn snapshot_body(snap: &str) -> &str {
    let mut rest = snap;
    for _ in 0..2 {
        let at = rest.find("---\n").expect("an insta snapshot header");
        rest = &rest[at + 4..];
    }
    rest
}

/// Valid netlists of the repository, each with its source text, parsed
/// and validated once: what phase files are resolved against.
pub fn fixture_netlists() -> Vec<(String, Circuit)> {
    let sources: [(&str, &str); 5] = [
        (
            "mzi1.netlist.yaml",
            include_str!("../../tests/netlists/mzi1.netlist.yaml"),
        ),
        (
            "triangle.netlist.yaml",
            include_str!("../../tests/netlists/triangle.netlist.yaml"),
        ),
        (
            "eo_detect.netlist.yaml",
            include_str!("../../tests/netlists/eo_detect.netlist.yaml"),
        ),
        (
            "dft4.netlist.yaml",
            snapshot_body(include_str!(
                "../../tests/snapshots/compile_examples__dft4.netlist.snap"
            )),
        ),
        (
            "optinc_4x4b.netlist.yaml",
            snapshot_body(include_str!(
                "../../tests/snapshots/compile_examples__optinc_4x4b.netlist.snap"
            )),
        ),
    ];
    sources
        .iter()
        .map(|(file, text)| {
            let netlist = Netlist::parse(file, text).expect("fixture netlist parses");
            let circuit = Circuit::new(&netlist, file, text).expect("fixture netlist is valid");
            (file.to_string(), circuit)
        })
        .collect()
}

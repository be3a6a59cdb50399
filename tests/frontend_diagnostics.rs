//! Every bad source under tests/bad/ fails with diagnostics, snapshot-tested
//! as rendered (the file shown as `tests/bad/NAME.optc`).

use optc::frontend::{self, Options};
use std::path::{Path, PathBuf};

fn bad_dir() -> PathBuf {
    // Relative to the compiler package (cargo's working directory for tests),
    // so messages naming loaded files are the same on every machine.
    PathBuf::from("../tests/bad")
}

fn bad_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(bad_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "optc"))
        .collect();
    files.sort();
    files
}

fn render(path: &Path) -> (usize, String) {
    let bytes = std::fs::read(path).unwrap();
    let name = format!("tests/bad/{}", path.file_name().unwrap().to_string_lossy());
    match frontend::load_bytes(&bytes, &name, &bad_dir(), Options::default()) {
        Ok(_) => panic!("{name} unexpectedly checks"),
        Err(d) => {
            for item in &d.items {
                assert!(
                    item.span.end <= bytes.len().max(1),
                    "{name}: span outside the source"
                );
            }
            (d.len(), d.render())
        }
    }
}

#[test]
fn bad_sources_snapshots() {
    let files = bad_files();
    assert!(files.len() >= 15, "only {} bad sources", files.len());
    for path in files {
        let (n, text) = render(&path);
        assert!(n >= 1);
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("bad_{stem}"), text);
    }
}

#[test]
fn independent_errors_are_all_reported() {
    let (n, text) = render(&bad_dir().join("many_errors.optc"));
    assert_eq!(n, 7, "{text}");
    // One per declaration at least: device, reducer and linear network.
    for line in [":3:", ":9:", ":15:"] {
        assert!(text.contains(line), "missing {line} in\n{text}");
    }
}

#[test]
fn fixed_sources_check() {
    // The same file with its error fixed passes: the diagnostic was about that error.
    let src = std::fs::read_to_string(bad_dir().join("missing_unit.optc")).unwrap();
    let fixed = src.replace("0.1\n", "0.1 dB\n");
    assert!(frontend::check_source(&fixed, "x.optc", &bad_dir(), Options::default()).is_ok());
    let src = std::fs::read_to_string(bad_dir().join("weights_count.optc")).unwrap();
    let fixed = src.replace("0.25, 0.25)", "0.25, 0.25, 0)");
    assert!(frontend::check_source(&fixed, "x.optc", &bad_dir(), Options::default()).is_ok());
}

//! Sources that are valid language but not a design `optc compile`
//! realizes (tests/bad_design/) fail at pass `design` with a located,
//! rendered diagnostic (file:line:col, the line, a caret, help), snapshot-
//! tested, and write nothing.

use optc::driver::{compile, CompileError, CompileOptions};
use std::path::PathBuf;

fn sources() -> Vec<PathBuf> {
    // Tests run in compiler/; the relative path keeps snapshots portable.
    let mut files: Vec<PathBuf> = std::fs::read_dir("../tests/bad_design")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "optc"))
        .collect();
    files.sort();
    files
}

#[test]
fn design_errors_are_located_and_snapshotted() {
    let files = sources();
    assert!(
        files.len() >= 6,
        "expected the bad designs, found {files:?}"
    );
    for path in files {
        let out = tempfile::tempdir().unwrap();
        let options = CompileOptions {
            out_dir: out.path().to_path_buf(),
            ..CompileOptions::default()
        };
        let err = match compile(&path, &options, |_, _| {}) {
            Ok(_) => panic!("{} compiled", path.display()),
            Err(e) => e,
        };
        assert!(
            matches!(err, CompileError::Diagnostics { count: 1, .. }),
            "{}: not a located diagnostic: {err:?}",
            path.display()
        );
        let text = err.to_string();
        let shown = path.display().to_string();
        assert!(text.contains(&format!("--> {shown}:")), "{text}");
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, text);
    }
}

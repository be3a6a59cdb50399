//! The front end never panics or hangs, whatever the input; when it rejects
//! a source, at least one diagnostic points inside it.

use optc::frontend::{self, Options};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn example_sources() -> Vec<String> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "optc"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Runs the front end; on failure checks the spans and renders the diagnostics.
fn assert_sane(bytes: &[u8]) -> Result<(), TestCaseError> {
    match frontend::load_bytes(bytes, "fuzz.optc", &examples_dir(), Options::default()) {
        Ok(_) => Ok(()),
        Err(d) => {
            prop_assert!(!d.items.is_empty(), "rejected without a diagnostic");
            let len = d.source.len();
            prop_assert!(
                d.items
                    .iter()
                    .any(|i| i.span.start <= i.span.end && i.span.end <= len),
                "no diagnostic inside the source"
            );
            for i in &d.items {
                prop_assert!(i.span.start <= len, "span {:?} beyond {len}", i.span);
            }
            let text = d.render();
            prop_assert!(text.contains("error: "));
            Ok(())
        }
    }
}

const TOKENS: &[&str] = &[
    "device",
    "reducer",
    "linear",
    "onn",
    "train",
    "layer",
    "detect",
    "threshold",
    "servers",
    "bits",
    "=",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ";",
    "\n",
    " ",
    "0.5",
    "-0.5i",
    "1e3",
    "dB",
    "rad",
    "eo",
    "gain",
    "segmented(4)",
    "load(\"data/haar8.npy\")",
    "\"",
    "//",
    "x",
    "99999999999999999999999999999999999999999",
    "1e999",
    "\0",
    "é",
    "realize",
    "mesh",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(p, t)| Mutation::Insert(p, t)),
        (any::<usize>(), 1usize..40).prop_map(|(p, n)| Mutation::Duplicate(p, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(src: &str, muts: &[Mutation]) -> Vec<u8> {
    let mut b = src.as_bytes().to_vec();
    for m in muts {
        let len = b.len().max(1);
        match *m {
            Mutation::Delete(p, n) => {
                let p = p % len;
                let end = (p + n).min(b.len());
                if p < end {
                    b.drain(p..end);
                }
            }
            Mutation::Insert(p, t) => {
                let p = p % (b.len() + 1);
                b.splice(p..p, TOKENS[t].bytes());
            }
            Mutation::Duplicate(p, n) => {
                let p = p % len;
                let end = (p + n).min(b.len());
                if p < end {
                    let piece = b[p..end].to_vec();
                    b.splice(p..p, piece);
                }
            }
            Mutation::Truncate(p) => b.truncate(p % len),
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn mutated_examples(which in 0usize..6, muts in prop::collection::vec(mutation(), 1..8)) {
        let sources = example_sources();
        let src = &sources[which % sources.len()];
        assert_sane(&apply(src, &muts))?;
    }

    #[test]
    fn token_soup(tokens in prop::collection::vec(0..TOKENS.len(), 0..120)) {
        let s: String = tokens.iter().map(|&t| TOKENS[t]).collect();
        assert_sane(s.as_bytes())?;
    }

    #[test]
    fn random_text(s in "[ -~\\n\\t]{0,300}") {
        assert_sane(s.as_bytes())?;
    }

    #[test]
    fn random_bytes(b in prop::collection::vec(any::<u8>(), 0..300)) {
        assert_sane(&b)?;
    }
}

#[test]
fn pathological_inputs() {
    let deep_brackets = format!(
        "linear w {{ matrix = {}1{} }}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let deep_braces = "reducer r {".repeat(50_000);
    let long_number = format!("device d {{ crosstalk = 0.{} }}", "1".repeat(200_000));
    let huge_int = format!("reducer r {{ servers = {} }}", "9".repeat(100_000));
    let long_line = format!("device d {{ {} = 1 }}", "a".repeat(1_000_000));
    let nul = "device d {\0 mzi_loss = 0.1 dB }\0".to_string();
    let many_lines = "x\n".repeat(100_000);
    for src in [
        deep_brackets,
        deep_braces,
        long_number,
        huge_int,
        long_line,
        nul,
        many_lines,
    ] {
        assert_sane(src.as_bytes()).unwrap();
    }
}

#[test]
fn diagnostics_for_nul_and_huge_integers_point_at_them() {
    let src = "device d {\n  phase_bits = 99999999999999999999999999999999999999999999\n}\n";
    let err =
        frontend::check_source(src, "x.optc", Path::new("."), Options::default()).unwrap_err();
    assert_eq!(err.items.len(), 1);
    assert_eq!(
        &src[err.items[0].span.start..err.items[0].span.end],
        "99999999999999999999999999999999999999999999"
    );
    let src = "device d {\n  \0\n}\n";
    let err =
        frontend::check_source(src, "x.optc", Path::new("."), Options::default()).unwrap_err();
    assert_eq!(err.items[0].span.start, src.find('\0').unwrap());
}

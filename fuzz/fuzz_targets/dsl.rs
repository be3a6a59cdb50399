//! The front end on arbitrary bytes: UTF-8 decoding, the parser, the checks
//! and the IR build (`optc::frontend::load_bytes`, what `optc check` runs).
//! `load(...)` paths resolve in examples/, so the fuzzer can reach the matrix
//! loaders through the language too.
//!
//! Checks: a rejected source has at least one error, every span (and every
//! note's span) lies inside the source (byte offsets; rendering rounds them
//! down to character boundaries itself), rendering works, and a second run gives the same diagnostics (no order that depends
//! on hashing).
#![no_main]

use libfuzzer_sys::fuzz_target;
use optc::frontend::{self, Options};
use std::path::Path;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");

fn run(bytes: &[u8]) -> Result<usize, String> {
    match frontend::load_bytes(bytes, "fuzz.optc", Path::new(EXAMPLES), Options::default()) {
        Ok((_, graphs)) => Ok(graphs.len()),
        Err(d) => {
            assert!(!d.items.is_empty(), "rejected without a diagnostic");
            let src = d.source.as_str();
            for item in &d.items {
                let spans = std::iter::once(&item.span).chain(item.notes.iter().map(|(s, _)| s));
                for s in spans {
                    assert!(
                        s.start <= s.end && s.end <= src.len(),
                        "span {s:?} outside a {}-byte source: {}",
                        src.len(),
                        item.message
                    );
                }
            }
            let text = d.render();
            assert!(text.contains("error: "), "rendered without `error: `");
            Err(text)
        }
    }
}

fuzz_target!(|bytes: &[u8]| {
    let first = run(bytes);
    let second = run(bytes);
    assert_eq!(first, second, "two runs disagree");
});

//! The code reader of `optc reduce --codes` on arbitrary text
//! (`codes_file::parse_codes`), for a few reducer shapes (servers, the
//! largest code 2^(bits-1) - 1) including that of examples/data.
//!
//! Checks: accepted codes fill whole rows and lie in [-max, max], and
//! written back as CSV they parse to the same codes; an error names a line
//! that exists and, for a bad field, a column of that row.
#![no_main]

use libfuzzer_sys::fuzz_target;
use optc_formats::codes_file::{parse_codes, CodesError};
use optc_fuzz::line_count;

/// (servers, max code): 8 servers of 4-bit codes as codes_8x4b.csv, and others.
const SHAPES: [(usize, i32); 4] = [(8, 7), (4, 7), (1, 32767), (16, 1)];

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let lines = line_count(text);
    for (servers, max) in SHAPES {
        match parse_codes("fuzz.csv", text, servers, max) {
            Ok(codes) => {
                assert_eq!(codes.len() % servers, 0);
                assert!(codes.iter().all(|c| (-max..=max).contains(c)));
                let csv: String = codes
                    .chunks(servers)
                    .map(|row| {
                        let fields: Vec<String> = row.iter().map(i32::to_string).collect();
                        fields.join(",") + "\n"
                    })
                    .collect();
                let again = parse_codes("again.csv", &csv, servers, max)
                    .unwrap_or_else(|e| panic!("written codes do not parse: {e}\n{csv}"));
                assert_eq!(again, codes);
            }
            Err(CodesError::Csv { line, .. }) => {
                assert!((1..=lines).contains(&line), "line {line} of {lines}");
            }
            Err(CodesError::Count { line, found, .. }) => {
                assert!((1..=lines).contains(&line), "line {line} of {lines}");
                assert_ne!(found, servers);
            }
            Err(
                CodesError::NotInteger { line, column, .. }
                | CodesError::OutOfRange { line, column, .. },
            ) => {
                assert!((1..=lines).contains(&line), "line {line} of {lines}");
                assert!((1..=servers).contains(&column), "column {column}");
            }
        }
    }
});

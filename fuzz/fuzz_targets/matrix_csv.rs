//! The CSV matrix reader on arbitrary bytes (`matrix_file::read_matrix_bytes`
//! with a `.csv` name, what `read_matrix` runs on a file's bytes).
//!
//! Checks: an accepted matrix is non-empty and finite and `to_csv` writes it
//! back bit for bit; a rejected value's line and column exist in the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use optc_formats::matrix_file::{read_matrix_bytes, to_csv, MatrixFileError};
use optc_fuzz::line_count;
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("fuzz.csv");
    let m = match read_matrix_bytes(path, bytes) {
        Ok(m) => m,
        Err(MatrixFileError::CsvValue { line, column, .. }) => {
            let text = std::str::from_utf8(bytes).expect("a value error is about text");
            assert!((1..=line_count(text)).contains(&line), "line {line}");
            let width = text.split('\n').nth(line - 1).map_or(0, str::len);
            assert!(
                (1..=width + 1).contains(&column),
                "column {column} of {width}"
            );
            return;
        }
        Err(MatrixFileError::CsvRagged { line, .. }) => {
            let text = std::str::from_utf8(bytes).expect("a ragged row is about text");
            assert!((2..=line_count(text)).contains(&line), "line {line}");
            return;
        }
        Err(_) => return,
    };
    assert!(m.nrows() > 0 && m.ncols() > 0);
    assert!(m.iter().all(|z| z.is_finite()));
    let text = to_csv(&m);
    let back = read_matrix_bytes(path, text.as_bytes())
        .unwrap_or_else(|e| panic!("to_csv output does not read back: {e}\n{text}"));
    assert_eq!(back.shape(), m.shape());
    assert!(
        back.iter()
            .zip(m.iter())
            .all(|(a, b)| a.re.to_bits() == b.re.to_bits() && a.im.to_bits() == b.im.to_bits()),
        "to_csv does not round-trip:\n{text}"
    );
});

//! The `.npy` matrix reader on arbitrary bytes
//! (`matrix_file::read_matrix_bytes` with a `.npy` name, what `read_matrix`
//! runs on a file's bytes: `load("w.npy")` in the language, `--input`).
//!
//! Checks: an accepted matrix is non-empty and finite, and written back
//! with `write_npy` it reads back bit for bit; no header makes it allocate
//! more than the file could hold (libFuzzer's RSS limit catches that).
#![no_main]

use libfuzzer_sys::fuzz_target;
use optc_formats::matrix_file::{read_matrix_bytes, write_npy};
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("fuzz.npy");
    let Ok(m) = read_matrix_bytes(path, bytes) else {
        return;
    };
    assert!(m.nrows() > 0 && m.ncols() > 0);
    assert!(m.iter().all(|z| z.is_finite()));
    let mut out = Vec::new();
    write_npy(&mut out, &m).expect("writes to memory");
    let back = read_matrix_bytes(path, &out).expect("write_npy output reads back");
    assert_eq!(back.shape(), m.shape());
    assert!(
        back.iter()
            .zip(m.iter())
            .all(|(a, b)| a.re.to_bits() == b.re.to_bits() && a.im.to_bits() == b.im.to_bits()),
        "write_npy does not round-trip"
    );
});

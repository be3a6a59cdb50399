//! Arrays cross the boundary as little-endian bytes plus a shape; the Python
//! side (numpy) does the dtype and layout conversions. This keeps the
//! extension free of a numpy ABI dependency.

use crate::errors::Failure;
use nalgebra::DMatrix;
use num_complex::Complex64;

/// Row-major complex128 bytes → matrix.
pub fn complex_matrix(
    bytes: &[u8],
    rows: usize,
    cols: usize,
) -> Result<DMatrix<Complex64>, Failure> {
    let need = rows
        .checked_mul(cols)
        .and_then(|n| n.checked_mul(16))
        .ok_or_else(|| Failure::run(format!("a {rows}×{cols} array is too large")))?;
    if bytes.len() != need {
        return Err(Failure::run(format!(
            "expected {need} bytes for a {rows}×{cols} complex128 array, got {}",
            bytes.len()
        )));
    }
    let values: Vec<Complex64> = bytes
        .chunks_exact(16)
        .map(|c| Complex64::new(f64_at(&c[..8]), f64_at(&c[8..])))
        .collect();
    Ok(DMatrix::from_row_slice(rows, cols, &values))
}

/// Matrix → row-major complex128 bytes.
pub fn complex_bytes(m: &DMatrix<Complex64>) -> Vec<u8> {
    let mut out = Vec::with_capacity(m.nrows() * m.ncols() * 16);
    for r in 0..m.nrows() {
        for c in 0..m.ncols() {
            let z = m[(r, c)];
            out.extend_from_slice(&z.re.to_le_bytes());
            out.extend_from_slice(&z.im.to_le_bytes());
        }
    }
    out
}

/// int64 bytes → values.
pub fn i64_values(bytes: &[u8]) -> Result<Vec<i64>, Failure> {
    if bytes.len() % 8 != 0 {
        return Err(Failure::run(format!(
            "{} bytes is not a whole number of int64 values",
            bytes.len()
        )));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            i64::from_le_bytes(a)
        })
        .collect())
}

pub fn i64_bytes(values: &[i64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn f64_at(b: &[u8]) -> f64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    f64::from_le_bytes(a)
}

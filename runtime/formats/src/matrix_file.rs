//! Reading and writing matrices as `.npy` (real or complex, any numeric dtype
//! numpy writes) and `.csv` (one row per line, real entries such as `-0.25`
//! or complex ones such as `0.5-0.5i`: the number literals of the language,
//! `crate::number`; read by `crate::csv_reader`).

use crate::csv_reader;
use crate::number::{self, NumberError};
use nalgebra::DMatrix;
use npyz::{TypeChar, WriterBuilder};
use num_complex::Complex64;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum MatrixFileError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{path}`: unsupported matrix file extension (expected .npy or .csv)")]
    UnknownExtension { path: PathBuf },
    #[error("`{path}` is not a valid .npy file: {reason}")]
    NpyHeader { path: PathBuf, reason: String },
    #[error("`{path}`: numpy dtype `{dtype}` is not numeric (expected a real, integer or complex dtype)")]
    NpyDtype { path: PathBuf, dtype: String },
    #[error("`{path}`: the array has {ndim} dimensions; a matrix needs 1 (a row) or 2")]
    NpyShape { path: PathBuf, ndim: usize },
    #[error("`{path}`: the array data is truncated or unreadable: {reason}")]
    NpyData { path: PathBuf, reason: String },
    #[error("{path}:{line}:{column}: `{text}` is not a number (expected a real like `-0.25` or a complex like `0.5-0.5i`)")]
    CsvValue {
        path: PathBuf,
        line: usize,
        column: usize,
        text: String,
    },
    #[error(
        "{path}:{line}:{column}: `{text}` is too large (numbers must be below {:e} in magnitude)",
        f64::MAX
    )]
    CsvTooLarge {
        path: PathBuf,
        line: usize,
        column: usize,
        text: String,
    },
    #[error("{path}:{line}: {message}")]
    CsvRead {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}:{line}: row has {found} entries but the first row has {expected}")]
    CsvRagged {
        path: PathBuf,
        line: usize,
        expected: usize,
        found: usize,
    },
    #[error("`{path}` holds no matrix entries")]
    Empty { path: PathBuf },
    #[error("`{path}`: entry ({row}, {col}) is not finite")]
    NotFinite {
        path: PathBuf,
        row: usize,
        col: usize,
    },
}

/// Reads a matrix from a `.npy` or `.csv` file, chosen by extension.
pub fn read_matrix(path: &Path) -> Result<DMatrix<Complex64>, MatrixFileError> {
    // The extension is checked before the file is read.
    matrix_kind(path)?;
    let bytes = std::fs::read(path).map_err(|source| MatrixFileError::Io {
        path: path.to_owned(),
        source,
    })?;
    read_matrix_bytes(path, &bytes)
}

/// Like `read_matrix`, for the file's bytes already in memory: `path` picks
/// the format by its extension and names the source in errors.
pub fn read_matrix_bytes(path: &Path, bytes: &[u8]) -> Result<DMatrix<Complex64>, MatrixFileError> {
    let m = match matrix_kind(path)? {
        MatrixKind::Npy => read_npy_bytes(path, bytes)?,
        MatrixKind::Csv => {
            // The error `std::fs::read_to_string` gives.
            let text = std::str::from_utf8(bytes).map_err(|_| MatrixFileError::Io {
                path: path.to_owned(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "stream did not contain valid UTF-8",
                ),
            })?;
            parse_csv(path, text)?
        }
    };
    check_finite(path, &m)?;
    Ok(m)
}

enum MatrixKind {
    Npy,
    Csv,
}

fn matrix_kind(path: &Path) -> Result<MatrixKind, MatrixFileError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("npy") => Ok(MatrixKind::Npy),
        Some("csv") => Ok(MatrixKind::Csv),
        _ => Err(MatrixFileError::UnknownExtension {
            path: path.to_owned(),
        }),
    }
}

fn check_finite(path: &Path, m: &DMatrix<Complex64>) -> Result<(), MatrixFileError> {
    for r in 0..m.nrows() {
        for c in 0..m.ncols() {
            if !m[(r, c)].is_finite() {
                return Err(MatrixFileError::NotFinite {
                    path: path.to_owned(),
                    row: r,
                    col: c,
                });
            }
        }
    }
    Ok(())
}

/// Deepest bracket nesting accepted in a `.npy` header. A plain dtype's
/// header nests 2 deep (`{'shape': (r, c)}`), a structured dtype's 4; the
/// header's parser (npyz's py_literal) takes time exponential in the depth
/// (a 100-byte header 14 deep took minutes).
const MAX_NPY_HEADER_DEPTH: usize = 4;

/// How deep the brackets of a `.npy` header nest (None: not enough bytes
/// for a header, or not a version npyz reads; npyz says what is wrong).
fn npy_header_depth(bytes: &[u8]) -> Option<usize> {
    let (len, start) = match bytes.get(6..8)? {
        [1, 0] => (
            u16::from_le_bytes(bytes.get(8..10)?.try_into().ok()?) as usize,
            10,
        ),
        [2 | 3, 0] => (
            u32::from_le_bytes(bytes.get(8..12)?.try_into().ok()?) as usize,
            12,
        ),
        _ => return None,
    };
    let header = bytes.get(start..)?;
    let (mut depth, mut deepest) = (0usize, 0usize);
    for &b in &header[..len.min(header.len())] {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Some(deepest)
}

/// Parses `.npy` bytes (`path` only names the source in errors).
pub fn read_npy_bytes(path: &Path, bytes: &[u8]) -> Result<DMatrix<Complex64>, MatrixFileError> {
    if let Some(depth) = npy_header_depth(bytes).filter(|&d| d > MAX_NPY_HEADER_DEPTH) {
        return Err(MatrixFileError::NpyHeader {
            path: path.to_owned(),
            reason: format!(
                "the header nests brackets {depth} deep (a numeric array's header nests 2; at most {MAX_NPY_HEADER_DEPTH} are read)"
            ),
        });
    }
    let npy = npyz::NpyFile::new(bytes).map_err(|e| MatrixFileError::NpyHeader {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    let shape: Vec<u64> = npy.shape().to_vec();
    let (rows, cols) = match shape.as_slice() {
        [n] => (1, *n),
        [r, c] => (*r, *c),
        other => {
            return Err(MatrixFileError::NpyShape {
                path: path.to_owned(),
                ndim: other.len(),
            })
        }
    };
    // A header can claim any shape; the data must actually be in the file.
    let fits = rows
        .checked_mul(cols)
        .is_some_and(|n| n <= bytes.len() as u64);
    if !fits {
        return Err(MatrixFileError::NpyData {
            path: path.to_owned(),
            reason: format!(
                "the header's shape {rows}×{cols} does not fit in {} bytes",
                bytes.len()
            ),
        });
    }
    let fortran = npy.order() == npyz::Order::Fortran;
    let dtype = npy.dtype();
    let type_str = match &dtype {
        npyz::DType::Plain(ts) => ts.clone(),
        other => {
            return Err(MatrixFileError::NpyDtype {
                path: path.to_owned(),
                dtype: other.descr(),
            })
        }
    };
    let data_err = |e: std::io::Error| MatrixFileError::NpyData {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let values: Vec<Complex64> = match (type_str.type_char(), type_str.size_field()) {
        (TypeChar::Complex, 16) => npy.into_vec::<Complex64>().map_err(data_err)?,
        (TypeChar::Complex, 8) => npy
            .into_vec::<num_complex::Complex32>()
            .map_err(data_err)?
            .into_iter()
            .map(|z| Complex64::new(z.re.into(), z.im.into()))
            .collect(),
        (TypeChar::Float, 8) => real(npy.into_vec::<f64>().map_err(data_err)?),
        (TypeChar::Float, 4) => real(npy.into_vec::<f32>().map_err(data_err)?),
        // i64 values beyond 2^53 round, as numpy's own float conversion does.
        (TypeChar::Int, 8) => npy
            .into_vec::<i64>()
            .map_err(data_err)?
            .into_iter()
            .map(|x| Complex64::new(x as f64, 0.0))
            .collect(),
        (TypeChar::Int, 4) => real(npy.into_vec::<i32>().map_err(data_err)?),
        (TypeChar::Int, 2) => real(npy.into_vec::<i16>().map_err(data_err)?),
        (TypeChar::Int, 1) => real(npy.into_vec::<i8>().map_err(data_err)?),
        (TypeChar::Uint, 4) => real(npy.into_vec::<u32>().map_err(data_err)?),
        (TypeChar::Uint, 2) => real(npy.into_vec::<u16>().map_err(data_err)?),
        (TypeChar::Uint, 1) => real(npy.into_vec::<u8>().map_err(data_err)?),
        _ => {
            return Err(MatrixFileError::NpyDtype {
                path: path.to_owned(),
                dtype: type_str.to_string(),
            })
        }
    };
    let (rows, cols) = (to_usize(rows), to_usize(cols));
    if rows.checked_mul(cols) != Some(values.len()) {
        return Err(MatrixFileError::NpyData {
            path: path.to_owned(),
            reason: format!("shape {rows}×{cols} but {} values", values.len()),
        });
    }
    if values.is_empty() {
        return Err(MatrixFileError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(if fortran {
        DMatrix::from_column_slice(rows, cols, &values)
    } else {
        DMatrix::from_row_slice(rows, cols, &values)
    })
}

fn to_usize(x: u64) -> usize {
    usize::try_from(x).unwrap_or(usize::MAX)
}

fn real<T: Into<f64>>(v: Vec<T>) -> Vec<Complex64> {
    v.into_iter()
        .map(|x| Complex64::new(x.into(), 0.0))
        .collect()
}

/// Parses CSV text: one matrix row per non-blank line, `#` starts a comment
/// (the dialect of `csv_reader`), each cell a number (`parse_cell`).
pub fn parse_csv(path: &Path, text: &str) -> Result<DMatrix<Complex64>, MatrixFileError> {
    let mut values: Vec<Complex64> = Vec::new();
    let mut shape: Option<(usize, usize)> = None;
    let mut rows = csv_reader::rows(text);
    while let Some(row) = rows.next_row() {
        let row = row.map_err(|e| MatrixFileError::CsvRead {
            path: path.to_owned(),
            line: e.line,
            message: e.message,
        })?;
        for cell in row.cells() {
            let value = parse_cell(cell.text).map_err(|e| {
                let (path, line, column, text) =
                    (path.to_owned(), row.line, cell.column, cell.text.to_owned());
                match e {
                    NumberError::TooLarge { .. } => MatrixFileError::CsvTooLarge {
                        path,
                        line,
                        column,
                        text,
                    },
                    NumberError::NotANumber => MatrixFileError::CsvValue {
                        path,
                        line,
                        column,
                        text,
                    },
                }
            })?;
            values.push(value);
        }
        let (nrows, ncols) = shape.get_or_insert((0, row.len()));
        if row.len() != *ncols {
            return Err(MatrixFileError::CsvRagged {
                path: path.to_owned(),
                line: row.line,
                expected: *ncols,
                found: row.len(),
            });
        }
        *nrows += 1;
    }
    let Some((nrows, ncols)) = shape else {
        return Err(MatrixFileError::Empty {
            path: path.to_owned(),
        });
    };
    Ok(DMatrix::from_row_slice(nrows, ncols, &values))
}

/// Parses one CSV cell: a number literal of the language (`crate::number`:
/// `1`, `-0.5e-3`, `2i`, `-i`, `0.5-0.5i`, `1 + 2j`; `j` as numpy writes it),
/// with surrounding spaces and, as numpy writes complex values, one pair of
/// parentheses allowed.
pub fn parse_cell(s: &str) -> Result<Complex64, NumberError> {
    let s = s.trim();
    let s = s
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(s)
        .trim();
    number::parse_number(s)
}

/// `parse_cell`, without the reason.
pub fn parse_complex(s: &str) -> Option<Complex64> {
    parse_cell(s).ok()
}

/// Writes a complex matrix as `.npy` (`<c16`, C order).
pub fn write_npy(out: &mut impl std::io::Write, m: &DMatrix<Complex64>) -> std::io::Result<()> {
    let mut w = npyz::WriteOptions::new()
        .default_dtype()
        .shape(&[m.nrows() as u64, m.ncols() as u64])
        .writer(out)
        .begin_nd()?;
    for r in 0..m.nrows() {
        for c in 0..m.ncols() {
            w.push(&m[(r, c)])?;
        }
    }
    w.finish()
}

/// Formats one complex number so that `parse_cell` reads back the same bits.
pub fn format_complex(z: Complex64) -> String {
    if z.im == 0.0 && z.im.is_sign_positive() {
        format!("{}", z.re)
    } else if z.im < 0.0 || (z.im == 0.0 && z.im.is_sign_negative()) {
        format!("{}-{}i", z.re, -z.im)
    } else {
        format!("{}+{}i", z.re, z.im)
    }
}

/// Writes a complex matrix as CSV text, one row per line, round-trip exact.
pub fn to_csv(m: &DMatrix<Complex64>) -> String {
    let mut s = String::new();
    for r in 0..m.nrows() {
        for c in 0..m.ncols() {
            if c > 0 {
                s.push(',');
            }
            let _ = write!(s, "{}", format_complex(m[(r, c)]));
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complex_literals() {
        let c = |re, im| Some(Complex64::new(re, im));
        assert_eq!(parse_complex("0.5-0.5i"), c(0.5, -0.5));
        assert_eq!(parse_complex(" -1e-3 "), c(-1e-3, 0.0));
        assert_eq!(parse_complex("2i"), c(0.0, 2.0));
        assert_eq!(parse_complex("-i"), c(0.0, -1.0));
        assert_eq!(parse_complex("1e-3+2e+2j"), c(1e-3, 200.0));
        assert_eq!(parse_complex("(1-2j)"), c(1.0, -2.0));
        assert_eq!(parse_complex(" ( 1 + 2j ) "), c(1.0, 2.0));
        for bad in [
            "", "x", "1+", "nan", "inf", "1..2", "i i", "()", "((1))", "i",
        ] {
            assert_eq!(parse_complex(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn csv_round_trip_is_bit_exact() {
        let m = DMatrix::from_row_slice(
            2,
            2,
            &[
                Complex64::new(0.1, -0.2),
                Complex64::new(1.0 / 3.0, 0.0),
                Complex64::new(-0.0, 1e-300),
                Complex64::new(5.0, -0.0),
            ],
        );
        let back = parse_csv(Path::new("x.csv"), &to_csv(&m)).expect("parses");
        assert_eq!(back, m);
    }

    #[test]
    fn csv_comments_blank_lines_and_numpy_cells() {
        let text = "# W\n\n(1+0j), (0-1j) # row 0\n  2 , -i\r\n";
        let m = parse_csv(Path::new("x.csv"), text).expect("parses");
        let c = Complex64::new;
        assert_eq!(
            m,
            DMatrix::from_row_slice(
                2,
                2,
                &[c(1.0, 0.0), c(0.0, -1.0), c(2.0, 0.0), c(0.0, -1.0)]
            )
        );
        // A value error names the line and the column of the cell's text.
        let e = parse_csv(Path::new("x.csv"), "1,2\n\n3, \t1.5x\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.csv:3:5: `1.5x` is not a number (expected a real like `-0.25` or a complex like `0.5-0.5i`)"
        );
    }

    #[test]
    fn npy_round_trip_is_bit_exact() {
        let m = DMatrix::from_fn(3, 2, |r, c| {
            Complex64::new(r as f64 / 7.0, -(c as f64) / 3.0)
        });
        let mut bytes = Vec::new();
        write_npy(&mut bytes, &m).expect("writes");
        let back = read_npy_bytes(Path::new("x.npy"), &bytes).expect("reads");
        assert_eq!(back, m);
    }

    #[test]
    fn malformed_inputs_are_errors() {
        let p = Path::new("m.csv");
        assert!(matches!(
            parse_csv(p, "1,2\n3\n"),
            Err(MatrixFileError::CsvRagged { line: 2, .. })
        ));
        assert!(matches!(
            parse_csv(p, "1, zz\n"),
            Err(MatrixFileError::CsvValue {
                line: 1,
                column: 4,
                ..
            })
        ));
        assert!(matches!(
            parse_csv(p, "# nothing\n"),
            Err(MatrixFileError::Empty { .. })
        ));
        // Overflow is its own error, at the cell.
        let e = parse_csv(p, "1,2\n3, 1e999\n").unwrap_err();
        assert!(
            matches!(
                e,
                MatrixFileError::CsvTooLarge {
                    line: 2,
                    column: 4,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(
            e.to_string().starts_with("m.csv:2:4: `1e999` is too large"),
            "{e}"
        );
        assert!(read_npy_bytes(Path::new("m.npy"), b"\x93NUMPY garbage").is_err());
        assert!(read_npy_bytes(Path::new("m.npy"), b"").is_err());
        // A header that claims 2^32 × 2^32 entries over 32 bytes of data.
        let mut huge = Vec::new();
        write_npy(
            &mut huge,
            &DMatrix::from_element(2, 1, Complex64::new(1.0, 0.0)),
        )
        .expect("writes");
        let text = String::from_utf8_lossy(&huge).replace("(2, 1)", "(4294967296, 4294967296)");
        let mut bytes = text.as_bytes().to_vec();
        bytes.truncate(huge.len());
        assert!(matches!(
            read_npy_bytes(Path::new("m.npy"), &bytes),
            Err(MatrixFileError::NpyData { .. }) | Err(MatrixFileError::NpyHeader { .. })
        ));
    }

    #[test]
    fn deeply_nested_npy_header_is_refused_at_once() {
        // Found by fuzz/ (matrix_npy): 14 nested brackets took minutes in
        // the header parser.
        let mut header = "[".to_string() + &"{".repeat(40);
        header.push_str("'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n");
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(&[0; 8]);
        let start = std::time::Instant::now();
        let err = read_npy_bytes(Path::new("m.npy"), &bytes).unwrap_err();
        assert!(matches!(err, MatrixFileError::NpyHeader { .. }), "{err}");
        assert!(err.to_string().contains("42 deep"), "{err}");
        assert!(start.elapsed().as_secs() < 1);
    }
}

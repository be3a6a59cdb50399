//! The CSV of integer gradient codes that `optc reduce --codes` reads: one
//! gradient element per row, one column per server.

use thiserror::Error;

/// What is wrong with a codes file; every error names the file and line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodesError {
    #[error("{file}:{line}: expected {servers} codes (one per server), found {found}")]
    Count {
        file: String,
        line: usize,
        servers: usize,
        found: usize,
    },
    #[error("{file}:{line}: column {column}: `{text}` is not an integer code")]
    NotInteger {
        file: String,
        line: usize,
        column: usize,
        text: String,
    },
    #[error("{file}:{line}: column {column}: code {code} is outside [-{max}, {max}]")]
    OutOfRange {
        file: String,
        line: usize,
        column: usize,
        code: i32,
        max: i32,
    },
}

/// Rows of `servers` integer codes in [−max, max]; blank lines and lines
/// starting with `#` are skipped. `file` names the source in errors. The
/// codes come back row after row (`servers` per element).
pub fn parse_codes(
    file: &str,
    text: &str,
    servers: usize,
    max: i32,
) -> Result<Vec<i32>, CodesError> {
    let mut codes = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = trimmed.split(',').collect();
        if fields.len() != servers {
            return Err(CodesError::Count {
                file: file.to_owned(),
                line: line_no,
                servers,
                found: fields.len(),
            });
        }
        for (k, f) in fields.iter().enumerate() {
            let v: i32 = f.trim().parse().map_err(|_| CodesError::NotInteger {
                file: file.to_owned(),
                line: line_no,
                column: k + 1,
                text: f.trim().to_owned(),
            })?;
            if !(-max..=max).contains(&v) {
                return Err(CodesError::OutOfRange {
                    file: file.to_owned(),
                    line: line_no,
                    column: k + 1,
                    code: v,
                    max,
                });
            }
            codes.push(v);
        }
    }
    Ok(codes)
}

//! The CSV of integer gradient codes that `optc reduce --codes` reads: one
//! gradient element per row, one column per server.

use thiserror::Error;

/// What is wrong with a codes file; every error names the file and line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodesError {
    #[error("{file}:{line}: {message}")]
    Csv {
        file: String,
        line: usize,
        message: String,
    },
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

/// Rows of `servers` integer codes in [−max, max], read by the shared CSV
/// reader (`crate::csv_reader`: blank lines and `#` comments skipped, CRLF
/// and a BOM accepted). `file` names the source in errors. The codes come
/// back row after row (`servers` per element).
pub fn parse_codes(
    file: &str,
    text: &str,
    servers: usize,
    max: i32,
) -> Result<Vec<i32>, CodesError> {
    let mut codes = Vec::new();
    let mut rows = crate::csv_reader::rows(text);
    while let Some(row) = rows.next_row() {
        let row = row.map_err(|e| CodesError::Csv {
            file: file.to_owned(),
            line: e.line,
            message: e.message,
        })?;
        let line = row.line;
        if row.len() != servers {
            return Err(CodesError::Count {
                file: file.to_owned(),
                line,
                servers,
                found: row.len(),
            });
        }
        for cell in row.cells() {
            let column = cell.field;
            let v: i32 = cell.text.parse().map_err(|_| CodesError::NotInteger {
                file: file.to_owned(),
                line,
                column,
                text: cell.text.to_owned(),
            })?;
            if !(-max..=max).contains(&v) {
                return Err(CodesError::OutOfRange {
                    file: file.to_owned(),
                    line,
                    column,
                    code: v,
                    max,
                });
            }
            codes.push(v);
        }
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_codes("c.csv", text, 2, 7).unwrap_err().to_string()
    }

    #[test]
    fn codes_with_comments_blank_lines_and_crlf() {
        let text = "# a, b\r\n1, -2 # first\r\n\r\n  \n3,4\n";
        assert_eq!(parse_codes("c.csv", text, 2, 7).unwrap(), [1, -2, 3, 4]);
        assert_eq!(
            err("1,2\r\n\r\n1,x\r\n"),
            "c.csv:3: column 2: `x` is not an integer code"
        );
        assert_eq!(
            err("1,2\n1\n"),
            "c.csv:2: expected 2 codes (one per server), found 1"
        );
        assert_eq!(err("9,1\n"), "c.csv:1: column 1: code 9 is outside [-7, 7]");
    }
}

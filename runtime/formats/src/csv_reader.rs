//! The CSV reader of every table optc reads (matrix files, `optc reduce
//! --codes`, the embedded training data), on the `csv` crate, with the
//! position of every cell for located errors.
//!
//! The dialect: fields separated by `,`, records by `\n` or `\r\n` (a lone
//! `\r` is part of its cell, not a line break); no
//! quoting (cells are numbers); a `#` starts a comment that runs to the end
//! of the line; lines that are blank or only a comment are skipped; a UTF-8
//! byte order mark at the start is ignored. Cells are trimmed of spaces and
//! tabs. Rows may differ in length: the caller says what it expects.

use csv::{ReaderBuilder, StringRecord};

/// A record the `csv` crate could not read (input is `&str` and quoting is
/// off, so this is not expected in practice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CsvError {}

/// The non-blank rows of a CSV text, read one at a time.
pub struct CsvRows<'a> {
    text: &'a [u8],
    reader: csv::Reader<&'a [u8]>,
    record: StringRecord,
}

/// One row: its line (1-based) and cells.
#[derive(Debug, Clone, Copy)]
pub struct Row<'r> {
    pub line: usize,
    record: &'r StringRecord,
    /// Fields before the comment, the last one cut at `cut` bytes.
    len: usize,
    cut: Option<usize>,
}

/// One cell: its trimmed text, where that text starts, and its field number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell<'r> {
    pub text: &'r str,
    /// 1-based column (in characters) of the text's first character.
    pub column: usize,
    /// 1-based field number in the row.
    pub field: usize,
}

/// Reads `text` (see the module documentation for the dialect).
pub fn rows(text: &str) -> CsvRows<'_> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .quoting(false)
        // Only `\n` ends a record (a `\r` before it is trimmed with the
        // cell): the crate's default also splits at a lone `\r`, which would
        // number two records as one line.
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(text.as_bytes());
    CsvRows {
        text: text.as_bytes(),
        reader,
        record: StringRecord::new(),
    }
}

fn blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// Fields before a `#`, and where the `#` cuts the last of them.
fn before_comment(record: &StringRecord) -> (usize, Option<usize>) {
    record
        .iter()
        .enumerate()
        .find_map(|(k, f)| f.find('#').map(|at| (k + 1, Some(at))))
        .unwrap_or((record.len(), None))
}

impl CsvRows<'_> {
    /// The next row that is neither blank nor only a comment.
    pub fn next_row(&mut self) -> Option<Result<Row<'_>, CsvError>> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    return Some(Err(CsvError {
                        line,
                        message: e.to_string(),
                    }));
                }
            }
            let (len, cut) = before_comment(&self.record);
            let skip = len == 1 && blank(&self.record[0][..cut.unwrap_or(self.record[0].len())]);
            if !skip {
                break;
            }
        }
        let (len, cut) = before_comment(&self.record);
        Some(Ok(Row {
            line: self.record_line(),
            record: &self.record,
            len,
            cut,
        }))
    }
}

impl CsvRows<'_> {
    /// The line the current record starts on. The `csv` crate's position is
    /// where it began reading, before the blank lines (and the `\n` of a
    /// `\r\n`) it skipped on the way: step over those.
    fn record_line(&self) -> usize {
        let Some(pos) = self.record.position() else {
            return 0;
        };
        let (mut byte, mut line) = (pos.byte() as usize, pos.line() as usize);
        while let Some(&b) = self.text.get(byte) {
            match b {
                b'\n' => line += 1,
                b'\r' => {}
                _ => break,
            }
            byte += 1;
        }
        line
    }
}

impl<'r> Row<'r> {
    /// Number of cells (fields before a comment).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The cells in order, each trimmed, with its column.
    pub fn cells(&self) -> impl Iterator<Item = Cell<'r>> + 'r {
        let (record, len, cut) = (self.record, self.len, self.cut);
        let mut column = 1;
        (0..len).map(move |k| {
            let raw = &record[k];
            let raw_cut = match cut {
                Some(at) if k + 1 == len => &raw[..at],
                _ => raw,
            };
            let text = raw_cut.trim_matches([' ', '\t', '\r']);
            let lead = raw_cut.len() - raw_cut.trim_start_matches([' ', '\t', '\r']).len();
            let cell = Cell {
                text,
                column: column + raw_cut[..lead].chars().count(),
                field: k + 1,
            };
            column += raw.chars().count() + 1;
            cell
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_carriage_return_is_not_a_line_break() {
        // Found by the matrix_csv fuzz target: `1\r2,3` was read as two
        // records both numbered line 1.
        let mut rows = rows("1\r2,3\n4,5\r\n");
        let first = rows.next_row().unwrap().unwrap();
        assert_eq!(first.line, 1);
        let cells: Vec<String> = first.cells().map(|c| c.text.to_string()).collect();
        assert_eq!(cells, ["1\r2", "3"]);
        let second = rows.next_row().unwrap().unwrap();
        assert_eq!(second.line, 2);
        let cells: Vec<String> = second.cells().map(|c| c.text.to_string()).collect();
        assert_eq!(cells, ["4", "5"]);
    }

    /// (line, [(text, column)]) of every row.
    fn table(text: &str) -> Vec<(usize, Vec<(String, usize)>)> {
        let mut out = Vec::new();
        let mut rows = rows(text);
        while let Some(row) = rows.next_row() {
            let row = row.unwrap();
            let cells = row
                .cells()
                .map(|c| (c.text.to_string(), c.column))
                .collect();
            out.push((row.line, cells));
        }
        out
    }

    fn cells(v: &[(&str, usize)]) -> Vec<(String, usize)> {
        v.iter().map(|(t, c)| (t.to_string(), *c)).collect()
    }

    #[test]
    fn rows_cells_lines_and_columns() {
        let text = "# header\n1, 2 ,3\n\n   \n  # indented comment\n4,x  , 6 # trailing\r\n7,8,\n";
        assert_eq!(
            table(text),
            vec![
                (2, cells(&[("1", 1), ("2", 4), ("3", 7)])),
                (6, cells(&[("4", 1), ("x", 3), ("6", 8)])),
                (7, cells(&[("7", 1), ("8", 3), ("", 5)])),
            ]
        );
    }

    #[test]
    fn a_comment_ends_the_row_and_quotes_are_plain_text() {
        assert_eq!(
            table("1 # a, b\n\"2\",3"),
            vec![
                (1, cells(&[("1", 1)])),
                (2, cells(&[("\"2\"", 1), ("3", 5)])),
            ]
        );
    }

    #[test]
    fn columns_count_characters_and_a_bom_is_skipped() {
        assert_eq!(
            table("\u{feff}é,x\n"),
            vec![(1, cells(&[("é", 1), ("x", 3)]))]
        );
        assert!(table("").is_empty());
        assert!(table("\n\n# only comments\n").is_empty());
        let mut r = rows("a,b");
        let row = r.next_row().unwrap().unwrap();
        assert_eq!((row.len(), row.is_empty()), (2, false));
        assert_eq!(row.cells().map(|c| c.field).collect::<Vec<_>>(), [1, 2]);
    }
}

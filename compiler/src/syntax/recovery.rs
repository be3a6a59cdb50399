//! Error recovery: after a failed statement or declaration, skip to a point
//! where parsing can resume, so every independent error gets reported.

/// How far to skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Inside a block: stop after `;` or a newline outside brackets, or
    /// before the `}` that closes the enclosing block.
    Statement,
    /// At top level: like `Statement`, but a stray `}` is skipped too.
    Declaration,
}

/// Returns the byte offset (relative to `text`) where parsing resumes.
/// `text` starts where the failed construct started; `error_at` is the
/// relative offset of the error. Always makes progress when `text` is not empty.
pub fn resume_point(text: &str, error_at: usize, level: Level) -> usize {
    let b = text.as_bytes();
    let mut brackets = 0usize;
    let mut braces = 0usize;
    let mut k = 0;
    while k < b.len() {
        match b[k] {
            b'"' => {
                // Skip the string, up to its end or the end of the line.
                k += 1;
                while k < b.len() && b[k] != b'"' && b[k] != b'\n' {
                    k += if b[k] == b'\\' { 2 } else { 1 };
                }
                if k < b.len() && b[k] == b'"' {
                    k += 1;
                }
                continue;
            }
            b'/' if b.get(k + 1) == Some(&b'/') => {
                while k < b.len() && b[k] != b'\n' {
                    k += 1;
                }
                continue;
            }
            b'[' | b'(' => brackets += 1,
            b']' | b')' => brackets = brackets.saturating_sub(1),
            b'{' => braces += 1,
            b'}' => {
                if braces == 0 {
                    if level == Level::Statement && k > 0 {
                        return k;
                    }
                    return k + 1;
                }
                braces -= 1;
                if braces == 0 && k >= error_at {
                    return k + 1;
                }
            }
            b';' | b'\n' if braces == 0 && (brackets == 0 || b[k] == b';') && k >= error_at => {
                return k + 1;
            }
            _ => {}
        }
        k += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_stops_at_newline_or_brace() {
        assert_eq!(resume_point("a = = 3\nb = 4", 4, Level::Statement), 8);
        assert_eq!(resume_point("a = [1,\n 2 x]\nb", 11, Level::Statement), 14);
        assert_eq!(resume_point("a = 3 }", 6, Level::Statement), 6);
        assert_eq!(resume_point("onx { x }\nb", 4, Level::Statement), 9);
    }

    #[test]
    fn declaration_skips_block_and_stray_brace() {
        assert_eq!(
            resume_point("devise r {\n a = 1\n}\nlinear", 0, Level::Declaration),
            19
        );
        assert_eq!(resume_point("}", 0, Level::Declaration), 1);
        assert_eq!(resume_point("\"}\" x\ny", 0, Level::Declaration), 6);
    }
}

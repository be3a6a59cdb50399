//! The one grammar of number literals, real and complex, shared by the
//! language's lexer (`optc::syntax::lexer`) and the cells of `.csv` matrix
//! files (`matrix_file`). spec/language.md §1 documents it:
//!
//! ```text
//! number = real [ unit ]                              2, -0.5, 1e-3, 2i, -2e-3j
//!        | real ws* sign ws* [ ureal ] unit           0.5-0.5i, 1 + 2j, 1-i
//!        | sign unit                                  -i, +j
//! real   = [ sign ] ureal
//! ureal  = digits [ "." digits ] [ ( "e" | "E" ) [ sign ] digits ]
//! sign   = "+" | "-"
//! unit   = "i" | "j"      not followed by a letter, digit or `_`
//! ws     = " " | "\t"
//! ```
//!
//! A bare `i` is a word, not a number; `inf` and `nan` are not numbers; a
//! part whose magnitude overflows f64 (`1e999`) is an error. A missing
//! coefficient of the unit is 1. The scan is the longest prefix that is a
//! number: `1 - 2` is the number `1` followed by ` - 2`, `2in` is `2`
//! followed by `in`.
//!
//! The value is computed here rather than by `num_complex`'s `FromStr`:
//! that parser turns `5-0i` into 5+0i (it subtracts, so −0 is lost and the
//! exact CSV round trip with it), accepts forms the language cannot have
//! (`inf`, a bare `i`, the imaginary part first) and does not say where a
//! literal ends, which the lexer needs.

use num_complex::Complex64;

/// A number literal at the start of a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberLiteral {
    /// Its length in bytes.
    pub len: usize,
    pub value: Complex64,
    /// Written as a real integer: no `.`, exponent or imaginary part.
    pub is_integer: bool,
    /// The integer's value, when it is one and fits an i128.
    pub int: Option<i128>,
}

/// Why no number could be read at the start of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// No number starts there.
    NotANumber,
    /// The part at bytes `start..end` has a magnitude beyond f64.
    TooLarge { start: usize, end: usize },
}

/// The length of an unsigned decimal literal at the start of `s`
/// (`digits [. digits] [(e|E) [+|-] digits]`), and whether it is an integer.
fn scan_unsigned(s: &str) -> Option<(usize, bool)> {
    let b = s.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut n = digits(0);
    if n == 0 {
        return None;
    }
    let mut integer = true;
    if b.get(n) == Some(&b'.') && b.get(n + 1).is_some_and(|c| c.is_ascii_digit()) {
        n += 1 + digits(n + 1);
        integer = false;
    }
    if matches!(b.get(n), Some(b'e' | b'E')) {
        let mut m = n + 1;
        if matches!(b.get(m), Some(b'+' | b'-')) {
            m += 1;
        }
        let d = digits(m);
        if d > 0 {
            n = m + d;
            integer = false;
        }
    }
    Some((n, integer))
}

/// Whether `s` starts with an imaginary unit that ends the word.
fn unit_at(s: &str) -> bool {
    s.starts_with(['i', 'j'])
        && !s[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn sign_at(s: &str) -> Option<f64> {
    match s.as_bytes().first() {
        Some(b'+') => Some(1.0),
        Some(b'-') => Some(-1.0),
        _ => None,
    }
}

fn spaces(s: &str, from: usize) -> usize {
    from + s[from..]
        .bytes()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count()
}

/// The f64 of the literal text `s[start..end]` (checked by the scanner).
fn value(s: &str, start: usize, end: usize) -> Result<f64, NumberError> {
    let v: f64 = s[start..end].parse().unwrap_or(f64::INFINITY);
    if v.is_finite() {
        Ok(v)
    } else {
        Err(NumberError::TooLarge { start, end })
    }
}

/// Reads the number literal at the start of `s` (the grammar above).
pub fn scan_number(s: &str) -> Result<NumberLiteral, NumberError> {
    let sign_len = usize::from(sign_at(s).is_some());
    let Some((len, integer)) = scan_unsigned(&s[sign_len..]) else {
        // `-i`, `+j`: a signed unit alone.
        return match sign_at(s) {
            Some(sign) if unit_at(&s[1..]) => Ok(NumberLiteral {
                len: 2,
                value: Complex64::new(0.0, sign),
                is_integer: false,
                int: None,
            }),
            _ => Err(NumberError::NotANumber),
        };
    };
    let end = sign_len + len;
    if unit_at(&s[end..]) {
        return Ok(NumberLiteral {
            len: end + 1,
            value: Complex64::new(0.0, value(s, 0, end)?),
            is_integer: false,
            int: None,
        });
    }
    // A `± [ureal] unit` tail; without the unit it is not part of the number.
    let at_sign = spaces(s, end);
    if let Some(sign) = sign_at(&s[at_sign..]) {
        let im_start = spaces(s, at_sign + 1);
        let im_len = scan_unsigned(&s[im_start..]).map_or(0, |(n, _)| n);
        let im_end = im_start + im_len;
        if unit_at(&s[im_end..]) {
            let re = value(s, 0, end)?;
            let im = if im_len == 0 {
                1.0
            } else {
                value(s, im_start, im_end)?
            };
            return Ok(NumberLiteral {
                len: im_end + 1,
                // Negation, not subtraction: `5-0i` keeps its −0.
                value: Complex64::new(re, if sign < 0.0 { -im } else { im }),
                is_integer: false,
                int: None,
            });
        }
    }
    Ok(NumberLiteral {
        len: end,
        value: Complex64::new(value(s, 0, end)?, 0.0),
        is_integer: integer,
        int: if integer { s[..end].parse().ok() } else { None },
    })
}

/// Parses a whole text as one number literal (nothing before or after).
pub fn parse_number(s: &str) -> Result<Complex64, NumberError> {
    let lit = scan_number(s)?;
    if lit.len == s.len() {
        Ok(lit.value)
    } else {
        Err(NumberError::NotANumber)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(re: f64, im: f64) -> Result<Complex64, NumberError> {
        Ok(Complex64::new(re, im))
    }

    #[test]
    fn accepted_forms() {
        assert_eq!(parse_number("2"), c(2.0, 0.0));
        assert_eq!(parse_number("+2.5e-3"), c(2.5e-3, 0.0));
        assert_eq!(parse_number("1E+2"), c(100.0, 0.0));
        assert_eq!(parse_number("2i"), c(0.0, 2.0));
        assert_eq!(parse_number("-2e-3j"), c(0.0, -2e-3));
        assert_eq!(parse_number("0.5-0.5i"), c(0.5, -0.5));
        assert_eq!(parse_number("1 + 2j"), c(1.0, 2.0));
        assert_eq!(parse_number("1\t-\t2i"), c(1.0, -2.0));
        assert_eq!(parse_number("1-i"), c(1.0, -1.0));
        assert_eq!(parse_number("1e-3+2e+2j"), c(1e-3, 200.0));
        assert_eq!(parse_number("-i"), c(0.0, -1.0));
        assert_eq!(parse_number("+j"), c(0.0, 1.0));
    }

    #[test]
    fn signed_zeros_survive() {
        let z = parse_number("-0-0i").unwrap();
        assert!(z.re.is_sign_negative() && z.im.is_sign_negative());
        let z = parse_number("5-0i").unwrap();
        assert!(z.im == 0.0 && z.im.is_sign_negative());
        let z = parse_number("-0i").unwrap();
        assert!(z.re.is_sign_positive() && z.im.is_sign_negative());
    }

    #[test]
    fn rejected_forms() {
        for bad in [
            "", "i", "j", "x", "1+", "nan", "inf", "-inf", "1..2", "i i", ".5", "1.", "1 2i",
            "2i+1", "1+-2i", "1++2i", "2 i", "2in", "--1", "(1)", " 1", "1 ",
        ] {
            assert_eq!(parse_number(bad), Err(NumberError::NotANumber), "{bad:?}");
        }
    }

    #[test]
    fn the_scan_stops_where_the_number_does() {
        let len = |s| scan_number(s).map(|l| l.len);
        assert_eq!(len("1 - 2"), Ok(1));
        assert_eq!(len("1 - 2i rad"), Ok(6));
        assert_eq!(len("2in"), Ok(1));
        assert_eq!(len("0.2 dB"), Ok(3));
        assert_eq!(len("3,4"), Ok(1));
        assert_eq!(len("1.e5"), Ok(1));
        let lit = scan_number("-12").unwrap();
        assert_eq!((lit.is_integer, lit.int), (true, Some(-12)));
        let lit = scan_number("12.0").unwrap();
        assert_eq!((lit.is_integer, lit.int), (false, None));
        let huge = "9".repeat(50);
        let lit = scan_number(&huge).unwrap();
        assert_eq!((lit.is_integer, lit.int), (true, None));
    }

    #[test]
    fn overflow_names_the_part() {
        assert_eq!(
            scan_number("-1e999"),
            Err(NumberError::TooLarge { start: 0, end: 6 })
        );
        assert_eq!(
            scan_number("1 + 1e999i"),
            Err(NumberError::TooLarge { start: 4, end: 9 })
        );
        // Not part of the number, so not an error of it.
        assert_eq!(scan_number("1 + 1e999").map(|l| l.len), Ok(1));
    }
}

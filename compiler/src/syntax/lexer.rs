//! Token-level nom combinators: whitespace and comments, identifiers, numbers
//! (real and complex), strings, punctuation; and the parser's input and error
//! types.

use super::ast::{Ident, Number};
use super::span::Span;
use crate::diagnostics::Diagnostic;
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, InputTake};
use nom_locate::LocatedSpan;
use optc_formats::number::{scan_number, NumberError};
use std::cell::RefCell;

/// Parser input: the remaining text, its offset, and the sink that collects
/// diagnostics from statement-level recovery.
pub type In<'a> = LocatedSpan<&'a str, &'a RefCell<Vec<Diagnostic>>>;
pub type PResult<'a, T> = IResult<In<'a>, T, PError>;

/// A parse failure at a byte offset: what was expected there, or a message.
#[derive(Debug, Clone, PartialEq)]
pub struct PError {
    pub pos: usize,
    pub expected: Vec<&'static str>,
    /// A specific message replacing "expected ..." (with its own span).
    pub message: Option<(String, Span, Option<String>)>,
}

impl PError {
    pub fn at(input: &In, expected: &'static str) -> Self {
        PError {
            pos: input.location_offset(),
            expected: vec![expected],
            message: None,
        }
    }

    pub fn message(span: Span, msg: impl Into<String>, help: Option<String>) -> Self {
        PError {
            pos: span.start,
            expected: Vec::new(),
            message: Some((msg.into(), span, help)),
        }
    }

    /// Converts into a diagnostic. `text` is the source from byte offset
    /// `base` on (the error lies inside it); it names what was found there.
    pub fn into_diagnostic(self, text: &str, base: usize) -> Diagnostic {
        if let Some((msg, span, help)) = self.message {
            let d = Diagnostic::error(msg, span);
            return match help {
                Some(h) => d.with_help(h),
                None => d,
            };
        }
        let rel = self.pos.saturating_sub(base).min(text.len());
        let rel = (0..=rel)
            .rev()
            .find(|&k| text.is_char_boundary(k))
            .unwrap_or(0);
        let pos = base + rel;
        let found = describe_at(&text[rel..]);
        let span = Span::new(pos, pos + found.1);
        let mut expected = self.expected.clone();
        expected.sort_unstable();
        expected.dedup();
        let what = match expected.as_slice() {
            [] => "something else".to_string(),
            [one] => one.to_string(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        };
        Diagnostic::error(format!("expected {what}, found {}", found.0), span)
            .with_label(format!("expected {what}"))
    }
}

/// A short description of the token at `pos` and its byte length.
fn describe_at(rest: &str) -> (String, usize) {
    let Some(c) = rest.chars().next() else {
        return ("end of file".into(), 0);
    };
    if c == '\n' {
        return ("end of line".into(), 0);
    }
    if c.is_ascii_alphanumeric() || c == '_' {
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        let word = &rest[..len];
        let shown: String = word.chars().take(40).collect();
        return (format!("`{shown}`"), len);
    }
    if c.is_control() {
        return (
            format!("control character U+{:04X}", c as u32),
            c.len_utf8(),
        );
    }
    (format!("`{c}`"), c.len_utf8())
}

impl<'a> ParseError<In<'a>> for PError {
    fn from_error_kind(input: In<'a>, _kind: ErrorKind) -> Self {
        PError {
            pos: input.location_offset(),
            expected: Vec::new(),
            message: None,
        }
    }

    fn append(_input: In<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    /// Keep the alternative that got furthest; merge what was expected on ties.
    fn or(mut self, other: Self) -> Self {
        if other.message.is_some() && self.message.is_none() && other.pos >= self.pos {
            return other;
        }
        match self.pos.cmp(&other.pos) {
            std::cmp::Ordering::Less => other,
            std::cmp::Ordering::Greater => self,
            std::cmp::Ordering::Equal => {
                self.expected.extend(other.expected);
                self
            }
        }
    }
}

pub fn offset(i: &In) -> usize {
    i.location_offset()
}

pub fn span_between(start: &In, end: &In) -> Span {
    Span::new(start.location_offset(), end.location_offset())
}

fn err<T>(input: &In, expected: &'static str) -> PResult<'static, T> {
    Err(nom::Err::Error(PError::at(input, expected)))
}

/// Runs `p`; if it fails without consuming input, says `label` was expected.
pub fn expect<'a, T>(
    label: &'static str,
    mut p: impl FnMut(In<'a>) -> PResult<'a, T>,
) -> impl FnMut(In<'a>) -> PResult<'a, T> {
    move |i: In<'a>| match p(i) {
        Err(nom::Err::Error(e)) if e.pos <= i.location_offset() && e.message.is_none() => {
            Err(nom::Err::Error(PError::at(&i, label)))
        }
        other => other,
    }
}

/// Skips spaces, tabs, carriage returns and `//` comments, not newlines.
pub fn hws(i: In) -> PResult<()> {
    let s = *i.fragment();
    let mut n = 0;
    let b = s.as_bytes();
    while n < b.len() {
        match b[n] {
            b' ' | b'\t' | b'\r' => n += 1,
            b'/' if b.get(n + 1) == Some(&b'/') => {
                n += s[n..].find('\n').unwrap_or(s.len() - n);
            }
            _ => break,
        }
    }
    let (rest, _) = i.take_split(n);
    Ok((rest, ()))
}

/// Skips all whitespace (including newlines) and comments.
pub fn ws(i: In) -> PResult<()> {
    let mut i = i;
    loop {
        let (r, ()) = hws(i)?;
        i = r;
        if i.fragment().starts_with('\n') {
            i = i.take_split(1).0;
        } else {
            return Ok((i, ()));
        }
    }
}

/// Skips whitespace, comments and `;` separators between statements.
pub fn separators(i: In) -> PResult<()> {
    let mut i = i;
    loop {
        let (r, ()) = ws(i)?;
        i = r;
        if i.fragment().starts_with(';') {
            i = i.take_split(1).0;
        } else {
            return Ok((i, ()));
        }
    }
}

/// The end of a statement: `;`, a newline, or (not consumed) `}` / end of file.
pub fn end_of_statement(i: In) -> PResult<()> {
    let (i, ()) = hws(i)?;
    let s = *i.fragment();
    if s.starts_with(';') || s.starts_with('\n') {
        Ok((i.take_split(1).0, ()))
    } else if s.is_empty() || s.starts_with('}') {
        Ok((i, ()))
    } else {
        err(&i, "`;` or a new line")
    }
}

/// Whether `i` starts with `c` (after nothing skipped).
pub fn peek_char(i: &In, c: char) -> bool {
    i.fragment().starts_with(c)
}

/// One punctuation character.
pub fn sym<'a>(c: char, label: &'static str) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    move |i: In<'a>| {
        if i.fragment().starts_with(c) {
            let start = offset(&i);
            let (rest, _) = i.take_split(c.len_utf8());
            Ok((rest, Span::new(start, start + c.len_utf8())))
        } else {
            err(&i, label)
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`
pub fn ident(i: In) -> PResult<Ident> {
    let s = *i.fragment();
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return err(&i, "a name"),
    }
    let len = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    let start = offset(&i);
    let (rest, word) = i.take_split(len);
    Ok((
        rest,
        Ident {
            name: word.fragment().to_string(),
            span: Span::new(start, start + len),
        },
    ))
}

/// A specific keyword (a whole word).
pub fn keyword<'a>(
    kw: &'static str,
    label: &'static str,
) -> impl FnMut(In<'a>) -> PResult<'a, Span> {
    move |i: In<'a>| match ident(i) {
        Ok((rest, id)) if id.name == kw => Ok((rest, id.span)),
        _ => err(&i, label),
    }
}

/// A number literal: real (`-2.5e-3`), imaginary (`0.5i`, `-i`) or complex
/// (`0.5-0.5i`, spaces allowed around the sign). The grammar is
/// `optc_formats::number`'s, the one matrix files' cells use too.
pub fn number(i: In) -> PResult<Number> {
    let start = offset(&i);
    match scan_number(i.fragment()) {
        Ok(lit) => {
            let (rest, _) = i.take_split(lit.len);
            Ok((
                rest,
                Number {
                    re: lit.value.re,
                    im: lit.value.im,
                    int: lit.int,
                    is_integer: lit.is_integer,
                    span: Span::new(start, start + lit.len),
                },
            ))
        }
        Err(NumberError::NotANumber) => err(&i, "a number"),
        Err(NumberError::TooLarge { start: a, end: b }) => Err(nom::Err::Failure(PError::message(
            Span::new(start + a, start + b),
            "number is too large",
            Some(format!("numbers must be below {:e} in magnitude", f64::MAX)),
        ))),
    }
}

/// A double-quoted string on one line; `\"`, `\\`, `\n`, `\t` escapes.
pub fn string(i: In) -> PResult<(String, Span)> {
    let s = *i.fragment();
    if !s.starts_with('"') {
        return err(&i, "a string");
    }
    let start = offset(&i);
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => {
                let (rest, _) = i.take_split(k + 1);
                return Ok((rest, (out, Span::new(start, start + k + 1))));
            }
            '\n' => break,
            '\\' => match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((j, other)) => {
                    return Err(nom::Err::Failure(PError::message(
                        Span::new(start + j - 1, start + j + other.len_utf8()),
                        format!("unknown escape `\\{other}` in string"),
                        Some("the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`".into()),
                    )))
                }
                None => break,
            },
            c => out.push(c),
        }
    }
    Err(nom::Err::Failure(PError::message(
        Span::new(start, start + 1),
        "unterminated string",
        Some("close the string with `\"` on the same line".into()),
    )))
}

//! Values: numbers with units, words, strings, calls and matrix literals.
//!
//! The grammar is deliberately flat (call arguments are scalars, a matrix is
//! rows of numbers), so no input can nest deeply enough to exhaust the stack.

use super::ast::{Arg, Number, Row, Value, ValueKind};
use super::lexer::{expect, hws, ident, number, offset, string, sym, ws, In, PResult};
use super::span::Span;
use nom::InputTake;

/// Any value on the right of `key =`, or after a layer clause keyword.
pub fn value(i: In) -> PResult<Value> {
    let s = *i.fragment();
    if s.starts_with('[') {
        matrix(i)
    } else if s.starts_with('"') {
        let (rest, (text, span)) = string(i)?;
        Ok((
            rest,
            Value {
                kind: ValueKind::Str(text),
                span,
            },
        ))
    } else if s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+') {
        number_with_unit(i)
    } else {
        expect("a value", call_or_word)(i)
    }
}

/// A number, then optionally a unit word on the same line (`0.2 rad`, `2 %`).
fn number_with_unit(i: In) -> PResult<Value> {
    let (rest, num) = number(i)?;
    let (after_ws, ()) = hws(rest)?;
    let unit_start = *after_ws.fragment();
    if unit_start.starts_with('%') {
        let start = offset(&after_ws);
        let (rest, _) = after_ws.take_split(1);
        let unit = super::ast::Ident {
            name: "%".into(),
            span: Span::new(start, start + 1),
        };
        let span = num.span.to(unit.span);
        return Ok((
            rest,
            Value {
                kind: ValueKind::Number {
                    number: num,
                    unit: Some(unit),
                },
                span,
            },
        ));
    }
    if unit_start.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        let (after_unit, unit) = ident(after_ws)?;
        // `servers = 4 bits = 4`: the word starts the next setting, not a unit.
        let (after, ()) = hws(after_unit)?;
        if after.fragment().starts_with('=') {
            let span = num.span;
            return Ok((
                rest,
                Value {
                    kind: ValueKind::Number {
                        number: num,
                        unit: None,
                    },
                    span,
                },
            ));
        }
        let rest = after_unit;
        let span = num.span.to(unit.span);
        return Ok((
            rest,
            Value {
                kind: ValueKind::Number {
                    number: num,
                    unit: Some(unit),
                },
                span,
            },
        ));
    }
    let span = num.span;
    Ok((
        rest,
        Value {
            kind: ValueKind::Number {
                number: num,
                unit: None,
            },
            span,
        },
    ))
}

/// `word` or `word(arg, name = arg, ...)`.
fn call_or_word(i: In) -> PResult<Value> {
    let (rest, name) = ident(i)?;
    let (after, ()) = hws(rest)?;
    if !after.fragment().starts_with('(') {
        let span = name.span;
        return Ok((
            rest,
            Value {
                kind: ValueKind::Word(name.name),
                span,
            },
        ));
    }
    let (mut i, _) = sym('(', "`(`")(after)?;
    let mut args = Vec::new();
    loop {
        let (r, ()) = ws(i)?;
        i = r;
        if let Ok((r, close)) = sym(')', "`)`")(i) {
            let span = name.span.to(close);
            return Ok((
                r,
                Value {
                    kind: ValueKind::Call { name, args },
                    span,
                },
            ));
        }
        let (r, a) = arg(i)?;
        args.push(a);
        let (r, ()) = ws(r)?;
        i = r;
        if let Ok((r, close)) = sym(')', "`)`")(i) {
            let span = name.span.to(close);
            return Ok((
                r,
                Value {
                    kind: ValueKind::Call { name, args },
                    span,
                },
            ));
        }
        let (r, _) = expect("`,` or `)`", sym(',', "`,`"))(i)?;
        i = r;
    }
}

/// A call argument: `[name =] scalar`.
fn arg(i: In) -> PResult<Arg> {
    if let Ok((rest, name)) = ident(i) {
        let (after, ()) = ws(rest)?;
        if after.fragment().starts_with('=') {
            let (after, _) = sym('=', "`=`")(after)?;
            let (after, ()) = ws(after)?;
            let (rest, value) = scalar(after)?;
            return Ok((
                rest,
                Arg {
                    name: Some(name),
                    value,
                },
            ));
        }
    }
    let (rest, value) = scalar(i)?;
    Ok((rest, Arg { name: None, value }))
}

/// A number (with unit), a word or a string: what a call argument may be.
fn scalar(i: In) -> PResult<Value> {
    let s = *i.fragment();
    if s.starts_with('"') {
        let (rest, (text, span)) = string(i)?;
        Ok((
            rest,
            Value {
                kind: ValueKind::Str(text),
                span,
            },
        ))
    } else if s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+') {
        number_with_unit(i)
    } else {
        let (rest, w) = expect("a number, a name or a string", ident)(i)?;
        let span = w.span;
        Ok((
            rest,
            Value {
                kind: ValueKind::Word(w.name),
                span,
            },
        ))
    }
}

/// `[[a, b], [c, d]]` with newlines allowed inside the brackets; a flat
/// `[a, b, c]` is one row (a list, as `cascade = [4, 4]` writes it).
fn matrix(i: In) -> PResult<Value> {
    let start = i;
    let (mut i, open) = sym('[', "`[`")(i)?;
    if let Ok((r, ())) = ws(i) {
        if sym('[', "`[`")(r).is_err() && sym(']', "`]`")(r).is_err() {
            let (r, row) = row(start)?;
            let span = row.span;
            return Ok((
                r,
                Value {
                    kind: ValueKind::Matrix(vec![row]),
                    span,
                },
            ));
        }
    }
    let mut rows = Vec::new();
    loop {
        let (r, ()) = ws(i)?;
        i = r;
        if let Ok((r, close)) = sym(']', "`]`")(i) {
            let span = open.to(close);
            return Ok((
                r,
                Value {
                    kind: ValueKind::Matrix(rows),
                    span,
                },
            ));
        }
        let (r, row) = expect(
            "`[` starting a matrix row (write rows: `[[a, b], [c, d]]`)",
            row,
        )(i)?;
        rows.push(row);
        let (r, ()) = ws(r)?;
        i = r;
        if let Ok((r, close)) = sym(']', "`]`")(i) {
            let span = open.to(close);
            return Ok((
                r,
                Value {
                    kind: ValueKind::Matrix(rows),
                    span,
                },
            ));
        }
        let (r, _) = expect("`,` or `]`", sym(',', "`,`"))(i)?;
        i = r;
    }
}

fn row(i: In) -> PResult<Row> {
    let (mut i, open) = sym('[', "`[`")(i)?;
    let mut entries: Vec<Number> = Vec::new();
    loop {
        let (r, ()) = ws(i)?;
        i = r;
        if let Ok((r, close)) = sym(']', "`]`")(i) {
            return Ok((
                r,
                Row {
                    entries,
                    span: open.to(close),
                },
            ));
        }
        let (r, n) = expect("a number", number)(i)?;
        entries.push(n);
        let (r, ()) = ws(r)?;
        i = r;
        if let Ok((r, close)) = sym(']', "`]`")(i) {
            return Ok((
                r,
                Row {
                    entries,
                    span: open.to(close),
                },
            ));
        }
        let (r, _) = expect("`,` or `]`", sym(',', "`,`"))(i)?;
        i = r;
    }
}

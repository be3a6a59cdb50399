//! Reading typed values out of AST values: integers and reals in range,
//! quantities with units, words from a fixed set, booleans.

use super::names::closest;
use super::units::{convert, Quantity};
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{Value, ValueKind};

/// A short description of a value's form, for "expected X, found Y".
pub fn describe(v: &Value) -> &'static str {
    match &v.kind {
        ValueKind::Number { number, .. } if number.im != 0.0 => "a complex number",
        ValueKind::Number { .. } => "a number",
        ValueKind::Word(_) => "a name",
        ValueKind::Str(_) => "a string",
        ValueKind::Call { .. } => "a call",
        ValueKind::Matrix(_) => "a matrix",
    }
}

fn wrong_form(key: &str, expected: &str, v: &Value, diags: &mut Vec<Diagnostic>) {
    diags.push(
        Diagnostic::error(
            format!("`{key}` expects {expected}, found {}", describe(v)),
            v.span,
        )
        .with_label(format!("expected {expected}")),
    );
}

/// An integer in `lo..=hi`, without a unit.
pub fn int_in(
    key: &str,
    v: &Value,
    lo: i128,
    hi: i128,
    diags: &mut Vec<Diagnostic>,
) -> Option<i128> {
    let ValueKind::Number { number, unit } = &v.kind else {
        wrong_form(key, "an integer", v, diags);
        return None;
    };
    if number.im != 0.0 || !number.is_integer {
        wrong_form(key, "an integer", v, diags);
        return None;
    }
    if let Some(u) = unit {
        diags.push(
            Diagnostic::error(format!("`{key}` takes no unit"), u.span)
                .with_label("unexpected unit")
                .with_help(format!("write `{key} = {}`", number.int.unwrap_or(0))),
        );
        return None;
    }
    match number.int {
        Some(n) if (lo..=hi).contains(&n) => Some(n),
        _ => {
            diags.push(
                Diagnostic::error(format!("`{key}` is out of range"), v.span)
                    .with_label(format!("must be between {lo} and {hi}"))
                    .with_help(format!("`{key}` must be an integer in {lo}..={hi}")),
            );
            None
        }
    }
}

/// Bounds of a real range, with whether each end is included.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub lo: f64,
    pub lo_incl: bool,
    pub hi: f64,
    pub hi_incl: bool,
}

impl Range {
    pub const fn closed(lo: f64, hi: f64) -> Self {
        Range {
            lo,
            lo_incl: true,
            hi,
            hi_incl: true,
        }
    }
    pub const fn half_open(lo: f64, hi: f64) -> Self {
        Range {
            lo,
            lo_incl: true,
            hi,
            hi_incl: false,
        }
    }
    pub const fn open_closed(lo: f64, hi: f64) -> Self {
        Range {
            lo,
            lo_incl: false,
            hi,
            hi_incl: true,
        }
    }
    pub fn contains(&self, x: f64) -> bool {
        let above = if self.lo_incl {
            x >= self.lo
        } else {
            x > self.lo
        };
        let below = if self.hi_incl {
            x <= self.hi
        } else {
            x < self.hi
        };
        above && below
    }
    pub fn describe(&self) -> String {
        format!(
            "{}{}, {}{}",
            if self.lo_incl { "[" } else { "(" },
            self.lo,
            self.hi,
            if self.hi_incl { "]" } else { ")" }
        )
    }
}

/// A real quantity converted to its canonical unit and checked against `range`
/// (expressed in the canonical unit).
pub fn real_in(
    key: &str,
    v: &Value,
    q: Quantity,
    range: Range,
    diags: &mut Vec<Diagnostic>,
) -> Option<f64> {
    let ValueKind::Number { number, unit } = &v.kind else {
        wrong_form(key, "a number", v, diags);
        return None;
    };
    if number.im != 0.0 {
        wrong_form(key, "a real number", v, diags);
        return None;
    }
    let x = convert(key, number.re, unit.as_ref(), v.span, q, diags)?;
    if !range.contains(x) {
        let unit = match q {
            Quantity::Plain => "",
            Quantity::Decibels => " dB",
            Quantity::Angle => " rad",
        };
        diags.push(
            Diagnostic::error(format!("`{key}` is out of range"), v.span)
                .with_label(format!("must lie in {}{unit}", range.describe()))
                .with_help(format!(
                    "`{key}` = {x}{unit} is outside {}{unit}",
                    range.describe()
                )),
        );
        return None;
    }
    Some(x)
}

/// One of a fixed set of words.
pub fn word_of<'c>(
    key: &str,
    v: &Value,
    choices: &[&'c str],
    diags: &mut Vec<Diagnostic>,
) -> Option<&'c str> {
    let ValueKind::Word(w) = &v.kind else {
        let list = choices.join("`, `");
        wrong_form(key, &format!("one of `{list}`"), v, diags);
        return None;
    };
    if let Some(c) = choices.iter().find(|c| **c == w) {
        return Some(c);
    }
    unknown_choice(key, w, v, choices, diags);
    None
}

pub fn unknown_choice(
    key: &str,
    w: &str,
    v: &Value,
    choices: &[&str],
    diags: &mut Vec<Diagnostic>,
) {
    let mut d = Diagnostic::error(format!("unknown {key} `{w}`"), v.span)
        .with_label(format!("expected one of `{}`", choices.join("`, `")));
    if let Some(c) = closest(w, choices) {
        d = d.with_help(format!("did you mean `{c}`?"));
    }
    diags.push(d);
}

pub fn boolean(key: &str, v: &Value, diags: &mut Vec<Diagnostic>) -> Option<bool> {
    word_of(key, v, &["true", "false", "on", "off"], diags).map(|w| w == "true" || w == "on")
}

/// The name and the value kind of a word-or-call (`svd`, `segmented(4)`).
pub fn head(v: &Value) -> Option<(&str, &[crate::syntax::ast::Arg])> {
    match &v.kind {
        ValueKind::Word(w) => Some((w.as_str(), &[])),
        ValueKind::Call { name, args } => Some((name.name.as_str(), args.as_slice())),
        _ => None,
    }
}

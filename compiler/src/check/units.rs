//! Physical units written in the source and their conversion to the
//! canonical unit of each quantity.

use super::names::closest;
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::Ident;
use std::f64::consts::PI;

/// What kind of quantity a setting holds, which decides the allowed units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// A pure number; `%` is allowed and divides by 100.
    Plain,
    /// Optical power ratio in decibels: `dB` required.
    Decibels,
    /// An angle: `rad`, `mrad` or `deg` required; converted to radians.
    Angle,
}

impl Quantity {
    pub fn units(self) -> &'static [&'static str] {
        match self {
            Quantity::Plain => &["%"],
            Quantity::Decibels => &["dB"],
            Quantity::Angle => &["rad", "mrad", "deg"],
        }
    }

    fn example(self, value: f64) -> String {
        match self {
            Quantity::Plain => format!("{value}"),
            Quantity::Decibels => format!("{value} dB"),
            Quantity::Angle => format!("{value} rad"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Quantity::Plain => "a plain number",
            Quantity::Decibels => "a loss in dB",
            Quantity::Angle => "an angle",
        }
    }
}

/// Converts `value` written with `unit` to the quantity's canonical unit
/// (plain, dB, radians). Reports a missing, unknown or mismatched unit.
pub fn convert(
    key: &str,
    value: f64,
    unit: Option<&Ident>,
    value_span: crate::syntax::Span,
    q: Quantity,
    diags: &mut Vec<Diagnostic>,
) -> Option<f64> {
    let Some(unit) = unit else {
        if q == Quantity::Plain {
            return Some(value);
        }
        diags.push(
            Diagnostic::error(format!("`{key}` needs a unit"), value_span)
                .with_label(format!("{} without a unit", q.name()))
                .with_help(format!(
                    "write the unit, e.g. `{}` (units: {})",
                    q.example(value),
                    q.units().join(", ")
                )),
        );
        return None;
    };
    let factor = match (q, unit.name.as_str()) {
        (Quantity::Plain, "%") => 0.01,
        (Quantity::Decibels, "dB") => 1.0,
        (Quantity::Angle, "rad") => 1.0,
        (Quantity::Angle, "mrad") => 1e-3,
        (Quantity::Angle, "deg") => PI / 180.0,
        _ => {
            let all = ["%", "dB", "rad", "mrad", "deg"];
            let mut d = if all.contains(&unit.name.as_str()) {
                Diagnostic::error(
                    format!("wrong unit for `{key}`: `{}`", unit.name),
                    unit.span,
                )
                .with_label(format!("`{key}` is {}", q.name()))
            } else {
                Diagnostic::error(format!("unknown unit `{}`", unit.name), unit.span)
                    .with_label("not a unit")
            };
            d = match (q, closest(&unit.name, q.units())) {
                (Quantity::Plain, _) => {
                    d.with_help(format!("`{key}` takes a plain number (or `%`)"))
                }
                (_, Some(c)) if c != unit.name => d.with_help(format!("did you mean `{c}`?")),
                _ => d.with_help(format!("`{key}` takes one of: {}", q.units().join(", "))),
            };
            diags.push(d);
            return None;
        }
    };
    Some(value * factor)
}

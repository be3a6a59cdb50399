//! Weight realizations (`svd`, `unitary_diag`, `segmented(k)`, `unitary`) and
//! mesh styles, shared by ONN layers and linear networks.

use super::values::{describe, head, int_in, unknown_choice, word_of};
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::Value;
use optc_model::mesh::MeshDesign;

/// A realization as written: its name and, for `segmented`, the block size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Unitary,
    Svd,
    UnitaryDiag,
    Segmented(usize),
}

/// Reads a realization among `choices` (a subset of `unitary`, `svd`,
/// `unitary_diag`, `segmented`).
pub fn realization(
    key: &str,
    v: &Value,
    choices: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<Written> {
    let Some((name, args)) = head(v) else {
        diags.push(
            Diagnostic::error(
                format!("`{key}` expects a realization, found {}", describe(v)),
                v.span,
            )
            .with_label(format!("expected one of `{}`", choices.join("`, `"))),
        );
        return None;
    };
    if !choices.contains(&name) {
        unknown_choice(key, name, v, choices, diags);
        return None;
    }
    let takes_arg = name == "segmented";
    let is_call = matches!(v.kind, crate::syntax::ast::ValueKind::Call { .. });
    if takes_arg != is_call || (takes_arg && args.len() != 1) {
        let d = if takes_arg {
            Diagnostic::error("`segmented` needs exactly one block size", v.span)
                .with_label("expected `segmented(k)`")
                .with_help("write e.g. `segmented(4)` for 4×4 blocks")
        } else {
            Diagnostic::error(format!("`{name}` takes no arguments"), v.span)
                .with_label("unexpected arguments")
                .with_help(format!("write `{name}`"))
        };
        diags.push(d);
        return None;
    }
    Some(match name {
        "unitary" => Written::Unitary,
        "svd" => Written::Svd,
        "unitary_diag" => Written::UnitaryDiag,
        _ => {
            let arg = &args[0];
            if let Some(n) = &arg.name {
                diags.push(
                    Diagnostic::error("`segmented` takes the block size without a name", n.span)
                        .with_help("write e.g. `segmented(4)`"),
                );
                return None;
            }
            Written::Segmented(int_in("segmented block size", &arg.value, 1, 1024, diags)? as usize)
        }
    })
}

/// Checks that block size `k` divides every listed dimension.
pub fn check_blocks(
    k: usize,
    dims: &[(&str, usize)],
    v: &Value,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let bad: Vec<String> = dims
        .iter()
        .filter(|(_, d)| d % k != 0)
        .map(|(n, d)| format!("{n} {d}"))
        .collect();
    if bad.is_empty() {
        return true;
    }
    let divisors: Vec<String> = {
        let g = dims.iter().fold(0usize, |g, (_, d)| gcd(g, *d));
        (1..=g)
            .filter(|x| g % x == 0)
            .map(|x| x.to_string())
            .collect()
    };
    diags.push(
        Diagnostic::error(format!("segmented({k}) does not divide the matrix"), v.span)
            .with_label(format!("{k} does not divide {}", bad.join(", ")))
            .with_help(format!(
                "the block size must divide every dimension; here that is one of: {}",
                divisors.join(", ")
            )),
    );
    false
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

pub fn mesh_style(key: &str, v: &Value, diags: &mut Vec<Diagnostic>) -> Option<MeshDesign> {
    word_of(key, v, &optc_model::mesh::MESH_NAMES, diags)
        .map(|w| MeshDesign::parse(w).expect("MESH_NAMES are mesh names"))
}

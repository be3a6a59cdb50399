//! Name suggestions ("did you mean") and the global namespace of declarations.

use crate::diagnostics::Diagnostic;
use crate::syntax::ast::Ident;
use crate::syntax::Span;
use std::collections::BTreeMap;

/// The candidate closest to `word` by edit distance (Levenshtein, ignoring
/// case), if close enough to be a typo.
pub fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let word = word.to_lowercase();
    let len = word.chars().count();
    let limit = (len / 3).max(1);
    candidates
        .iter()
        // The distance is at least the difference in length: skip the
        // computation for a long word (its cost is the product of lengths).
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
        .map(|c| (strsim::levenshtein(&word, &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The built-in device profiles (`DeviceRef::builtin`): the ideal device
/// and the model's `realistic` profile (spec/device.md).
pub const BUILTIN_DEVICES: &[&str] = &["ideal", "realistic"];

/// All top-level names, in one namespace (output files are named after them).
#[derive(Debug, Default)]
pub struct Namespace {
    first: BTreeMap<String, (Span, &'static str)>,
}

impl Namespace {
    /// Registers a declaration name; reports duplicates and the reserved
    /// names of the built-in device profiles.
    /// Returns false when the declaration must be skipped.
    pub fn declare(
        &mut self,
        name: &Ident,
        kind: &'static str,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        if BUILTIN_DEVICES.contains(&name.name.as_str()) {
            diags.push(
                Diagnostic::error(
                    format!(
                        "`{}` is a built-in device profile and cannot be redeclared",
                        name.name
                    ),
                    name.span,
                )
                .with_label("reserved name")
                .with_help(format!(
                    "use `device = {}` as it is, or give your profile another name",
                    name.name
                )),
            );
            return false;
        }
        if let Some((span, first_kind)) = self.first.get(&name.name) {
            diags.push(
                Diagnostic::error(
                    format!("the name `{}` is declared twice", name.name),
                    name.span,
                )
                .with_label(format!("second declaration ({kind})"))
                .with_note(*span, format!("first declared here ({first_kind})"))
                .with_help("every device, reducer and linear network needs its own name"),
            );
            return false;
        }
        self.first.insert(name.name.clone(), (name.span, kind));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(closest("kitten", &["sitting", "mitten"]), Some("mitten"));
        assert_eq!(closest("serverz", &["servers", "bits"]), Some("servers"));
        assert_eq!(closest("xyz", &["servers", "bits"]), None);
        assert_eq!(closest("db", &["dB", "rad"]), Some("dB"));
        // Ties go to the first candidate; a very long word is never close.
        assert_eq!(closest("bitz", &["bits", "bitx"]), Some("bits"));
        assert_eq!(closest(&"s".repeat(100_000), &["servers"]), None);
    }
}

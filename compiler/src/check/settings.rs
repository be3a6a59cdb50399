//! The `key = value` settings of one block: duplicates, unknown keys, and
//! missing required keys are reported here, once, for every block kind.

use super::names::closest;
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{Setting, Value};
use crate::syntax::Span;
use std::collections::BTreeMap;

pub struct SettingTable<'a> {
    what: String,
    block_span: Span,
    /// The block had syntax errors: a missing key may just have failed to parse.
    recovered: bool,
    map: BTreeMap<&'static str, &'a Setting>,
    /// Keys suggested for misspelled settings: not reported missing again.
    suggested: Vec<&'static str>,
}

impl<'a> SettingTable<'a> {
    /// `what` names the block in messages (e.g. "device `realistic`").
    pub fn new(
        what: String,
        block_span: Span,
        settings: &'a [Setting],
        allowed: &[&'static str],
        recovered: bool,
        diags: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut map: BTreeMap<&'static str, &'a Setting> = BTreeMap::new();
        let mut suggested = Vec::new();
        for s in settings {
            let Some(key) = allowed.iter().find(|k| **k == s.key.name) else {
                let mut d = Diagnostic::error(
                    format!("unknown setting `{}` in {what}", s.key.name),
                    s.key.span,
                )
                .with_label("not a setting here");
                d = match closest(&s.key.name, allowed) {
                    Some(c) => {
                        suggested.push(c);
                        d.with_help(format!("did you mean `{c}`?"))
                    }
                    None => d.with_help(format!("the settings are: {}", allowed.join(", "))),
                };
                diags.push(d);
                continue;
            };
            if let Some(first) = map.get(key) {
                diags.push(
                    Diagnostic::error(format!("`{key}` is set twice in {what}"), s.key.span)
                        .with_label("set again here")
                        .with_note(first.key.span, "first set here")
                        .with_help("remove one of the two settings"),
                );
                continue;
            }
            map.insert(key, s);
        }
        SettingTable {
            what,
            block_span,
            recovered,
            map,
            suggested,
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).map(|s| &s.value)
    }

    pub fn setting(&self, key: &str) -> Option<&'a Setting> {
        self.map.get(key).copied()
    }

    /// The value of a required key; reports it missing (unless the block had
    /// syntax errors, where the key may simply not have parsed).
    pub fn required(
        &self,
        key: &str,
        example: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<&'a Value> {
        let v = self.get(key);
        if v.is_none() && !self.recovered && !self.suggested.contains(&key) {
            diags.push(
                Diagnostic::error(
                    format!("{} does not set `{key}`", self.what),
                    self.block_span,
                )
                .with_label(format!("`{key}` missing"))
                .with_help(format!("add `{example}`")),
            );
        }
        v
    }
}

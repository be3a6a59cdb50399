//! Resolving `device = NAME` against the declared profiles and the built-in
//! `ideal` and `realistic`.

use super::names::{closest, BUILTIN_DEVICES};
use super::program::{Device, DeviceRef};
use super::values::describe;
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{Value, ValueKind};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default)]
pub struct DeviceTable {
    valid: BTreeMap<String, Device>,
    /// Declared, but with errors of their own (already reported).
    broken: BTreeSet<String>,
}

impl DeviceTable {
    pub fn add(&mut self, name: &str, device: Option<Device>) {
        match device {
            Some(d) => {
                self.valid.insert(name.to_string(), d);
            }
            None => {
                self.broken.insert(name.to_string());
            }
        }
    }

    /// `None` (no `device =` setting) is the ideal device.
    pub fn resolve(&self, v: Option<&Value>, diags: &mut Vec<Diagnostic>) -> Option<DeviceRef> {
        let Some(v) = v else {
            return Some(DeviceRef::ideal());
        };
        let ValueKind::Word(name) = &v.kind else {
            diags.push(
                Diagnostic::error(
                    format!("`device` expects a device name, found {}", describe(v)),
                    v.span,
                )
                .with_label("expected the name of a `device` declaration"),
            );
            return None;
        };
        if let Some(builtin) = DeviceRef::builtin(name) {
            return Some(builtin);
        }
        if let Some(d) = self.valid.get(name) {
            return Some(DeviceRef {
                name: name.clone(),
                params: d.params,
            });
        }
        if self.broken.contains(name) {
            return None;
        }
        let mut known: Vec<&str> = self
            .valid
            .keys()
            .chain(&self.broken)
            .map(String::as_str)
            .collect();
        known.extend(BUILTIN_DEVICES);
        let mut d = Diagnostic::error(format!("unknown device `{name}`"), v.span)
            .with_label("no device profile with this name");
        d = match closest(name, &known) {
            Some(c) => d.with_help(format!("did you mean `{c}`?")),
            None => d.with_help(format!(
                "declare it with `device {name} {{ ... }}`, or use a built-in profile: `ideal`, `realistic`"
            )),
        };
        diags.push(d);
        None
    }
}

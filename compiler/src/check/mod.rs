//! Semantic checks: from the AST to typed, validated declarations
//! (`program::Program`). Every independent error is reported.

pub mod device;
pub mod devices;
pub mod linear;
pub mod names;
pub mod onn;
pub mod paths;
pub mod program;
pub mod realization;
pub mod reducer;
pub mod settings;
pub mod units;
pub mod values;

use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{Decl, File};
use crate::syntax::Span;
use devices::DeviceTable;
use linear::FileAccess;
use names::Namespace;
use program::Program;
use std::path::Path;

/// Checks a parsed file. `syntax_errors` are the spans of parse diagnostics:
/// declarations containing one are checked, but not for missing settings.
/// Returns the program only when there are no diagnostics at all.
pub fn check_file(
    file: &File,
    source_dir: &Path,
    allow_outside_paths: bool,
    syntax_errors: &[Span],
) -> (Option<Program>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut ns = Namespace::default();
    let mut error_starts: Vec<usize> = syntax_errors.iter().map(|e| e.start).collect();
    error_starts.sort_unstable();
    // Whether a syntax error starts inside `span` (binary search: files of
    // garbage can have as many errors as declarations).
    let recovered = |span: Span| {
        let k = error_starts.partition_point(|&e| e < span.start);
        error_starts.get(k).is_some_and(|&e| e <= span.end)
    };
    let files = FileAccess {
        source_dir,
        allow_outside: allow_outside_paths,
    };
    let mut program = Program {
        devices: Vec::new(),
        reducers: Vec::new(),
        linears: Vec::new(),
    };
    // Devices first, so networks may name a device declared after them.
    let mut table = DeviceTable::default();
    let mut declared = Vec::new();
    for d in &file.decls {
        let (name, kind) = match d {
            Decl::Device(b) => (&b.name, "device"),
            Decl::Reducer(r) => (&r.name, "reducer"),
            Decl::Linear(b) => (&b.name, "linear network"),
        };
        declared.push(ns.declare(name, kind, &mut diags));
    }
    for (d, ok) in file.decls.iter().zip(&declared) {
        if let (Decl::Device(b), true) = (d, ok) {
            let dev = device::check_device(b, recovered(b.span), &mut diags);
            table.add(&b.name.name, dev.clone());
            program.devices.extend(dev);
        }
    }
    for (d, ok) in file.decls.iter().zip(&declared) {
        if !ok {
            continue;
        }
        match d {
            Decl::Device(_) => {}
            Decl::Reducer(r) => {
                let checked = reducer::check_reducer(r, recovered(r.span), &table, &mut diags);
                program.reducers.extend(checked);
            }
            Decl::Linear(b) => {
                let checked =
                    linear::check_linear(b, recovered(b.span), &table, &files, &mut diags);
                program.linears.extend(checked);
            }
        }
    }
    if diags.is_empty() && syntax_errors.is_empty() {
        (Some(program), diags)
    } else {
        (None, diags)
    }
}

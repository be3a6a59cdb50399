//! The front end in one call: read a source file, parse, check, build the IR.

use crate::check::{check_file, program::Program};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{self, IrGraph};
use crate::syntax::{parse_file, Span};
use std::path::Path;

/// Largest source file accepted.
pub const MAX_SOURCE_BYTES: usize = 16 << 20;

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Allow `load(...)` paths outside the source file's folder.
    pub allow_outside_paths: bool,
}

/// Reads, parses and checks `path`; returns the checked program and one IR
/// graph per network, or every diagnostic found. The file is shown in
/// diagnostics as `path` was given.
pub fn load(path: &Path, options: Options) -> Result<(Program, Vec<IrGraph>), Diagnostics> {
    let name = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            let mut d = Diagnostics::new(name, "");
            d.items.push(Diagnostic::error(
                format!("cannot read the source file: {e}"),
                Span::point(0),
            ));
            return Err(d);
        }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    load_bytes(&bytes, &name, dir, options)
}

/// Like `load`, for source bytes already in memory; `source_dir` is where
/// `load(...)` paths are resolved.
pub fn load_bytes(
    bytes: &[u8],
    file_name: &str,
    source_dir: &Path,
    options: Options,
) -> Result<(Program, Vec<IrGraph>), Diagnostics> {
    if bytes.len() > MAX_SOURCE_BYTES {
        let mut d = Diagnostics::new(file_name, "");
        d.items.push(Diagnostic::error(
            format!(
                "the source file is {} bytes, above the limit of {MAX_SOURCE_BYTES}",
                bytes.len()
            ),
            Span::point(0),
        ));
        return Err(d);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            // Show the valid prefix; the span points at the first bad byte.
            let at = e.valid_up_to();
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            let mut d = Diagnostics::new(file_name, lossy);
            d.items.push(
                Diagnostic::error("the source file is not valid UTF-8", Span::new(at, at + 1))
                    .with_label(format!("invalid byte 0x{:02x} at offset {at}", bytes[at]))
                    .with_help("save the file as UTF-8"),
            );
            return Err(d);
        }
    };
    check_source(text, file_name, source_dir, options)
}

/// Parses and checks source text.
pub fn check_source(
    text: &str,
    file_name: &str,
    source_dir: &Path,
    options: Options,
) -> Result<(Program, Vec<IrGraph>), Diagnostics> {
    let (file, mut diags) = parse_file(text);
    let syntax: Vec<Span> = diags.iter().map(|d| d.span).collect();
    let (program, more) = check_file(&file, source_dir, options.allow_outside_paths, &syntax);
    diags.extend(more);
    match program {
        Some(p) if diags.is_empty() => {
            let graphs = ir::build(&p);
            Ok((p, graphs))
        }
        _ => {
            let mut d = Diagnostics::new(file_name, text);
            d.items = diags;
            Err(d)
        }
    }
}

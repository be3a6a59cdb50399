//! Resolving `load("...")` paths against the source file's folder, refusing
//! to leave it (absolute paths, `..`) unless `--allow-outside-paths`.

use crate::diagnostics::Diagnostic;
use crate::syntax::Span;
use std::path::{Component, Path, PathBuf};

pub fn resolve(
    written: &str,
    span: Span,
    source_dir: &Path,
    allow_outside: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<PathBuf> {
    if written.is_empty() || written.contains('\0') {
        diags.push(Diagnostic::error(
            "the file path is empty or contains a NUL byte",
            span,
        ));
        return None;
    }
    let path = Path::new(written);
    let escapes = path.is_absolute()
        || written.starts_with('/')
        || written.starts_with('\\')
        || path.components().any(|c| {
            matches!(
                c,
                Component::ParentDir | Component::RootDir | Component::Prefix(_)
            )
        });
    if escapes && !allow_outside {
        diags.push(
            Diagnostic::error(
                format!("the path `{written}` leaves the source file's folder"),
                span,
            )
            .with_label("absolute paths and `..` are not allowed")
            .with_help(
                "put the file next to the source (or below it), or pass `--allow-outside-paths`",
            ),
        );
        return None;
    }
    let resolved = source_dir.join(path);
    // Refuse devices and FIFOs (reading `/dev/zero` would never end) and
    // files far larger than a 1024×1024 complex matrix.
    if let Ok(meta) = std::fs::metadata(&resolved) {
        if !meta.is_file() {
            diags.push(
                Diagnostic::error(format!("`{written}` is not a regular file"), span)
                    .with_label("expected a .npy or .csv file"),
            );
            return None;
        }
        if meta.len() > MAX_MATRIX_FILE_BYTES {
            diags.push(
                Diagnostic::error(format!("`{written}` is {} bytes", meta.len()), span)
                    .with_label(format!(
                        "matrix files are limited to {MAX_MATRIX_FILE_BYTES} bytes"
                    ))
                    .with_help("a 1024×1024 complex matrix needs 16 MiB as .npy"),
            );
            return None;
        }
    }
    Some(resolved)
}

/// Largest matrix file read (1024×1024 complex128 as .npy or .csv text, with room).
pub const MAX_MATRIX_FILE_BYTES: u64 = 128 << 20;

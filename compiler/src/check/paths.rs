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
    Some(source_dir.join(path))
}

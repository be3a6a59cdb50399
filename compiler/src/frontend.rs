//! The front end in one call: read a source file, parse, check, build the IR.

use crate::check::linear::{unitarity_error, MAX_MODES};
use crate::check::program::{DeviceRef, LinearNetwork, LinearRealization, MatrixSource};
use crate::check::{check_file, program::Program};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{self, IrGraph};
use crate::syntax::{parse_file, Span};
use optc_runtime::mesh::MeshStyle;
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
/// A `.npy` or `.csv` path is compiled as a linear network (see
/// `matrix_network`).
pub fn load(path: &Path, options: Options) -> Result<(Program, Vec<IrGraph>), Diagnostics> {
    let name = path.display().to_string();
    if matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("npy" | "csv")
    ) {
        return matrix_network(path).map(|p| {
            let graphs = ir::build(&p);
            (p, graphs)
        });
    }
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

/// A matrix file given directly (`optc compile w.npy`): one linear network
/// named after the file stem, realized as `unitary` when the matrix is square
/// and unitary to the default tolerance, else `svd`; Clements mesh, ideal device.
pub fn matrix_network(path: &Path) -> Result<Program, Diagnostics> {
    let name = path.display().to_string();
    let fail = |msg: String| {
        let mut d = Diagnostics::new(name.clone(), "");
        d.items.push(Diagnostic::error(msg, Span::point(0)));
        d
    };
    let matrix = optc_runtime::matrix_file::read_matrix(path)
        .map_err(|e| fail(format!("cannot load the matrix: {e}")))?;
    let (rows, cols) = matrix.shape();
    if rows == 0 || cols == 0 || rows > MAX_MODES || cols > MAX_MODES {
        return Err(fail(format!(
            "the matrix is {rows}×{cols}; each dimension must be between 1 and {MAX_MODES}"
        )));
    }
    let tolerance = 1e-9;
    let realize = if rows == cols && unitarity_error(&matrix) <= tolerance {
        LinearRealization::Unitary
    } else {
        LinearRealization::Svd
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut net_name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !net_name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        net_name.insert(0, '_');
    }
    Ok(Program {
        devices: Vec::new(),
        reducers: Vec::new(),
        linears: vec![LinearNetwork {
            name: net_name,
            span: Span::point(0),
            matrix,
            source: MatrixSource::File {
                written: path.display().to_string(),
                resolved: path.to_path_buf(),
            },
            realize,
            mesh: MeshStyle::Clements,
            tolerance,
            device: DeviceRef::ideal(),
        }],
    })
}

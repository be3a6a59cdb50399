//! Writing a compiled network's files: every file is rendered first and
//! written atomically (temporary file, then rename), so a failed compile
//! leaves no partial file, and an output never replaces an input. Each file
//! is then read back and its FNV-1a 64 digest compared with the rendered
//! bytes' (spec/compiler.md, "What verify checks").

use optc_formats::fsio::write_atomic;
use optc_formats::netlist::fnv1a64;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct OutputPaths {
    pub netlist: PathBuf,
    pub phases: PathBuf,
    pub report: PathBuf,
}

impl OutputPaths {
    pub fn new(dir: &Path, name: &str) -> Self {
        OutputPaths {
            netlist: dir.join(format!("{name}.netlist.yaml")),
            phases: dir.join(format!("{name}.phases.yaml")),
            report: dir.join(format!("{name}.report.yaml")),
        }
    }

    pub fn all(&self) -> [&Path; 3] {
        [&self.netlist, &self.phases, &self.report]
    }
}

/// Writes the rendered files; `inputs` are paths that must never be overwritten.
pub fn write_outputs(
    paths: &OutputPaths,
    contents: [&str; 3],
    inputs: &[&Path],
) -> Result<(), String> {
    for out in paths.all() {
        for input in inputs {
            if same_file(out, input) {
                return Err(format!(
                    "refusing to overwrite the input `{}` with an output",
                    input.display()
                ));
            }
        }
    }
    if let Some(dir) = paths.netlist.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
        }
    }
    // Each file is written, flushed and read back on its own thread: the
    // three flushes to disk then wait together, not one after another.
    std::thread::scope(|scope| {
        let jobs: Vec<_> = paths
            .all()
            .into_iter()
            .zip(contents)
            .map(|(path, text)| scope.spawn(move || write_and_check(path, text)))
            .collect();
        // The first failure in file order; the scope joins the others.
        jobs.into_iter().try_for_each(|j| {
            j.join()
                .unwrap_or_else(|_| Err("a writer thread panicked".into()))
        })
    })
}

/// Writes `text` to `path` atomically, then reads it back and compares digests.
fn write_and_check(path: &Path, text: &str) -> Result<(), String> {
    write_atomic(path, text.as_bytes())
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    let back =
        std::fs::read(path).map_err(|e| format!("cannot read back `{}`: {e}", path.display()))?;
    if fnv1a64(&back) != fnv1a64(text.as_bytes()) {
        return Err(format!(
            "`{}` on disk differs from what was written ({} bytes read, {} written)",
            path.display(),
            back.len(),
            text.len()
        ));
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

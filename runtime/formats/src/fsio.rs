//! Atomic file writes: write a temporary file in the destination's folder,
//! flush it to disk, then rename it over the destination, so readers see
//! either the old file or the complete new one, never a partial file.

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically. The temporary file is
/// `.NAME.XXXXXX.tmp` beside `path` with a unique random part (`tempfile`),
/// so concurrent writers, threads of one process included, never share one;
/// on any failure it is removed and `path` is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let prefix = format!(".{}.", file_name.to_string_lossy());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // The usual mode of a new file (0o666 less the umask), not tempfile's
    // owner-only 0o600: the written file keeps the temporary's mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // Dropping the temporary file on an early return deletes it.
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn names(dir: &Path) -> Vec<std::ffi::OsString> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect()
    }

    #[test]
    fn writes_and_replaces_without_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(names(dir.path()).len(), 1, "{:?}", names(dir.path()));
        // A write into a missing folder fails and leaves nothing.
        assert!(write_atomic(&dir.path().join("missing/b.yaml"), b"x").is_err());
        // A failed rename (onto a folder) leaves no temporary file.
        fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(write_atomic(&dir.path().join("sub"), b"x").is_err());
        assert_eq!(names(dir.path()).len(), 2, "{:?}", names(dir.path()));
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_readable_like_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        write_atomic(&p, b"x").unwrap();
        let plain = dir.path().join("plain");
        fs::write(&plain, b"x").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&p), mode(&plain));
    }

    /// Threads of one process writing the same path at once: every write
    /// succeeds and the file is always one complete content, never a mix.
    #[test]
    fn concurrent_writers_of_one_path() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("shared.yaml");
        let contents: Vec<Vec<u8>> = (0..8u8).map(|k| vec![b'a' + k; 64 * 1024]).collect();
        std::thread::scope(|s| {
            for c in &contents {
                let p = &p;
                s.spawn(move || {
                    for _ in 0..20 {
                        write_atomic(p, c).unwrap();
                    }
                });
            }
            s.spawn(|| {
                for _ in 0..200 {
                    if let Ok(seen) = fs::read(&p) {
                        assert!(contents.contains(&seen), "a partial or mixed file");
                    }
                }
            });
        });
        assert!(contents.contains(&fs::read(&p).unwrap()));
        assert_eq!(
            names(dir.path()),
            vec![std::ffi::OsString::from("shared.yaml")]
        );
    }
}

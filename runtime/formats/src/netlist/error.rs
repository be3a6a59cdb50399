//! Located errors of the netlist, phase and device files: every error names
//! the file, and where it can, the line and the instance.

use std::fmt;
use thiserror::Error;

/// Where in a file an error is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The instance the error is about, when there is one.
    pub instance: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        if let Some(i) = &self.instance {
            write!(f, ": instance `{i}`")?;
        }
        Ok(())
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Problem {
    #[error("cannot read the file: {0}")]
    Io(String),
    #[error("invalid YAML or wrong shape: {0}")]
    Syntax(String),
    #[error("{what} version {found} is not supported (this build reads version {expected})")]
    Version {
        what: &'static str,
        found: u32,
        expected: u32,
    },
    /// A version this build knows but no longer reads, with what to do.
    #[error(
        "{what} version {found} is no longer read (this build reads version {expected}): {fix}"
    )]
    OldVersion {
        what: &'static str,
        found: u32,
        expected: u32,
        fix: &'static str,
    },
    /// A mapping key written twice (the error is located at the second).
    #[error(
        "duplicate key `{key}`{}{}: a key may appear only once in a mapping",
        in_path(.path),
        first_at(.first_line)
    )]
    DuplicateKey {
        key: String,
        /// The keys (and `[i]` sequence indices) leading to the mapping,
        /// dot-separated; empty at the top level.
        path: String,
        /// The line of the first occurrence.
        first_line: Option<usize>,
    },
    #[error("unknown component kind `{kind}` (known kinds: {known})")]
    UnknownKind { kind: String, known: String },
    #[error("missing attribute `{attr}` required by kind `{kind}`")]
    MissingAttr { attr: String, kind: String },
    #[error("attribute `{attr}` is not an attribute of kind `{kind}` (allowed: {allowed})")]
    ExtraAttr {
        attr: String,
        kind: String,
        allowed: String,
    },
    #[error("`{what}` = {value} is invalid: expected {expected}")]
    BadValue {
        what: String,
        value: f64,
        expected: String,
    },
    #[error(
        "`{endpoint}` is not an endpoint: expected \"instance,port\" with port in<k> or out<k>"
    )]
    BadEndpoint { endpoint: String },
    #[error("no instance named `{name}`")]
    UnknownInstance { name: String },
    #[error("the chip file lists `{name}` under `{section}`, but it is a `{kind}`")]
    ChipKind {
        name: String,
        section: &'static str,
        kind: String,
    },
    #[error("the chip file gives `{name}` {found} coupler ratios, but a `{kind}` has {expected}")]
    ChipCouplers {
        name: String,
        kind: String,
        expected: usize,
        found: usize,
    },
    #[error("the chip file has no measurement of `{name}` ({kind}); every MZI and phase shifter must be characterised")]
    ChipMissing { name: String, kind: String },
    #[error(
        "the chip file was measured on `{found_name}` ({found_hash}), not on `{name}` ({hash})"
    )]
    ChipForOtherNetlist {
        name: String,
        hash: String,
        found_name: String,
        found_hash: String,
    },
    #[error("kind `{kind}` has no port `{port}` (ports: {ports})")]
    BadPort {
        port: String,
        kind: String,
        ports: String,
    },
    #[error("connection {a} -> {b} must join an output port to an input port")]
    Direction { a: String, b: String },
    #[error("port `{port}` is connected more than once")]
    MultiplyConnected { port: String },
    #[error(
        "port `{port}` is not connected (connect it, or end an unused output in a `terminator`)"
    )]
    Unconnected { port: String },
    #[error("`{port}` is a detector's electrical output; it can only be an external output or end in a terminator")]
    ElectricalIntoOptical { port: String },
    #[error("the connections form a cycle through this instance; a netlist must be feed-forward")]
    Cycle,
    #[error(
        "missing placement (`placements: {{NAME: {{column: C, mode: M}}}}`) required for every MZI"
    )]
    MissingPlacement,
    #[error("mode {mode} is out of range: the netlist has {modes} modes{hint}")]
    ModeOutOfRange {
        mode: usize,
        modes: usize,
        hint: &'static str,
    },
    #[error("missing setting `{setting}`")]
    MissingSetting { setting: String },
    #[error("setting `{setting}` does not belong to kind `{kind}` (expected: {expected})")]
    ExtraSetting {
        setting: String,
        kind: String,
        expected: String,
    },
    #[error(
        "`{setting}_code` is given but the file has no `phase_bits:` (add it, or drop the codes)"
    )]
    CodeWithoutBits { setting: String },
    #[error("the phase file has settings for `{name}`, which is not a programmable instance of the netlist")]
    UnknownSettingsInstance { name: String },
    #[error("the phase file belongs to netlist `{found_name}` ({found_hash}), not to `{name}` ({hash}); recompile or pick the matching phase file")]
    WrongNetlist {
        name: String,
        hash: String,
        found_name: String,
        found_hash: String,
    },
    #[error("DAC code `{setting}_code` = {found} does not match the value (expected {expected} at {bits} bits)")]
    DacCode {
        setting: String,
        found: i64,
        expected: i64,
        bits: u32,
    },
    #[error("cell `{cell}` is invalid: {why}")]
    BadCell { cell: String, why: String },
    #[error("instance `{name}` is also the name of an MZI of cell instance `{instance}`; rename one of them")]
    CellNameClash { name: String, instance: String },
    #[error("`meshes.{instance}.{what}` has {found} where the cell has {expected}")]
    MeshShape {
        instance: String,
        what: String,
        found: String,
        expected: String,
    },
    #[error("reducer section: {0}")]
    Reducer(String),
    #[error("the netlist is not linear: kind `{kind}` has no transfer matrix (use --input)")]
    NotLinear { kind: String },
}

fn in_path(path: &str) -> String {
    if path.is_empty() {
        " at the top level".to_string()
    } else {
        format!(" in `{path}`")
    }
}

fn first_at(line: &Option<usize>) -> String {
    line.map_or(String::new(), |l| format!(" (first written at line {l})"))
}

/// A located error of one of the file formats.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{location}: {problem}")]
pub struct FormatError {
    pub location: Location,
    /// Boxed to keep `Result`s small.
    pub problem: Box<Problem>,
}

impl FormatError {
    pub fn new(file: &str, problem: Problem) -> Self {
        FormatError {
            location: Location {
                file: file.to_string(),
                ..Location::default()
            },
            problem: Box::new(problem),
        }
    }

    pub fn at_line(mut self, line: Option<usize>) -> Self {
        self.location.line = line;
        self
    }

    pub fn at_instance(mut self, instance: &str) -> Self {
        self.location.instance = Some(instance.to_string());
        self
    }

    /// Keeps serde_yaml's line and column in `text` (the text it parsed),
    /// but for an error at the end of a text without a final line break:
    /// there the YAML scanner has already moved to the line after the last,
    /// and the error points just past the last character instead.
    pub fn from_yaml(file: &str, text: &str, err: &serde_yaml::Error) -> Self {
        let mut e = FormatError::new(file, Problem::Syntax(strip_location(&err.to_string())));
        if let Some(loc) = err.location() {
            let (mut line, mut column) = (loc.line(), loc.column());
            let lines = super::locate::yaml_lines(text);
            if line > lines.len() {
                line = lines.len();
                column = lines.last().map_or(0, |l| l.chars().count()) + 1;
            }
            e.location.line = Some(line);
            e.location.column = Some(column);
        }
        e
    }
}

/// serde_yaml appends " at line L column C"; the location is printed once, up front.
fn strip_location(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Reads a text file for a parser: its name as errors give it, and its
/// text (an I/O failure is a located error of that file).
pub fn read_text(path: &std::path::Path) -> Result<(String, String), FormatError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| FormatError::new(&file, Problem::Io(e.to_string())))?;
    Ok((file, text))
}

#[cfg(test)]
mod tests {
    use crate::device_file;

    #[test]
    fn yaml_error_at_the_end_stays_inside_the_text() {
        // The scanner reports "could not find expected ':'" on line 3, the
        // line after the last one; the error points after the `x` instead.
        for text in [
            "crosstalk: 0.1\nx",
            "crosstalk: 0.1\r\nx",
            "crosstalk: 0.1\rx",
        ] {
            let e = device_file::parse("d.yaml", text).unwrap_err();
            assert_eq!(
                (e.location.line, e.location.column),
                (Some(2), Some(2)),
                "{text:?}"
            );
        }
        // Elsewhere serde_yaml's position is kept.
        let e = device_file::parse("d.yaml", "crosstalk: 0.1\nnope: 1\nphase_bits: 8").unwrap_err();
        assert_eq!((e.location.line, e.location.column), (Some(2), Some(1)));
    }
}

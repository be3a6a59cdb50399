//! Diagnostics in the style of rustc: a message, the file position, the source
//! line with the offending span underlined, and optional notes and help.
//! Errors and warnings are the same value, told apart by their severity.

use crate::syntax::span::{LineIndex, Span};
use std::fmt::Write;

/// Whether a diagnostic stops the compilation (`error:`) or not (`warning:`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One error or warning about a source file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// Printed under the underline (usually what was expected).
    pub label: Option<String>,
    /// Secondary positions, each rendered as `note:` with its own snippet.
    pub notes: Vec<(Span, String)>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            label: None,
            notes: Vec::new(),
            help: None,
        }
    }

    /// A finding that does not stop the compilation but changes what it
    /// produces (e.g. a matrix projected to the nearest unitary).
    pub fn warning(message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message, span)
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, span: Span, note: impl Into<String>) -> Self {
        self.notes.push((span, note.into()));
        self
    }
}

/// All diagnostics of one source file, with what is needed to render them.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    /// The file name as it should be shown (e.g. the path given on the command line).
    pub file_name: String,
    /// The source text (invalid UTF-8 replaced), for snippets.
    pub source: String,
    pub items: Vec<Diagnostic>,
}

/// Diagnostics rendered in full; the rest are counted (a file of garbage
/// would otherwise print one error per line, forever).
pub const MAX_RENDERED: usize = 100;

/// Longest source line shown in full; longer lines are windowed around the span.
const MAX_SHOWN_LINE: usize = 160;

impl Diagnostics {
    pub fn new(file_name: impl Into<String>, source: impl Into<String>) -> Self {
        Diagnostics {
            file_name: file_name.into(),
            source: source.into(),
            items: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Renders the diagnostics in source order (the first `MAX_RENDERED`),
    /// followed by a count line ("could not check …").
    pub fn render(&self) -> String {
        self.render_as("check")
    }

    /// The same, with the count line naming what failed: "could not
    /// `{what}` …" (`compile` for errors the passes find).
    pub fn render_as(&self, what: &str) -> String {
        let (mut out, n) = self.render_items();
        let _ = writeln!(
            out,
            "error: could not {what} `{}` due to {n} error{}",
            self.file_name,
            if n == 1 { "" } else { "s" }
        );
        out
    }

    /// Renders the diagnostics (warnings, typically) without a count line.
    pub fn render_plain(&self) -> String {
        self.render_items().0
    }

    /// `FILE:LINE:COL` of `span` (just `FILE` when there is no source text).
    pub fn locate(&self, span: Span) -> String {
        if self.source.is_empty() {
            return self.file_name.clone();
        }
        let start = floor_char_boundary(&self.source, span.start.min(self.source.len()));
        let (line, col) = LineIndex::new(&self.source).line_col(&self.source, start);
        format!("{}:{line}:{col}", self.file_name)
    }

    /// Every item in source order (the first `MAX_RENDERED`), and the number
    /// of errors among them.
    fn render_items(&self) -> (String, usize) {
        let index = LineIndex::new(&self.source);
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        items.sort_by_key(|d| (d.span.start, d.span.end));
        let mut out = String::new();
        for d in items.iter().take(MAX_RENDERED) {
            let _ = writeln!(out, "{}: {}", d.severity.as_str(), d.message);
            let gutter = self.snippet(&mut out, &index, d.span, d.label.as_deref());
            for (span, note) in &d.notes {
                let _ = writeln!(out, "note: {note}");
                self.snippet(&mut out, &index, *span, None);
            }
            if let Some(help) = &d.help {
                let _ = writeln!(out, "{} = help: {help}", " ".repeat(gutter));
            }
            out.push('\n');
        }
        let n = items.len();
        let errors = items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        if n > MAX_RENDERED {
            let what = match errors {
                0 => "warnings",
                e if e == n => "errors",
                _ => "diagnostics",
            };
            let _ = writeln!(out, "note: {} more {what} not shown\n", n - MAX_RENDERED);
        }
        (out, errors)
    }

    /// Writes the position and the underlined line; returns the gutter width.
    fn snippet(
        &self,
        out: &mut String,
        index: &LineIndex,
        span: Span,
        label: Option<&str>,
    ) -> usize {
        let text = &self.source;
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let (line, col) = index.line_col(text, start);
        if text.is_empty() {
            let _ = writeln!(out, " --> {}", self.file_name);
            return 1;
        }
        let gutter = line.to_string().len();
        let _ = writeln!(
            out,
            "{}--> {}:{line}:{col}",
            " ".repeat(gutter),
            self.file_name
        );
        let line_start = index.line_start(line - 1);
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let end = floor_char_boundary(text, span.end.min(line_end)).max(start);

        // Render chars one by one so tabs and control characters keep the caret aligned.
        let before: Vec<char> = text[line_start..start].chars().collect();
        let inside: Vec<char> = text[start..end].chars().collect();
        let after: Vec<char> = text[end..line_end].chars().collect();
        let mut shown = String::new();
        let mut caret_pad = 0usize;
        let mut caret_len = 0usize;
        let window_start = before.len().saturating_sub(MAX_SHOWN_LINE / 2);
        if window_start > 0 {
            shown.push_str("...");
            caret_pad += 3;
        }
        for &c in &before[window_start..] {
            caret_pad += push_visible(&mut shown, c);
        }
        for &c in inside.iter().take(MAX_SHOWN_LINE) {
            caret_len += push_visible(&mut shown, c);
        }
        let rest_budget = MAX_SHOWN_LINE.saturating_sub(shown.chars().count());
        for &c in after.iter().take(rest_budget) {
            push_visible(&mut shown, c);
        }
        if after.len() > rest_budget || inside.len() > MAX_SHOWN_LINE {
            shown.push_str("...");
        }
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{line} | {shown}");
        let carets = "^".repeat(caret_len.max(1));
        match label {
            Some(l) => {
                let _ = writeln!(out, "{pad} | {}{carets} {l}", " ".repeat(caret_pad));
            }
            None => {
                let _ = writeln!(out, "{pad} | {}{carets}", " ".repeat(caret_pad));
            }
        }
        gutter
    }
}

/// Appends a printable form of `c`; returns how many columns it takes.
fn push_visible(out: &mut String, c: char) -> usize {
    match c {
        '\t' => {
            out.push_str("    ");
            4
        }
        '\r' => 0,
        c if c.is_control() => {
            out.push('\u{FFFD}');
            1
        }
        c => {
            out.push(c);
            1
        }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_render_like_errors_and_are_not_counted_as_errors() {
        let src = "linear w {\n  matrix = [[0]]\n}\n";
        let mut d = Diagnostics::new("w.optc", src);
        d.items
            .push(Diagnostic::warning("matrix is all zeros", Span::new(7, 8)));
        assert_eq!(
            d.render_plain(),
            "warning: matrix is all zeros\n --> w.optc:1:8\n  |\n1 | linear w {\n  |        ^\n\n"
        );
        assert_eq!(d.locate(Span::new(13, 19)), "w.optc:2:3");
        d.items.push(Diagnostic::error("bad", Span::new(13, 19)));
        let all = d.render_as("compile");
        assert!(all.starts_with("warning: matrix is all zeros\n"), "{all}");
        assert!(all.contains("\nerror: bad\n --> w.optc:2:3\n"), "{all}");
        assert!(all.ends_with("due to 1 error\n"), "{all}");
        // Without source text the position is the file alone.
        let bare = Diagnostics::new("m.csv", "");
        assert_eq!(bare.locate(Span::point(0)), "m.csv");
    }
}

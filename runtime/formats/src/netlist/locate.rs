//! Finds the line of a key in block-style YAML, so semantic errors (found
//! after deserialization, when serde's positions are gone) still point at
//! the right line. One pass indexes every first-level key of every
//! top-level section. Lines are numbered as YAML numbers them
//! (`yaml_lines`).

use std::collections::HashMap;

/// The lines of `text` as YAML numbers them: a line break is `\n`, `\r\n`,
/// a lone `\r`, U+0085, U+2028 or U+2029. A text ending in a break has an
/// empty last line.
pub fn yaml_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}') {
            continue;
        }
        lines.push(&text[start..i]);
        start = i + c.len_utf8();
        if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
            chars.next();
            start += 1;
        }
    }
    lines.push(&text[start..]);
    lines
}

/// Lines of the keys `section: {key: …}` of one YAML text.
#[derive(Debug, Clone, Default)]
pub struct KeyLines {
    sections: HashMap<String, usize>,
    /// Section → key → line (looked up without allocating).
    keys: HashMap<String, HashMap<String, usize>>,
}

/// The key of a `key: value` line (quotes removed), if it is one.
fn key_of(line: &str) -> Option<&str> {
    for q in ['"', '\''] {
        if let Some(rest) = line.strip_prefix(q) {
            let end = rest.find(q)?;
            return rest[end + 1..]
                .trim_start()
                .starts_with(':')
                .then(|| &rest[..end]);
        }
    }
    let colon = line.find(':')?;
    let after = &line[colon + 1..];
    (after.is_empty() || after.starts_with([' ', '\t'])).then(|| line[..colon].trim_end())
}

impl KeyLines {
    pub fn new(text: &str) -> KeyLines {
        let mut index = KeyLines::default();
        let mut section: Option<String> = None;
        let mut level: Option<usize> = None;
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = line.len() - trimmed.len();
            if indent == 0 {
                section = key_of(trimmed).map(str::to_string);
                level = None;
                if let Some(s) = &section {
                    index.sections.entry(s.clone()).or_insert(i + 1);
                }
                continue;
            }
            let (Some(s), Some(key)) = (&section, key_of(trimmed)) else {
                continue;
            };
            let first_level = *level.get_or_insert(indent);
            if indent == first_level {
                index
                    .keys
                    .entry(s.clone())
                    .or_default()
                    .entry(key.to_string())
                    .or_insert(i + 1);
            }
        }
        index
    }

    /// The 1-based line of `key:` directly inside the top-level `section:`.
    pub fn key(&self, section: &str, key: &str) -> Option<usize> {
        self.keys.get(section)?.get(key).copied()
    }

    /// The 1-based line of the top-level key `section:`.
    pub fn section(&self, section: &str) -> Option<usize> {
        self.sections.get(section).copied()
    }
}

/// One-off lookup of `key:` inside `section:` (indexes the whole text).
pub fn key_line(text: &str, section: &str, key: &str) -> Option<usize> {
    KeyLines::new(text).key(section, key)
}

/// One-off lookup of the top-level key `section:`.
pub fn section_line(text: &str, section: &str) -> Option<usize> {
    KeyLines::new(text).section(section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_in_sections() {
        let text = "version: 1\ninstances:\n  a:\n    component: mzi\n  \"b\":\n    component: x\n  settings: {component: mzi}\nports:\n  a: \"a,in0\"\nconnections:\n  'a,out0': \"b,in0\"\n";
        let k = KeyLines::new(text);
        assert_eq!(k.key("instances", "a"), Some(3));
        assert_eq!(k.key("instances", "b"), Some(5));
        assert_eq!(k.key("instances", "component"), None);
        assert_eq!(k.key("instances", "settings"), Some(7));
        assert_eq!(k.key("ports", "a"), Some(9));
        assert_eq!(k.key("connections", "a,out0"), Some(11));
        assert_eq!(k.key("instances", "ab"), None);
        assert_eq!(k.section("ports"), Some(8));
        assert_eq!(key_line(text, "ports", "a"), Some(9));
    }

    #[test]
    fn yaml_line_breaks() {
        assert_eq!(
            yaml_lines("a\nb\r\nc\rd\u{2028}e"),
            ["a", "b", "c", "d", "e"]
        );
        assert_eq!(yaml_lines("a\n"), ["a", ""]);
        assert_eq!(yaml_lines(""), [""]);
    }
}

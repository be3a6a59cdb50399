//! Finds the line of a key in block-style YAML, so semantic errors (found
//! after deserialization, when serde's positions are gone) still point at
//! the right line.

/// The 1-based line of `key:` inside the top-level mapping `section:`.
pub fn key_line(text: &str, section: &str, key: &str) -> Option<usize> {
    let mut in_section = false;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indented = line.len() != trimmed.len();
        if !indented {
            in_section = key_matches(trimmed, section);
            continue;
        }
        if in_section && key_matches(trimmed, key) {
            return Some(i + 1);
        }
    }
    None
}

/// The 1-based line of the top-level key `section:`.
pub fn section_line(text: &str, section: &str) -> Option<usize> {
    text.lines()
        .position(|l| key_matches(l, section))
        .map(|i| i + 1)
}

fn key_matches(line: &str, key: &str) -> bool {
    let unquoted = |s: &str, q: char| {
        s.strip_prefix(q)
            .and_then(|r| r.strip_prefix(key))
            .and_then(|r| r.strip_prefix(q))
            .map(str::to_string)
    };
    let rest = unquoted(line, '"')
        .or_else(|| unquoted(line, '\''))
        .or_else(|| line.strip_prefix(key).map(str::to_string));
    matches!(rest, Some(r) if r.trim_start().starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_in_sections() {
        let text = "version: 1\ninstances:\n  a:\n    component: mzi\n  \"b\":\n    component: x\nports:\n  a: \"a,in0\"\n";
        assert_eq!(key_line(text, "instances", "a"), Some(3));
        assert_eq!(key_line(text, "instances", "b"), Some(5));
        assert_eq!(key_line(text, "ports", "a"), Some(8));
        assert_eq!(key_line(text, "instances", "ab"), None);
        assert_eq!(section_line(text, "ports"), Some(7));
    }
}

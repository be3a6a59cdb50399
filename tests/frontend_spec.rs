//! spec/language.md and the parser agree: every ```optc block checks, every
//! ```optc-error block is rejected.

use optc::frontend::{self, Options};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// (fence language, first line number, body) of every fenced block.
fn blocks(md: &str) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, usize, String)> = None;
    for (n, line) in md.lines().enumerate() {
        match current.take() {
            None => {
                if let Some(lang) = line.strip_prefix("```") {
                    current = Some((lang.trim().to_string(), n + 2, String::new()));
                }
            }
            Some((lang, start, mut body)) => {
                if line.trim_start().starts_with("```") {
                    out.push((lang, start, body));
                } else {
                    body.push_str(line);
                    body.push('\n');
                    current = Some((lang, start, body));
                }
            }
        }
    }
    assert!(current.is_none(), "unclosed fence in the spec");
    out
}

#[test]
fn spec_examples_agree_with_the_parser() {
    let md = std::fs::read_to_string(root().join("spec/language.md")).unwrap();
    let dir = root().join("examples");
    let (mut good, mut bad) = (0, 0);
    for (lang, line, body) in blocks(&md) {
        let name = format!("spec/language.md:{line}");
        let result = frontend::check_source(&body, &name, &dir, Options::default());
        match (lang.as_str(), result) {
            ("optc", Ok(_)) => good += 1,
            ("optc", Err(d)) => panic!("{name}: a ```optc block fails:\n{}", d.render()),
            ("optc-error", Err(d)) => {
                // Each expected error is marked by a `// error:` comment on its line.
                let marked: Vec<usize> = body
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| l.contains("// error:"))
                    .map(|(k, _)| k + 1)
                    .collect();
                let index = optc::syntax::span::LineIndex::new(&body);
                let mut found: Vec<usize> = d
                    .items
                    .iter()
                    .map(|i| index.line_col(&body, i.span.start).0)
                    .collect();
                found.sort_unstable();
                assert_eq!(
                    found,
                    marked,
                    "{name}: errors on other lines than marked:\n{}",
                    d.render()
                );
                bad += 1;
            }
            ("optc-error", Ok(_)) => panic!("{name}: an ```optc-error block checks"),
            _ => {}
        }
    }
    assert!(good >= 4 && bad >= 5, "{good} good and {bad} bad blocks");
}

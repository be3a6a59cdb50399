//! A small SVG writer: elements appended to a string, every text and
//! attribute value escaped, numbers rounded to 0.1 px so output is stable.

use std::fmt::Write;

/// Escapes `&`, `<`, `>`, `"` and `'` for XML text and attribute values;
/// drops characters XML 1.0 cannot carry (control characters).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A number as SVG wants it: at most one decimal, no `-0`.
pub fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 || !r.is_finite() {
        "0".into()
    } else if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// An SVG document under construction.
#[derive(Debug, Default)]
pub struct Svg {
    pub body: String,
}

impl Svg {
    /// Appends raw markup built by the helpers below.
    pub fn raw(&mut self, s: &str) {
        self.body.push_str(s);
        self.body.push('\n');
    }

    /// `<tag a="v" …/>` with escaped values.
    pub fn el(&mut self, tag: &str, attrs: &[(&str, String)]) {
        self.raw(&element(tag, attrs, None));
    }

    /// `<text …>content</text>`.
    pub fn text(&mut self, attrs: &[(&str, String)], content: &str) {
        self.raw(&element("text", attrs, Some(content)));
    }

    /// Opens a `<g>` (closed by `close`).
    pub fn open(&mut self, tag: &str, attrs: &[(&str, String)]) {
        let mut s = format!("<{tag}");
        push_attrs(&mut s, attrs);
        s.push('>');
        self.raw(&s);
    }

    pub fn close(&mut self, tag: &str) {
        self.raw(&format!("</{tag}>"));
    }

    pub fn title(&mut self, text: &str) {
        self.raw(&format!("<title>{}</title>", escape(text)));
    }
}

fn push_attrs(s: &mut String, attrs: &[(&str, String)]) {
    for (k, v) in attrs {
        let _ = write!(s, " {k}=\"{}\"", escape(v));
    }
}

/// One element; `content` (escaped) makes it a container.
pub fn element(tag: &str, attrs: &[(&str, String)], content: Option<&str>) -> String {
    let mut s = format!("<{tag}");
    push_attrs(&mut s, attrs);
    match content {
        Some(c) => {
            let _ = write!(s, ">{}</{tag}>", escape(c));
        }
        None => s.push_str("/>"),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(escape("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(1.26), "1.3");
    }
}

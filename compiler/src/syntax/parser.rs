//! The declaration and statement parsers, with recovery at both levels.

use super::ast::{
    Block, Decl, Detect, File, Ident, Layer, LayerClause, OnnBlock, OnnStage, ReducerDecl,
    ReducerItem, Setting,
};
use super::lexer::{
    end_of_statement, expect, hws, ident, number, offset, separators, sym, ws, In, PError, PResult,
};
use super::recovery::{resume_point, Level};
use super::span::Span;
use super::value::value;
use crate::diagnostics::Diagnostic;
use nom::InputTake;
use std::cell::RefCell;

/// Parses a whole file. Never fails: syntax errors come back as diagnostics
/// next to the declarations that could be parsed.
pub fn parse_file(source: &str) -> (File, Vec<Diagnostic>) {
    let sink = RefCell::new(Vec::new());
    let mut input = In::new_extra(source, &sink);
    let mut decls = Vec::new();
    loop {
        input = match separators(input) {
            Ok((rest, ())) => rest,
            Err(_) => input,
        };
        if input.fragment().is_empty() {
            break;
        }
        match decl(input) {
            Ok((rest, d)) => {
                decls.push(d);
                input = rest;
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                let at = e.pos.saturating_sub(offset(&input));
                sink.borrow_mut()
                    .push(e.into_diagnostic(input.fragment(), offset(&input)));
                let skip = resume_point(input.fragment(), at, Level::Declaration);
                input = input.take_split(skip.max(1).min(input.fragment().len())).0;
            }
            Err(nom::Err::Incomplete(_)) => break,
        }
    }
    (File { decls }, sink.into_inner())
}

/// `device NAME { ... }`, `reducer NAME { ... }` or `linear NAME { ... }`.
fn decl(i: In) -> PResult<Decl> {
    let start = i;
    let (rest, kw) = expect("`device`, `reducer` or `linear`", ident)(i)?;
    let make = match kw.name.as_str() {
        "device" | "linear" | "reducer" => kw.name.clone(),
        _ => {
            let mut e = PError::at(&i, "`device`, `reducer` or `linear`");
            if let Some(s) =
                crate::check::names::closest(&kw.name, &["device", "reducer", "linear"])
            {
                e = PError::message(
                    kw.span,
                    format!("unknown declaration `{}`", kw.name),
                    Some(format!("did you mean `{s}`?")),
                );
            }
            return Err(nom::Err::Error(e));
        }
    };
    let (rest, ()) = ws(rest)?;
    let (rest, name) = expect("a name for the declaration", ident)(rest)?;
    let (rest, ()) = ws(rest)?;
    let (rest, open) = expect("`{`", sym('{', "`{`"))(rest)?;
    if make == "reducer" {
        let (rest, items) = block_body(rest, open, reducer_item)?;
        let span = super::lexer::span_between(&start, &rest);
        return Ok((rest, Decl::Reducer(ReducerDecl { name, items, span })));
    }
    let (rest, settings) = block_body(rest, open, setting_stmt)?;
    let span = super::lexer::span_between(&start, &rest);
    let block = Block {
        name,
        settings,
        span,
    };
    Ok((
        rest,
        if make == "device" {
            Decl::Device(block)
        } else {
            Decl::Linear(block)
        },
    ))
}

/// The statements of a block up to its `}`, recovering after each bad one.
/// At end of file the block is reported as unclosed and returned as parsed.
fn block_body<'a, T>(
    mut i: In<'a>,
    open: Span,
    mut stmt: impl FnMut(In<'a>) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    let mut items = Vec::new();
    loop {
        i = separators(i)?.0;
        if let Ok((rest, _)) = sym('}', "`}`")(i) {
            return Ok((rest, items));
        }
        if i.fragment().is_empty() || starts_declaration(i) {
            i.extra.borrow_mut().push(
                Diagnostic::error("unclosed block: this `{` has no matching `}`", open)
                    .with_label("opened here")
                    .with_help("add `}` at the end of the block"),
            );
            return Ok((i, items));
        }
        let stmt_start = i;
        match stmt(i).and_then(|(rest, item)| Ok((end_of_statement(rest)?.0, item))) {
            Ok((rest, item)) => {
                items.push(item);
                i = rest;
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                let base = offset(&stmt_start);
                let at = e.pos.saturating_sub(base);
                i.extra
                    .borrow_mut()
                    .push(e.into_diagnostic(stmt_start.fragment(), base));
                let skip = resume_point(stmt_start.fragment(), at, Level::Statement);
                i = stmt_start
                    .take_split(skip.max(1).min(stmt_start.fragment().len()))
                    .0;
            }
            Err(nom::Err::Incomplete(_)) => return Ok((i, items)),
        }
    }
}

/// Whether `i` starts a new top-level declaration (`reducer NAME {`): inside
/// a block that means its `}` is missing, and parsing resumes at top level.
fn starts_declaration(i: In) -> bool {
    let Ok((rest, kw)) = ident(i) else {
        return false;
    };
    if !matches!(kw.name.as_str(), "device" | "reducer" | "linear") {
        return false;
    }
    let Ok((rest, ())) = hws(rest) else {
        return false;
    };
    let Ok((rest, _)) = ident(rest) else {
        return false;
    };
    matches!(ws(rest), Ok((r, ())) if r.fragment().starts_with('{'))
}

/// `key = value`
fn setting_stmt(i: In) -> PResult<Setting> {
    let (rest, key) = expect("a setting name or `}`", ident)(i)?;
    let (rest, ()) = hws(rest)?;
    let (rest, _) = expect("`=`", sym('=', "`=`"))(rest)?;
    let (rest, ()) = hws(rest)?;
    let (rest, v) = value(rest)?;
    let span = key.span.to(v.span);
    Ok((
        rest,
        Setting {
            key,
            value: v,
            span,
        },
    ))
}

/// A reducer statement: a setting, `onn { ... }` or `train { ... }`.
fn reducer_item(i: In) -> PResult<ReducerItem> {
    let (rest, word) = expect("a setting name, `onn`, `train` or `}`", ident)(i)?;
    let (after, ()) = ws(rest)?;
    if after.fragment().starts_with('{') && (word.name == "onn" || word.name == "train") {
        let (after, open) = sym('{', "`{`")(after)?;
        if word.name == "onn" {
            let (rest, stages) = block_body(after, open, onn_stage)?;
            let span = word.span.to(Span::point(offset(&rest)));
            return Ok((
                rest,
                ReducerItem::Onn(OnnBlock {
                    keyword: word.span,
                    stages,
                    span,
                }),
            ));
        }
        let (rest, settings) = block_body(after, open, setting_stmt)?;
        let span = word.span.to(Span::point(offset(&rest)));
        return Ok((
            rest,
            ReducerItem::Train(Block {
                name: word,
                settings,
                span,
            }),
        ));
    }
    let (rest, s) = setting_stmt(i)?;
    Ok((rest, ReducerItem::Setting(s)))
}

/// `layer WIDTH clauses...` or `detect MODE`.
fn onn_stage(i: In) -> PResult<OnnStage> {
    let (rest, word) = expect("`layer`, `detect` or `}`", ident)(i)?;
    match word.name.as_str() {
        "layer" => {
            let (rest, ()) = hws(rest)?;
            let (mut rest, width) = expect("the layer's output width (an integer)", number)(rest)?;
            let mut clauses = Vec::new();
            loop {
                let (r, ()) = hws(rest)?;
                let s = *r.fragment();
                if s.is_empty() || s.starts_with(['\n', ';', '}']) {
                    break;
                }
                let (r, kw) = expect(
                    "`activation`, `weights`, `mesh` or the end of the layer",
                    ident,
                )(r)?;
                let (r, ()) = hws(r)?;
                let (r, v) = value(r)?;
                clauses.push(LayerClause {
                    keyword: kw,
                    value: v,
                });
                rest = r;
            }
            let span = word.span.to(Span::point(offset(&rest)));
            Ok((
                rest,
                OnnStage::Layer(Layer {
                    width,
                    clauses,
                    span,
                }),
            ))
        }
        "detect" => {
            let (rest, ()) = hws(rest)?;
            let (rest, mode) = expect("a detection mode (`threshold`)", ident)(rest)?;
            let span = word.span.to(mode.span);
            Ok((rest, OnnStage::Detect(Detect { mode, span })))
        }
        _ => Err(nom::Err::Error(unknown_word(
            &word,
            &["layer", "detect"],
            "an onn stage",
        ))),
    }
}

fn unknown_word(word: &Ident, candidates: &[&str], what: &str) -> PError {
    let help = crate::check::names::closest(&word.name, candidates)
        .map(|s| format!("did you mean `{s}`?"))
        .or_else(|| Some(format!("expected one of: {}", candidates.join(", "))));
    PError::message(word.span, format!("`{}` is not {what}", word.name), help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::ValueKind;

    fn parse_ok(src: &str) -> File {
        let (file, diags) = parse_file(src);
        assert!(diags.is_empty(), "{diags:?}");
        file
    }

    #[test]
    fn spans_slice_the_source() {
        let src = "device d {\n  mzi_loss = 0.1 dB; phase_bits = 8\n}\nlinear w { matrix = [[1, 0.5-0.5i], [2i, -3]]; realize = svd }\n";
        let file = parse_ok(src);
        let Decl::Device(d) = &file.decls[0] else {
            panic!()
        };
        assert_eq!(&src[d.name.span.start..d.name.span.end], "d");
        assert_eq!(
            &src[d.settings[0].span.start..d.settings[0].span.end],
            "mzi_loss = 0.1 dB"
        );
        assert_eq!(
            &src[d.settings[1].value.span.start..d.settings[1].value.span.end],
            "8"
        );
        let Decl::Linear(l) = &file.decls[1] else {
            panic!()
        };
        let ValueKind::Matrix(rows) = &l.settings[0].value.kind else {
            panic!()
        };
        let e = &rows[0].entries[1];
        assert_eq!((e.re, e.im), (0.5, -0.5));
        assert_eq!(&src[e.span.start..e.span.end], "0.5-0.5i");
        assert_eq!((rows[1].entries[0].re, rows[1].entries[0].im), (0.0, 2.0));
        assert_eq!(rows[1].entries[1].int, Some(-3));
    }

    /// A matrix entry of the language and a `.csv` cell read the same
    /// literals to the same values (one grammar, `optc_formats::number`).
    #[test]
    fn matrix_entries_read_like_csv_cells() {
        use optc_formats::matrix_file::parse_cell;
        for lit in [
            "2", "-0.5", "+1e-3", "2i", "-2e-3j", "0.5-0.5i", "1 + 2j", "1-i", "-i", "+j", "5-0i",
        ] {
            let src = format!("linear w {{ matrix = [[{lit}]]; realize = svd }}\n");
            let file = parse_ok(&src);
            let Decl::Linear(l) = &file.decls[0] else {
                panic!()
            };
            let ValueKind::Matrix(rows) = &l.settings[0].value.kind else {
                panic!()
            };
            let e = &rows[0].entries[0];
            assert_eq!(&src[e.span.start..e.span.end], lit);
            let cell = parse_cell(lit).unwrap_or_else(|e| panic!("{lit}: {e:?}"));
            assert_eq!(
                (e.re.to_bits(), e.im.to_bits()),
                (cell.re.to_bits(), cell.im.to_bits())
            );
        }
        for bad in ["inf", "1 +", "2in"] {
            assert!(parse_cell(bad).is_err(), "{bad}");
            let (_, diags) = parse_file(&format!("linear w {{ matrix = [[{bad}]] }}\n"));
            assert!(!diags.is_empty(), "{bad}");
        }
    }

    #[test]
    fn recovery_reports_each_bad_statement() {
        let src = "device d {\n  a = = 1\n  b = 2\n  c = )\n}\nreducer r { x = 1 }\n";
        let (file, diags) = parse_file(src);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert_eq!(file.decls.len(), 2);
        let Decl::Device(d) = &file.decls[0] else {
            panic!()
        };
        assert_eq!(d.settings.len(), 1);
        assert_eq!(d.settings[0].key.name, "b");
    }

    #[test]
    fn missing_brace_resumes_at_next_declaration() {
        let src = "device d {\n  mzi_loss = 0.1 dB\n\nreducer r {\n  servers = 4\n}\n";
        let (file, diags) = parse_file(src);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("unclosed"));
        assert_eq!(file.decls.len(), 2);
    }

    #[test]
    fn unit_word_before_equals_is_the_next_setting() {
        let (_, diags) = parse_file("reducer r {\n  servers = 4 bits = 4\n}\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].message, "expected `;` or a new line, found `bits`");
    }
}

//! `onn { layer ...; detect ... }` → `Onn`: layer clauses, activations, and
//! the width chain rule (spec/language.md, "Layer widths").

use super::program::{Activation, Detection, Onn, OnnLayer, WeightRealization};
use super::realization::{check_blocks, realization, Written};
use super::units::Quantity;
use super::values::{describe, head, int_in, real_in, unknown_choice, Range};
use crate::check::names::closest;
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{Layer, OnnBlock, OnnStage, Value, ValueKind};
use optc_model::mesh::MeshDesign;

const CLAUSES: &[&str] = &["activation", "weights", "mesh"];

/// `in_width`: the preprocessed width; `out_bits`: the bits the last layer
/// delivers, which `delivers` names ("the reducer delivers", or one
/// digit-serial stage's).
pub fn check_onn(
    b: &OnnBlock,
    in_width: usize,
    out_bits: u32,
    delivers: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Onn> {
    let before = diags.len();
    let mut layers = Vec::new();
    let mut detect: Option<(Detection, crate::syntax::Span)> = None;
    let mut width = in_width;
    let mut last_layer_span = None;
    for stage in &b.stages {
        match stage {
            OnnStage::Layer(l) => {
                if let Some((_, dspan)) = detect {
                    diags.push(
                        Diagnostic::error("a layer after `detect`", l.span)
                            .with_note(dspan, "detection happens here")
                            .with_help("`detect` must be the last stage of the onn"),
                    );
                }
                if let Some(layer) = check_layer(l, width, diags) {
                    width = layer.out_width;
                    layers.push(layer);
                }
                last_layer_span = Some(l.span);
            }
            OnnStage::Detect(d) => {
                if let Some((_, first)) = detect {
                    diags.push(
                        Diagnostic::error("the onn detects twice", d.span)
                            .with_note(first, "first `detect` here")
                            .with_help("keep one `detect` stage, at the end"),
                    );
                    continue;
                }
                if d.mode.name != "threshold" {
                    let mut e = Diagnostic::error(
                        format!("unknown detection `{}`", d.mode.name),
                        d.mode.span,
                    )
                    .with_label("expected `threshold`");
                    if closest(&d.mode.name, &["threshold"]).is_some() {
                        e = e.with_help("did you mean `threshold`?");
                    }
                    diags.push(e);
                }
                detect = Some((Detection::Threshold, d.span));
            }
        }
    }
    if b.stages.iter().all(|s| !matches!(s, OnnStage::Layer(_))) {
        diags.push(
            Diagnostic::error("the onn has no layers", b.keyword).with_help(format!(
                "add e.g. `layer {out_bits}` (the last layer has one output per bit)"
            )),
        );
    }
    if detect.is_none() {
        diags.push(
            Diagnostic::error("the onn has no `detect` stage", b.keyword)
                .with_help("end the onn with `detect threshold`"),
        );
    }
    if diags.len() == before && width != out_bits as usize {
        if let Some(span) = last_layer_span {
            diags.push(
                Diagnostic::error(
                    format!("the last layer has {width} outputs, but {delivers} {out_bits} bits"),
                    span,
                )
                .with_label(format!("expected width {out_bits}"))
                .with_help(format!(
                    "the last layer's width must equal the output bits: `layer {out_bits}`"
                )),
            );
        }
    }
    if diags.len() != before {
        return None;
    }
    Some(Onn {
        layers,
        detect: detect?.0,
    })
}

fn check_layer(l: &Layer, in_width: usize, diags: &mut Vec<Diagnostic>) -> Option<OnnLayer> {
    let before = diags.len();
    let width_value = Value {
        kind: ValueKind::Number {
            number: l.width.clone(),
            unit: None,
        },
        span: l.width.span,
    };
    let out = int_in("layer width", &width_value, 1, 1024, diags).map(|n| n as usize);
    let mut activation = Activation::None;
    let mut weights = WeightRealization::UnitaryDiag;
    let mut mesh = MeshDesign::CLEMENTS;
    let mut seen: Vec<(&str, crate::syntax::Span)> = Vec::new();
    for c in &l.clauses {
        let kw = c.keyword.name.as_str();
        let Some(kw) = CLAUSES.iter().copied().find(|k| *k == kw) else {
            let mut d = Diagnostic::error(format!("unknown layer clause `{kw}`"), c.keyword.span)
                .with_label("expected `activation`, `weights` or `mesh`");
            if let Some(s) = closest(kw, CLAUSES) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            diags.push(d);
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == kw) {
            diags.push(
                Diagnostic::error(
                    format!("`{kw}` is given twice for this layer"),
                    c.keyword.span,
                )
                .with_note(*first, "first given here"),
            );
            continue;
        }
        seen.push((kw, c.keyword.span));
        match kw {
            "activation" => {
                if let Some(a) = check_activation(&c.value, diags) {
                    activation = a;
                }
            }
            "weights" => match realization(
                "weights",
                &c.value,
                &["svd", "unitary_diag", "segmented"],
                diags,
            ) {
                Some(Written::Svd) => weights = WeightRealization::Svd,
                Some(Written::Segmented(k)) => {
                    if let Some(out) = out {
                        check_blocks(
                            k,
                            &[("input width", in_width), ("output width", out)],
                            &c.value,
                            diags,
                        );
                    }
                    weights = WeightRealization::Segmented { block: k };
                }
                _ => {}
            },
            _ => {
                // Standard MZIs only: trained layers are built of them.
                if let Some(m) =
                    super::values::word_of("mesh", &c.value, &["clements", "reck"], diags)
                {
                    mesh = MeshDesign::parse(m).expect("mesh names");
                }
            }
        }
    }
    if diags.len() != before {
        return None;
    }
    Some(OnnLayer {
        in_width,
        out_width: out?,
        weights,
        mesh,
        activation,
        span: l.span,
    })
}

/// `none` or `eo([gain = G,] [bias = B rad,] [alpha = A])`.
fn check_activation(v: &Value, diags: &mut Vec<Diagnostic>) -> Option<Activation> {
    let Some((name, args)) = head(v) else {
        diags.push(
            Diagnostic::error(
                format!("`activation` expects an activation, found {}", describe(v)),
                v.span,
            )
            .with_label("expected `none` or `eo(gain = ..., bias = ... rad)`"),
        );
        return None;
    };
    match name {
        "none" => return Some(Activation::None),
        "eo" => {}
        _ => {
            unknown_choice("activation", name, v, &["none", "eo"], diags);
            return None;
        }
    }
    let before = diags.len();
    let (mut gain, mut bias, mut alpha) = (None, None, Some(0.1));
    let mut seen: Vec<&str> = Vec::new();
    for a in args {
        let Some(n) = &a.name else {
            diags.push(
                Diagnostic::error("`eo` takes named arguments", a.value.span)
                    .with_help("write `eo(gain = 0.5, bias = 0.2 rad)`"),
            );
            continue;
        };
        if seen.contains(&n.name.as_str()) {
            diags.push(Diagnostic::error(
                format!("`{}` is given twice", n.name),
                n.span,
            ));
            continue;
        }
        seen.push(n.name.as_str());
        match n.name.as_str() {
            "gain" => {
                gain = real_in(
                    "gain",
                    &a.value,
                    Quantity::Plain,
                    Range::open_closed(0.0, 100.0),
                    diags,
                )
            }
            "bias" => {
                let tau = 2.0 * std::f64::consts::PI;
                bias = real_in(
                    "bias",
                    &a.value,
                    Quantity::Angle,
                    Range::closed(-tau, tau),
                    diags,
                )
            }
            "alpha" => {
                alpha = real_in(
                    "alpha",
                    &a.value,
                    Quantity::Plain,
                    Range::half_open(0.0, 1.0),
                    diags,
                )
            }
            other => {
                let mut d = Diagnostic::error(format!("`eo` has no parameter `{other}`"), n.span)
                    .with_label("expected `gain`, `bias` or `alpha`");
                if let Some(s) = closest(other, &["gain", "bias", "alpha"]) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                diags.push(d);
            }
        }
    }
    if diags.len() != before {
        return None;
    }
    // gain and bias are optional: a design that sets them itself (the
    // reducer's photonic ADC) rejects them when given.
    Some(Activation::Eo {
        gain,
        bias_rad: bias,
        alpha: alpha?,
    })
}

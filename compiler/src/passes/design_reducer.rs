//! `design`: a reducer's contract (servers, bits, reduce) and its circuit:
//! the linear realization (`design::linear`), or the ONN photonic ADC
//! (`design::onn`), analytic; `train` tunes and trains it once it is a
//! netlist.
//!
//! DSL ↔ design (spec/reducer.md, "From the language"): both realizations
//! need `reduce = mean` and `preprocess = sum`; an `onn` must be exactly
//! `layer 2·bits activation eo(alpha = …)` then `layer bits`, then
//! `detect threshold`.

use super::{Pass, PassError};
use crate::check::program::{
    Activation, Link, Preprocess, Reduction as DslReduction, WeightRealization,
};
use crate::ir::{NetworkKind, Stage};
use crate::reducer::design::{self, LayerWeights, OnnOptions};
use crate::syntax::Span;
use crate::unit::{CompileUnit, ReducerLowering};
use optc_model::contract::Contract;
use optc_model::digit_serial::DigitSerial;
use optc_model::task::{StageTask, Task};

pub struct DesignReducer;

/// The ONN as written: per layer (out width, weights, activation).
struct WrittenLayer {
    width: usize,
    weights: WeightRealization,
    activation: Option<Activation>,
    span: Span,
}

impl Pass for DesignReducer {
    fn name(&self) -> &'static str {
        "design"
    }

    fn description(&self) -> &'static str {
        "design the reducer circuit: linear, or the ONN photonic ADC"
    }

    fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError> {
        let network = unit.name().to_string();
        let at = |span: Span, message: String, help: Option<String>| PassError::Design {
            network: network.clone(),
            message,
            help,
            span,
        };
        let fail = |message: String| at(unit.ir.span, message, None);
        let NetworkKind::Reducer {
            servers,
            bits,
            reduce,
            link,
            cascade,
            cell,
            ..
        } = &unit.ir.kind
        else {
            return Ok(());
        };
        if *reduce != DslReduction::Mean {
            return Err(fail(
                "the optical reducer realizes `reduce = mean` only (sum and weighted are contract-only); write `reduce = mean`".into(),
            ));
        }
        let mut preprocess = None;
        let mut layers: Vec<WrittenLayer> = Vec::new();
        let mut is_linear = false;
        for (_, stage) in unit.ir.stages() {
            match stage {
                Stage::Preprocess { kind, .. } => preprocess = Some(*kind),
                Stage::Combine { .. } => is_linear = true,
                Stage::Layer {
                    out_width,
                    weights,
                    span,
                    ..
                } => layers.push(WrittenLayer {
                    width: *out_width,
                    weights: *weights,
                    activation: None,
                    span: *span,
                }),
                Stage::Activation { activation, .. } => {
                    if let Some(l) = layers.last_mut() {
                        l.activation = Some(*activation);
                    }
                }
                _ => {}
            }
        }
        if preprocess != Some(Preprocess::Sum) {
            return Err(fail(
                "both reducer designs coherently combine all servers into one full sum first; write `preprocess = sum`".into(),
            ));
        }
        let contract = Contract::mean(*servers, *bits).map_err(|e| fail(e.to_string()))?;
        let mut notes = Vec::new();
        let lowering = if is_linear {
            let circuit = design::linear(&contract).map_err(|e| fail(e.to_string()))?;
            ReducerLowering {
                contract,
                realization: "linear",
                circuit,
                chain: None,
                layer_widths: Vec::new(),
                training_steps: 0,
                training_final_loss: None,
                training_time_s: 0.0,
            }
        } else {
            // Over PAM4 the onn is one digit-serial stage: its photonic ADC
            // reads the Gray bits of ℓ = D + c ∈ [0, 4N − 1].
            let chain = match link {
                Link::Pam4 if cascade.is_empty() => {
                    Some(DigitSerial::new(*servers, *bits).map_err(|e| fail(e.to_string()))?)
                }
                Link::Pam4 => {
                    Some(DigitSerial::cascade(*bits, cascade).map_err(|e| fail(e.to_string()))?)
                }
                Link::Amplitude => None,
            };
            let adc_bits = chain.map_or(*bits, |c| c.stage_bits());
            // Every level's unit is the same stage design (equal fan-ins).
            let unit_servers = chain.map_or(*servers, |c| c.fan_in()[0]);
            let choice = check_onn(&layers, adc_bits)
                .map_err(|e| at(e.span.unwrap_or(unit.ir.span), e.message, Some(e.help)))?;
            notes = choice.notes;
            let opts = OnnOptions {
                alpha: choice.alpha,
                weights: choice.weights,
                ..OnnOptions::default()
            };
            let circuit = match chain {
                None => design::onn(&contract, &opts),
                Some(_) => design::adc(
                    &Task::Stage(StageTask {
                        servers: unit_servers,
                        max_carry: unit_servers as i32 - 1,
                    }),
                    &opts,
                ),
            }
            .map_err(|e| fail(e.to_string()))?
            .with_cell(*cell);
            let width = 6 * adc_bits as usize;
            ReducerLowering {
                contract,
                realization: if chain.is_some() {
                    "digit_serial"
                } else {
                    "onn"
                },
                circuit,
                chain,
                layer_widths: vec![width, width],
                training_steps: 0,
                training_final_loss: None,
                training_time_s: 0.0,
            }
        };
        unit.reducer = Some(lowering);
        for (span, note) in notes {
            unit.warn(span, note);
        }
        Ok(())
    }
}

/// Why a written onn is not the photonic ADC, where, and what to write.
struct OnnMismatch {
    /// The layer concerned (None: the onn as a whole).
    span: Option<Span>,
    message: String,
    help: String,
}

/// What a written onn becomes: α, each layer's realization, and notes for
/// the report's warnings.
struct OnnChoice {
    alpha: f64,
    weights: [LayerWeights; 2],
    /// Each note with the layer it is about.
    notes: Vec<(Span, String)>,
}

/// Checks the written layers against the photonic-ADC structure.
fn check_onn(layers: &[WrittenLayer], bits: u32) -> Result<OnnChoice, OnnMismatch> {
    let b = bits as usize;
    let help = format!(
        "the onn realization is the photonic ADC of spec/reducer.md: write exactly\n  \
         layer {} activation eo(alpha = 0.1) weights unitary_diag\n  \
         layer {b} weights unitary_diag\n  detect threshold\n\
         (layer 1: two phase-modulated rails per result bit; layer 2: one balanced comparator per bit;\n\
         `weights svd` instead of unitary_diag adds a V† mesh per bit block)",
        2 * b
    );
    let mismatch = |span: Option<Span>, message: String| OnnMismatch {
        span,
        message,
        help: help.clone(),
    };
    let [l1, l2] = layers else {
        let at = layers.get(2).map(|l| l.span);
        return Err(mismatch(
            at,
            format!("the onn has {} layers, the design 2", layers.len()),
        ));
    };
    if l1.width != 2 * b || l2.width != b {
        let at = if l1.width != 2 * b { l1.span } else { l2.span };
        return Err(mismatch(
            Some(at),
            format!(
                "the onn's layer widths are [{}, {}], expected [{}, {b}]",
                l1.width,
                l2.width,
                2 * b
            ),
        ));
    }
    let mut weights = [LayerWeights::UnitaryDiag; 2];
    let mut notes = Vec::new();
    for (i, l) in [l1, l2].iter().enumerate() {
        weights[i] = match l.weights {
            WeightRealization::Svd => LayerWeights::Svd,
            WeightRealization::UnitaryDiag => LayerWeights::UnitaryDiag,
            WeightRealization::Segmented { block } => {
                notes.push((
                    l.span,
                    format!(
                    "layer {}: segmented({block}) is realized as unitary_diag: the design's layer \
                     is block-diagonal already, one 6-mode block per bit (its rails with their \
                     bias and arm modes) realized as the block's mesh U with attenuators Σ, so \
                     no {block}×{block} segmentation of the layer's matrix changes the circuit",
                    i + 1
                ),
                ));
                LayerWeights::UnitaryDiag
            }
        };
    }
    if let Some(a) = l2.activation {
        if a != Activation::None {
            return Err(mismatch(
                Some(l2.span),
                "layer 2 must have no activation".into(),
            ));
        }
    }
    match l1.activation {
        Some(Activation::Eo {
            gain: None,
            bias_rad: None,
            alpha,
        }) => Ok(OnnChoice {
            alpha,
            weights,
            notes,
        }),
        Some(Activation::Eo { .. }) => Err(mismatch(
            Some(l1.span),
            "layer 1: the design sets each bit's activation gain (its phase slope) and bias itself; \
             remove `gain` and `bias` from `eo(...)` and keep only `alpha`"
                .into(),
        )),
        _ => Err(mismatch(
            Some(l1.span),
            "layer 1 needs an `eo` activation".into(),
        )),
    }
}

//! `optc train`: emulated data-parallel training with the optical reducer
//! next to ring all-reduce and the quantized integer contract. The work is
//! in `optc_train`; this file parses arguments, builds the
//! reducers (the optical one from a compiled netlist), shows progress and
//! writes the outputs.

use super::CliError;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use optc_sim::programmed;
use optc_train::comm_model::CommParams;
use optc_train::digits::DigitsCnn;
use optc_train::llama::{LlamaOptions, WikiLlama};
use optc_train::optical::OpticalReducer;
use optc_train::quantized::{QuantOptions, QuantizedReducer};
use optc_train::reduce::GradReducer;
use optc_train::ring::RingReducer;
use optc_train::run::{train_with, write_outputs, TrainConfig};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Workload {
    /// A small CNN on the 8×8 digits (1,437 train / 360 test); test accuracy.
    DigitsCnn,
    /// A small LLaMA-style decoder on WikiText-2 (train on valid, test on
    /// test); test perplexity.
    WikiLlama,
}

/// Per-workload defaults of the shared training flags.
struct Defaults {
    epochs: usize,
    batch: usize,
    lr: f64,
    eval_every: Option<usize>,
}

impl Workload {
    fn defaults(self) -> Defaults {
        match self {
            Workload::DigitsCnn => Defaults {
                epochs: 20,
                batch: 64,
                lr: 3e-3,
                eval_every: None,
            },
            Workload::WikiLlama => Defaults {
                epochs: LLAMA_EPOCHS,
                batch: 32,
                lr: 3e-3,
                eval_every: Some(30),
            },
        }
    }
}

const LLAMA_EPOCHS: usize = 2;

/// Code bits without a netlist: those of the default example reducers
/// (optinc_4x8b, optinc_8x8b), the paper's 8-bit operating point.
const DEFAULT_BITS: u32 = 8;

/// The wiki-llama decoder's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LlamaConfig {
    /// 2 layers, d = 64, 4 heads, 64-token context (304,704 parameters).
    Small,
    /// The paper's model: 8 layers, d = 384, 8 heads; 128-token context
    /// (15.4 M parameters with the corpus's 3,188-word vocabulary).
    Paper,
}

struct Shape {
    d_model: usize,
    layers: usize,
    heads: usize,
    context: usize,
}

impl LlamaConfig {
    fn shape(self) -> Shape {
        match self {
            LlamaConfig::Small => Shape {
                d_model: 64,
                layers: 2,
                heads: 4,
                context: 64,
            },
            LlamaConfig::Paper => Shape {
                d_model: 384,
                layers: 8,
                heads: 8,
                context: 128,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReducerKind {
    /// Quantized codes through the compiled reducer netlist (--reducer).
    Optical,
    /// Ring all-reduce of fp32 gradients (the baseline).
    Ring,
    /// Quantized codes, exact integer mean (the reducer contract).
    Quantized,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Defaults per workload: digits-cnn --epochs 20 --batch 64 \
                        --lr 0.003 (evaluated every epoch); wiki-llama --epochs 2 \
                        --batch 32 --lr 0.003 --eval-every 30 --eval-tokens 32768. \
                        Codes are 8 bits unless --bits or the --reducer netlist says \
                        otherwise. The paper's LLaMA model: --workload wiki-llama \
                        --llama-config paper."
)]
pub struct TrainArgs {
    /// The training workload.
    #[arg(long, value_enum, default_value_t = Workload::DigitsCnn)]
    pub workload: Workload,
    /// Number of data-parallel workers (replicas).
    #[arg(long)]
    pub workers: usize,
    /// The compiled reducer netlist (NAME.netlist.yaml); needed by `optical`,
    /// and its bit width is used by `quantized` too.
    #[arg(long, value_name = "FILE")]
    pub reducer: Option<PathBuf>,
    /// The phase file [default: NAME.phases.yaml next to the netlist].
    #[arg(long, value_name = "FILE")]
    pub phases: Option<PathBuf>,
    /// A device file: the optical reducer runs on one sampled instance
    /// (static errors and detector noise from --seed).
    #[arg(long, value_name = "FILE")]
    pub device: Option<PathBuf>,
    /// Calibrate that chip first on its own comparator signals, as
    /// `optc calibrate` does (a chip is calibrated once after fabrication).
    #[arg(long, requires = "device")]
    pub calibrate: bool,
    /// Reducers to compare, in order.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "ring,quantized,optical"
    )]
    pub reducers: Vec<ReducerKind>,
    /// Passes over the training data [default: per workload].
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Seed of the initial weights, the batch order, stochastic rounding
    /// and the device instance.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Global batch size, images or sequences (a multiple of --workers)
    /// [default: per workload].
    #[arg(long)]
    pub batch: Option<usize>,
    /// AdamW learning rate [default: per workload].
    #[arg(long)]
    pub lr: Option<f64>,
    /// Evaluate every N steps (and after the last) instead of every epoch
    /// [default: per workload].
    #[arg(long, value_name = "N")]
    pub eval_every: Option<usize>,
    /// Code bits when no --reducer netlist gives them [default: 8].
    #[arg(long)]
    pub bits: Option<u32>,
    /// Stochastic rounding of g/s (default: round half to even).
    #[arg(long)]
    pub stochastic_rounding: bool,
    /// Carry each worker's quantization error into its next gradient.
    #[arg(long)]
    pub error_feedback: bool,
    /// Elements per shared quantization scale (0: one scale per tensor).
    #[arg(long, value_name = "K", default_value_t = 256)]
    pub bucket: usize,
    /// digits-cnn: use only the first N training samples (quick runs).
    #[arg(long, value_name = "N")]
    pub train_samples: Option<usize>,
    /// wiki-llama: use only the first N training tokens (quick runs).
    #[arg(long, value_name = "N")]
    pub train_tokens: Option<usize>,
    /// wiki-llama: evaluate on the first N test tokens (of 244,102).
    #[arg(long, value_name = "N", default_value_t = 32_768)]
    pub eval_tokens: usize,
    /// wiki-llama: the decoder's shape; `paper` is the paper's LLaMA-style
    /// model (8 layers, d = 384, 8 heads, 128-token context). --context,
    /// --d-model, --layers and --heads override it.
    #[arg(long, value_enum, default_value_t = LlamaConfig::Small)]
    pub llama_config: LlamaConfig,
    /// wiki-llama: tokens per sequence [default: 64; paper: 128].
    #[arg(long)]
    pub context: Option<usize>,
    /// wiki-llama: model width [default: 64; paper: 384].
    #[arg(long)]
    pub d_model: Option<usize>,
    /// wiki-llama: decoder blocks [default: 2; paper: 8].
    #[arg(long)]
    pub layers: Option<usize>,
    /// wiki-llama: attention heads, d_model / heads even [default: 4; paper: 8].
    #[arg(long)]
    pub heads: Option<usize>,
    /// wiki-llama: words seen fewer times in the training text become <unk>.
    #[arg(long, default_value_t = 8)]
    pub min_count: usize,
    /// Link bandwidth B of the communication model, Gb/s.
    #[arg(long, default_value_t = 100.0)]
    pub link_gbps: f64,
    /// Per-hop latency α of a ring step, µs.
    #[arg(long, default_value_t = 5.0)]
    pub hop_latency_us: f64,
    /// Latency of one pass through the optical reducer, µs.
    #[arg(long, default_value_t = 1.0)]
    pub optical_latency_us: f64,
    /// Output folder for metrics.csv, summary.yaml and curves.svg.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

fn input_err(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

/// A netlist-backed reducer: its servers, bits and executor.
struct OpticalSetup {
    servers: usize,
    bits: u32,
    exec: optc_train::optical::CodeExecutor,
}

/// Loads the netlist, phases and device exactly as `optc reduce` does and wraps its
/// per-sum executor; each call re-seeds the detector noise from
/// (seed, call index) so every step draws fresh, reproducible noise.
fn load_optical(args: &TrainArgs) -> Result<Option<OpticalSetup>, CliError> {
    let Some(path) = &args.reducer else {
        return Ok(None);
    };
    let chip = programmed::load_reducer(
        path,
        args.phases.as_deref(),
        args.device.as_deref(),
        args.seed,
        args.calibrate,
    )?;
    let mut exec = chip.executor(args.seed).map_err(input_err)?;
    let seed = args.seed;
    let mut calls = 0u64;
    Ok(Some(OpticalSetup {
        servers: chip.servers,
        bits: chip.bits,
        exec: Box::new(move |codes, out| {
            calls += 1;
            exec.set_noise_seed(seed ^ calls.wrapping_mul(0xD6E8_FEB8_6659_FD93));
            exec.reduce(codes, out).map_err(|e| e.to_string())
        }),
    }))
}

pub fn run(args: TrainArgs) -> Result<(), CliError> {
    if args.reducers.is_empty() {
        return Err(input_err("--reducers is empty"));
    }
    for (name, v) in [
        ("--link-gbps", args.link_gbps),
        ("--hop-latency-us", args.hop_latency_us),
        ("--optical-latency-us", args.optical_latency_us),
        ("--lr", args.lr.unwrap_or(0.0)),
    ] {
        if !(v.is_finite() && v >= 0.0) || (name == "--link-gbps" && v == 0.0) {
            return Err(input_err(format!(
                "{name} must be a positive number (got {v})"
            )));
        }
    }
    let wants_optical = args.reducers.contains(&ReducerKind::Optical);
    if wants_optical && args.reducer.is_none() {
        return Err(input_err(
            "the optical reducer needs a compiled reducer netlist: pass --reducer \
             NAME.netlist.yaml, or --reducers ring,quantized to run without it",
        ));
    }
    let optical = load_optical(&args)?;
    let bits = match (&optical, args.bits) {
        (Some(o), Some(b)) if o.bits != b => {
            return Err(input_err(format!(
                "--bits {b} disagrees with the reducer netlist's {} bits",
                o.bits
            )))
        }
        (Some(o), _) => o.bits,
        (None, b) => b.unwrap_or(DEFAULT_BITS),
    };
    if let Some(o) = &optical {
        if o.servers != args.workers {
            return Err(input_err(format!(
                "the reducer netlist serves {} servers but --workers is {}: compile a \
                 reducer with servers = {} or pass --workers {}",
                o.servers, args.workers, args.workers, o.servers
            )));
        }
    }
    let defaults = args.workload.defaults();
    let shape = args.llama_config.shape();
    let workload: Box<dyn optc_train::Workload> = match args.workload {
        Workload::DigitsCnn => Box::new(DigitsCnn::load(args.train_samples).map_err(input_err)?),
        Workload::WikiLlama => Box::new(
            WikiLlama::load(LlamaOptions {
                d_model: args.d_model.unwrap_or(shape.d_model),
                layers: args.layers.unwrap_or(shape.layers),
                heads: args.heads.unwrap_or(shape.heads),
                context: args.context.unwrap_or(shape.context),
                min_count: args.min_count,
                train_tokens: args.train_tokens,
                eval_tokens: Some(args.eval_tokens),
            })
            .map_err(input_err)?,
        ),
    };
    let test_samples = match args.workload {
        Workload::DigitsCnn => optc_train::digits::data::TEST_SIZE,
        Workload::WikiLlama => args.eval_tokens,
    };
    let cfg = TrainConfig {
        workload: workload.name().into(),
        workers: args.workers,
        epochs: args.epochs.unwrap_or(defaults.epochs),
        batch: args.batch.unwrap_or(defaults.batch),
        lr: args.lr.unwrap_or(defaults.lr),
        seed: args.seed,
        bits,
        bucket: args.bucket,
        train_samples: workload.train_len(),
        test_samples,
        eval_every: args.eval_every.or(defaults.eval_every),
        comm: CommParams {
            link_gbps: args.link_gbps,
            hop_latency_us: args.hop_latency_us,
            optical_latency_us: args.optical_latency_us,
        },
    };
    cfg.validate().map_err(input_err)?;
    let quant = QuantOptions {
        bits,
        stochastic: args.stochastic_rounding,
        error_feedback: args.error_feedback,
        seed: args.seed,
        bucket: args.bucket,
    };

    let total = (cfg.steps_per_epoch() * cfg.epochs * args.reducers.len()) as u64;
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(total)
    };
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} steps ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut optical = optical;
    let mut runs = Vec::new();
    let mut done = 0u64;
    for kind in &args.reducers {
        let mut reducer: Box<dyn GradReducer> = match kind {
            ReducerKind::Ring => Box::new(RingReducer),
            ReducerKind::Quantized => Box::new(QuantizedReducer::new(quant).map_err(input_err)?),
            ReducerKind::Optical => {
                let setup = optical
                    .take()
                    .ok_or_else(|| input_err("the optical reducer can run once per command"))?;
                Box::new(
                    OpticalReducer::new(setup.servers, args.workers, quant, setup.exec)
                        .map_err(input_err)?,
                )
            }
        };
        bar.set_message(reducer.name());
        let base = done;
        let run = train_with(&cfg, workload.as_ref(), reducer.as_mut(), &mut |s| {
            bar.set_position(base + s as u64)
        })
        .map_err(input_err)?;
        done += run.summary.steps as u64;
        runs.push(run);
    }
    bar.finish_and_clear();
    let summary = write_outputs(&args.out, &cfg, workload.as_ref(), &runs)
        .map_err(|e| input_err(format!("cannot write to `{}`: {e}", args.out.display())))?;
    if !args.quiet {
        for s in &summary.reducers {
            let vs = s
                .vs_ring
                .as_ref()
                .map(|v| {
                    let metric = match (v.test_accuracy_delta, v.test_perplexity_gap) {
                        (Some(d), _) => format!("Δacc {:+.2} pp", 100.0 * d),
                        (_, Some(g)) => format!("perplexity {:+.2}% vs ring", 100.0 * g),
                        _ => String::new(),
                    };
                    format!("  {metric}, comm saving {:.1}%", 100.0 * v.comm_saving)
                })
                .unwrap_or_default();
            let metric = match (s.final_test_accuracy, s.final_test_perplexity) {
                (Some(a), _) => format!("test accuracy {:.2}%", 100.0 * a),
                (_, Some(p)) => format!("test perplexity {p:.2}"),
                _ => String::new(),
            };
            println!(
                "{:>10}: {metric}, train loss {:.4}, modeled comm {:.2} µs/step, \
                 step wall {:.1} ms{vs}",
                s.reducer,
                s.final_train_loss,
                1e6 * s.modeled_comm_s_per_step,
                1e3 * s.measured_step_wall_s
            );
        }
        println!(
            "wrote {}/{{metrics.csv,summary.yaml,curves.svg}}",
            args.out.display()
        );
    }
    Ok(())
}

//! `optc model`: the step-time model of data-parallel training in a
//! cluster (spec/model.md): compute, communication and step time of ring,
//! tree, in-switch and OptINC reduction, and with `--project DIR` the
//! projection to 4 … 1024 servers and 0.1 … 70 B parameters.

use super::CliError;
use clap::{Args, ValueEnum};
use optc_formats::fsio::write_atomic;
use optc_train::step_model::plot::projection_svg;
use optc_train::step_model::presets::{self, ModelPreset};
use optc_train::step_model::projection;
use optc_train::step_model::{
    evaluate, Evaluation, Network, OpticalUnit, Setting, Switch, Workload,
};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    /// ResNet-50 on CIFAR-100 (CIFAR stem): 23.7 M parameters, 7.8 GFLOP
    /// per training sample, 32 images per server.
    Resnet50Cifar100,
    /// The paper's LLaMA-style model: 8 layers, d = 384, 8 heads, 32k
    /// vocabulary, 512-token context: 38.7 M parameters, 8 sequences.
    PaperLlama,
    /// LLaMA-7B: 6.74 B parameters, 2048-token context, 8 sequences.
    #[value(name = "llama-7b")]
    Llama7b,
    /// LLaMA-2-70B: 68.98 B parameters, 4096-token context, 4 sequences.
    #[value(name = "llama-70b")]
    Llama70b,
}

impl Preset {
    fn model(self) -> ModelPreset {
        match self {
            Preset::Resnet50Cifar100 => ModelPreset::Resnet50Cifar100,
            Preset::PaperLlama => ModelPreset::PaperLlama,
            Preset::Llama7b => ModelPreset::Llama7b,
            Preset::Llama70b => ModelPreset::Llama70b,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AcceleratorPreset {
    /// H100 SXM: 989.4 TFLOP/s dense BF16.
    H100,
    /// A100 SXM: 312 TFLOP/s dense BF16.
    A100,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Every formula is in spec/model.md. Example, the paper's \
                        ResNet-50 setting: optc model --preset resnet50-cifar100 \
                        --servers 4 --transceivers 8 --transceiver-gbps 800"
)]
pub struct ModelArgs {
    /// The workload: its parameters, FLOPs per sample and samples per server.
    #[arg(long, value_enum, default_value_t = Preset::Resnet50Cifar100)]
    pub preset: Preset,
    /// Trainable parameters (gradient elements) [default: the preset's].
    #[arg(long)]
    pub params: Option<f64>,
    /// Training FLOPs (forward + backward) per sample [default: the preset's].
    #[arg(long)]
    pub flops_per_sample: Option<f64>,
    /// Samples (images or sequences) per server per step [default: the preset's].
    #[arg(long)]
    pub samples_per_server: Option<f64>,
    /// The accelerator of every server.
    #[arg(long, value_enum, default_value_t = AcceleratorPreset::H100)]
    pub accelerator: AcceleratorPreset,
    /// Peak FLOP/s in TFLOP/s [default: the accelerator's].
    #[arg(long)]
    pub peak_tflops: Option<f64>,
    /// Sustained fraction of the peak [default: 0.4].
    #[arg(long)]
    pub utilization: Option<f64>,
    /// Servers (data-parallel replicas), 1..=1024.
    #[arg(long, default_value_t = 4)]
    pub servers: usize,
    /// Optical transceivers per server.
    #[arg(long, default_value_t = 8)]
    pub transceivers: usize,
    /// Line rate of one transceiver, Gb/s.
    #[arg(long, default_value_t = 800.0)]
    pub transceiver_gbps: f64,
    /// Latency α of one hop (server–switch or server–server), µs.
    #[arg(long, default_value_t = 5.0)]
    pub hop_latency_us: f64,
    /// Bits per gradient element of the electronic schemes (32: fp32, 16: bf16).
    #[arg(long, default_value_t = 32)]
    pub grad_bits: u32,
    /// OptINC code bits per element.
    #[arg(long, default_value_t = 8)]
    pub bits: u32,
    /// OptINC: elements per shared fp32 scale.
    #[arg(long, default_value_t = 256)]
    pub bucket: usize,
    /// OptINC: latency of one optical pass (one digit stage), ns.
    #[arg(long, default_value_t = 100.0)]
    pub pass_latency_ns: f64,
    /// OptINC: servers per unit of a cascade (a power of two, 2..=64).
    #[arg(long, default_value_t = 4)]
    pub unit_servers: usize,
    /// in_switch: latency one switch's aggregation adds, µs.
    #[arg(long, default_value_t = 1.0)]
    pub switch_latency_us: f64,
    /// in_switch: the switch's rate toward one server, Gb/s [default: a
    /// server's transceivers × rate].
    #[arg(long)]
    pub switch_port_gbps: Option<f64>,
    /// Servers one switch reaches: in_switch and optinc cross
    /// ⌈log_radix N⌉ switch tiers each way.
    #[arg(long, default_value_t = 64)]
    pub switch_radix: usize,
    /// Fraction of the backward pass (2/3 of compute) that communication
    /// hides behind (0: none, as in the paper's comparison).
    #[arg(long, default_value_t = 0.0)]
    pub overlap: f64,
    /// Output format of the setting's figures.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also project the setting to 4 … 1024 servers × 0.1 … 70 B parameters:
    /// writes DIR/projection.{csv,svg} and DIR/winners.csv.
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
}

fn input_err(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

fn setting(args: &ModelArgs) -> Setting {
    let preset = args.preset.model();
    let base = preset.workload();
    let mut accelerator = match args.accelerator {
        AcceleratorPreset::H100 => presets::h100(),
        AcceleratorPreset::A100 => presets::a100(),
    };
    if let Some(t) = args.peak_tflops {
        accelerator.peak_flops = t * 1e12;
    }
    if let Some(u) = args.utilization {
        accelerator.utilization = u;
    }
    let network = Network {
        servers: args.servers,
        transceivers: args.transceivers,
        transceiver_bps: args.transceiver_gbps * 1e9,
        hop_latency_s: args.hop_latency_us * 1e-6,
        grad_bits: args.grad_bits,
    };
    Setting {
        workload: Workload {
            params: args.params.unwrap_or(base.params),
            train_flops_per_sample: args.flops_per_sample.unwrap_or(base.train_flops_per_sample),
            samples_per_server: args.samples_per_server.unwrap_or(base.samples_per_server),
            name: base.name,
        },
        accelerator,
        switch: Switch {
            latency_s: args.switch_latency_us * 1e-6,
            port_bps: args
                .switch_port_gbps
                .map_or(network.server_bps(), |g| g * 1e9),
            radix: args.switch_radix,
        },
        network,
        optical: OpticalUnit {
            bits: args.bits,
            bucket: args.bucket,
            pass_latency_s: args.pass_latency_ns * 1e-9,
            unit_servers: args.unit_servers,
        },
        overlap: args.overlap,
    }
}

#[derive(Serialize)]
struct JsonOut<'a> {
    setting: &'a Setting,
    server_bps: f64,
    switch_tiers: usize,
    scales: f64,
    cascade: &'a Option<optc_train::step_model::schemes::Cascade>,
    schemes: serde_json::Map<String, serde_json::Value>,
    fastest: &'static str,
}

fn json(setting: &Setting, e: &Evaluation) -> Result<String, CliError> {
    let mut schemes = serde_json::Map::new();
    for t in &e.schemes {
        schemes.insert(
            t.scheme.name().into(),
            serde_json::json!({
                "compute_s": t.compute_s,
                "comm_s": t.comm_s,
                "step_s": t.step_s,
                "normalized_latency": t.normalized_latency,
            }),
        );
    }
    serde_json::to_string_pretty(&JsonOut {
        setting,
        server_bps: e.server_bps,
        switch_tiers: e.switch_tiers,
        scales: e.scales,
        cascade: &e.cascade,
        schemes,
        fastest: e.fastest().name(),
    })
    .map_err(input_err)
}

fn text(s: &Setting, e: &Evaluation) -> String {
    let w = &s.workload;
    let mut out = format!(
        "{}: {:.4} M parameters, {:.3} GFLOP per sample × {} per server; {} at {:.1} TFLOP/s × {:.2}\n\
         {} servers × {} transceivers × {} Gb/s = {:.1} Tb/s each, hop {} µs, {} switch tier(s) of radix {}\n",
        w.name,
        w.params / 1e6,
        w.train_flops_per_sample / 1e9,
        w.samples_per_server,
        s.accelerator.name,
        s.accelerator.peak_flops / 1e12,
        s.accelerator.utilization,
        s.network.servers,
        s.network.transceivers,
        s.network.transceiver_bps / 1e9,
        e.server_bps / 1e12,
        s.network.hop_latency_s * 1e6,
        e.switch_tiers,
        s.switch.radix,
    );
    if let Some(c) = &e.cascade {
        out += &format!(
            "optinc: {} bits, scale per {} elements, cascade {:?} ({} units), {} passes of {:.1} ns\n",
            s.optical.bits,
            s.optical.bucket,
            c.fan_in,
            c.units,
            c.passes,
            s.optical.pass_latency_s * 1e9
        );
    }
    out += &format!(
        "{:<10} {:>12} {:>12} {:>12} {:>11}\n",
        "scheme", "compute µs", "comm µs", "step µs", "vs ring"
    );
    for t in &e.schemes {
        out += &format!(
            "{:<10} {:>12.2} {:>12.2} {:>12.2} {:>11.4}\n",
            t.scheme.name(),
            t.compute_s * 1e6,
            t.comm_s * 1e6,
            t.step_s * 1e6,
            t.normalized_latency
        );
    }
    out
}

fn project(base: &Setting, dir: &std::path::Path) -> Result<String, CliError> {
    let table = projection::table(base).map_err(input_err)?;
    let winners = projection::winners(base).map_err(input_err)?;
    let mut curves = Vec::new();
    for &servers in &optc_train::step_model::plot::PANELS {
        curves.extend(projection::curve(base, servers).map_err(input_err)?);
    }
    let title = format!(
        "{} samples/server as set, compute ∝ parameters; {} Tb/s per server, {}-bit OptINC",
        base.workload.name,
        base.network.server_bps() / 1e12,
        base.optical.bits
    );
    let svg = projection_svg(&curves, &title).map_err(input_err)?;
    let mut w = String::from("among,servers,scheme,from_params,to_params\n");
    let mut summary = String::new();
    for x in &winners {
        w += &format!(
            "{},{},{},{:.4e},{:.4e}\n",
            x.among,
            x.servers,
            x.scheme.name(),
            x.from_params,
            x.to_params
        );
        summary += &format!(
            "  {:<10} {:>5} servers: {:<9} fastest from {:.3} B to {:.3} B parameters\n",
            x.among,
            x.servers,
            x.scheme.name(),
            x.from_params / 1e9,
            x.to_params / 1e9
        );
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| input_err(format!("cannot create `{}`: {e}", dir.display())))?;
    for (name, bytes) in [
        ("projection.csv", projection::table_csv(&table)),
        ("projection.svg", svg),
        ("winners.csv", w),
    ] {
        let path = dir.join(name);
        write_atomic(&path, bytes.as_bytes())
            .map_err(|e| input_err(format!("cannot write `{}`: {e}", path.display())))?;
    }
    Ok(summary)
}

pub fn run(args: ModelArgs) -> Result<(), CliError> {
    let s = setting(&args);
    let e = evaluate(&s).map_err(input_err)?;
    // The projection is computed before anything is printed, so a failure
    // leaves no partial output.
    let projected = args
        .project
        .as_deref()
        .map(|d| project(&s, d))
        .transpose()?;
    match args.format {
        Format::Json => println!("{}", json(&s, &e)?),
        Format::Text => {
            print!("{}", text(&s, &e));
            if let (Some(dir), Some(summary)) = (&args.project, &projected) {
                println!(
                    "projection: {}/{{projection.csv,projection.svg,winners.csv}}\n{summary}",
                    dir.display()
                );
            }
        }
    }
    Ok(())
}

//! The inputs of the step-time model, validated once.

use serde::Serialize;
use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum StepModelError {
    #[error("{what} must be a finite number {range} (got {value})")]
    Range {
        what: &'static str,
        range: &'static str,
        value: f64,
    },
    #[error("{what} must be {range} (got {value})")]
    Count {
        what: &'static str,
        range: &'static str,
        value: usize,
    },
    #[error("the OptINC cascade for {servers} servers: {reason}")]
    Cascade { servers: usize, reason: String },
}

/// What one server computes per step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workload {
    pub name: String,
    /// Trainable parameters P = gradient elements reduced per step.
    pub params: f64,
    /// Training FLOPs (forward + backward) of one sample.
    pub train_flops_per_sample: f64,
    /// Samples (images, or sequences) per server per step.
    pub samples_per_server: f64,
}

/// One server's accelerator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Accelerator {
    pub name: String,
    /// Peak dense FLOP/s at the training precision.
    pub peak_flops: f64,
    /// Sustained fraction of the peak (model FLOPs utilisation).
    pub utilization: f64,
}

/// The servers and their links.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Network {
    pub servers: usize,
    pub transceivers: usize,
    /// Line rate of one transceiver, bits/s.
    pub transceiver_bps: f64,
    /// Latency α of one hop (server to switch, or server to server), s.
    pub hop_latency_s: f64,
    /// Bits per gradient element in the electronic schemes (32: fp32).
    pub grad_bits: u32,
}

impl Network {
    /// A server's aggregate bandwidth B = transceivers × line rate.
    pub fn server_bps(&self) -> f64 {
        self.transceivers as f64 * self.transceiver_bps
    }
}

/// The switch fabric of `in_switch` and `optinc`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Switch {
    /// Latency α_sw one electronic switch's aggregation adds, s.
    pub latency_s: f64,
    /// The switch's rate toward one server, bits/s.
    pub port_bps: f64,
    /// Servers one switch reaches (k): N servers need ⌈log_k N⌉ tiers.
    pub radix: usize,
}

impl Switch {
    /// Tiers D of a k-ary switch tree over N ≥ 2 servers: the least D
    /// with k^D ≥ N.
    pub fn tiers(&self, servers: usize) -> usize {
        let mut d = 1;
        let mut reach = self.radix;
        while reach < servers {
            reach = reach.saturating_mul(self.radix);
            d += 1;
        }
        d
    }
}

/// The OptINC reducer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpticalUnit {
    /// Code bits b per gradient element.
    pub bits: u32,
    /// Elements per shared fp32 scale (K).
    pub bucket: usize,
    /// Latency of one optical pass (one digit stage: modulate, propagate,
    /// detect), s.
    pub pass_latency_s: f64,
    /// Servers per unit F: cascades are built of F-server units.
    pub unit_servers: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting {
    pub workload: Workload,
    pub accelerator: Accelerator,
    pub network: Network,
    pub switch: Switch,
    pub optical: OpticalUnit,
    /// Fraction of the backward pass (2/3 of compute) that communication
    /// may hide behind; 0 = no overlap.
    pub overlap: f64,
}

fn positive(what: &'static str, value: f64) -> Result<(), StepModelError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(StepModelError::Range {
            what,
            range: "> 0",
            value,
        })
    }
}

fn non_negative(what: &'static str, value: f64) -> Result<(), StepModelError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(StepModelError::Range {
            what,
            range: "≥ 0",
            value,
        })
    }
}

fn count(
    what: &'static str,
    value: usize,
    ok: bool,
    range: &'static str,
) -> Result<(), StepModelError> {
    if ok {
        Ok(())
    } else {
        Err(StepModelError::Count { what, range, value })
    }
}

impl Setting {
    pub fn validate(&self) -> Result<(), StepModelError> {
        let w = &self.workload;
        positive("--params", w.params)?;
        non_negative("--flops-per-sample", w.train_flops_per_sample)?;
        non_negative("--samples-per-server", w.samples_per_server)?;
        positive("--peak-tflops", self.accelerator.peak_flops)?;
        let u = self.accelerator.utilization;
        if !(u.is_finite() && u > 0.0 && u <= 1.0) {
            return Err(StepModelError::Range {
                what: "--utilization",
                range: "in (0, 1]",
                value: u,
            });
        }
        let n = &self.network;
        count(
            "--servers",
            n.servers,
            (1..=optc_model::digit_serial::MAX_SERVERS).contains(&n.servers),
            "in 1..=1024",
        )?;
        count("--transceivers", n.transceivers, n.transceivers >= 1, "≥ 1")?;
        positive("--transceiver-gbps", n.transceiver_bps)?;
        non_negative("--hop-latency-us", n.hop_latency_s)?;
        count(
            "--grad-bits",
            n.grad_bits as usize,
            (1..=64).contains(&n.grad_bits),
            "in 1..=64",
        )?;
        non_negative("--switch-latency-us", self.switch.latency_s)?;
        positive("--switch-port-gbps", self.switch.port_bps)?;
        count(
            "--switch-radix",
            self.switch.radix,
            self.switch.radix >= 2,
            "≥ 2",
        )?;
        let o = &self.optical;
        count(
            "--bits",
            o.bits as usize,
            (2..=16).contains(&o.bits),
            "in 2..=16",
        )?;
        count("--bucket", o.bucket, o.bucket >= 1, "≥ 1")?;
        non_negative("--pass-latency-ns", o.pass_latency_s)?;
        count(
            "--unit-servers",
            o.unit_servers,
            o.unit_servers.is_power_of_two() && (2..=64).contains(&o.unit_servers),
            "a power of two in 2..=64",
        )?;
        let v = self.overlap;
        if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
            return Err(StepModelError::Range {
                what: "--overlap",
                range: "in [0, 1]",
                value: v,
            });
        }
        Ok(())
    }
}

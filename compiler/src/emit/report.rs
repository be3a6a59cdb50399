//! `NAME.report.yaml`: what was built and how well it realizes the source.
//! Every figure is computed from the emitted netlist or by simulating it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const REPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub version: u32,
    pub name: String,
    /// `linear` or `reducer`.
    pub kind: String,
    /// The source file as given on the command line.
    pub source: String,
    /// The device profile the network targets.
    pub device: String,
    /// Instances by component kind.
    pub components: BTreeMap<String, usize>,
    pub mzi_count: usize,
    /// The same network with every weight matrix realized as a full SVD.
    pub mzi_count_full_svd: usize,
    /// 1 − mzi_count / mzi_count_full_svd.
    pub mzi_saving: f64,
    /// Most MZIs any light path crosses.
    pub optical_depth: usize,
    /// Insertion loss of the worst path from the device's per-MZI loss (dB);
    /// intended attenuation and fan-out splitting are not counted.
    pub worst_path_loss_db: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linear: Option<LinearReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reducer: Option<ReducerReport>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A reducer's figures, all measured by executing the emitted netlist.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReducerReport {
    pub servers: usize,
    pub bits: u32,
    /// `linear` or `onn`.
    pub realization: String,
    /// Fraction of inputs whose delivered code equals the contract on the
    /// nominal target chip (its DAC, loss and crosstalk; no random errors).
    pub exact_match_rate: f64,
    /// The nominal chip realizes phases through this DAC (the target's;
    /// absent: continuous phases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal_phase_bits: Option<u32>,
    /// How the ideal figure was obtained: `exhaustive` (every input vector
    /// through the netlist), `sums` (every distinct sum through the netlist,
    /// weighted by multiplicity: exact for a sum-only circuit) or `sampled N`.
    pub coverage: String,
    pub max_error_lsb: i64,
    /// The shipped phase file on each device instance, as it is.
    pub exact_match_rate_device: DeviceFigures,
    /// The same instances, each after its own calibration (`optc
    /// calibrate`: heater search on the chip's measured comparator signals).
    pub exact_match_rate_device_calibrated: DeviceFigures,
    /// The design-time calibration on the nominal target device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design_calibration: Option<DesignCalibration>,
    /// (2^b − 1)^N input combinations (as a decimal string: may exceed u64).
    pub dataset_size_raw: String,
    /// 2·N·Q + 1 distinct full sums.
    pub dataset_size_preprocessed: usize,
    /// `design::mzi_count_full_svd` of the ONN layer widths (full SVD meshes).
    pub mzi_count_full_svd: usize,
    /// 1 − mzi_count / mzi_count_full_svd (the netlist's MZIs).
    pub saving: f64,
    /// Training steps run (0 for the linear realization), final loss.
    pub training_steps: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_final_loss: Option<f64>,
    pub training_time_s: f64,
    /// A digit-serial reducer's chain (PAM4 links).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digit_serial: Option<DigitSerialReport>,
}

/// The stage chain of a digit-serial reducer and how it was verified.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DigitSerialReport {
    /// `pam4`: ⌈b/2⌉ symbols per code, one waveguide each.
    pub link: String,
    /// Stages (PAM4 digits), least significant first; each resolves
    /// `stage_levels` levels ℓ = D + c into `stage_bits` Gray bits.
    pub stages: usize,
    pub stage_levels: usize,
    pub stage_bits: u32,
    /// Inputs of one stage's domain: every digit vector × carry (4^N·N).
    pub stage_inputs: String,
    /// Per stage on the nominal chip: exact-match over its domain, and
    /// whether the domain was enumerated (`exhaustive`) or its levels'
    /// representatives were (`levels`).
    pub stage_exact_match: Vec<f64>,
    pub stage_coverage: String,
    /// Seeded end-to-end vectors on the nominal chip (plus every extreme
    /// and tie listed in spec/reducer.md).
    pub end_to_end_vectors: u64,
    /// Every stage of every device instance over its domain (noiseless):
    /// the shipped phase file, then each chip calibrated.
    pub stage_exact_match_device: StageDeviceFigures,
    pub stage_exact_match_device_calibrated: StageDeviceFigures,
    /// `exhaustive` (every digit vector × carry) or `levels`.
    pub stage_device_coverage: String,
    /// Optical passes in series per reduction (one per stage: each waits
    /// for the previous stage's carry).
    pub latency_passes: usize,
    /// MZIs of one stage; the chip has `stages` of them.
    pub mzi_per_stage: usize,
    /// The tree, leaves first (one entry for a single unit).
    pub levels: Vec<LevelFigures>,
}

/// Stage exact-match over the device instances: mean and worst over
/// (instance, stage), and how many (instance, stage) pairs are wrong
/// anywhere in their domain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageDeviceFigures {
    pub mean: f64,
    pub worst: f64,
    pub stages_wrong_somewhere: usize,
}

/// One level of a digit-serial tree: its hardware and latency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LevelFigures {
    pub fan_in: usize,
    pub units: usize,
    /// Stages per unit (its inputs' PAM4 digits): also its optical passes.
    pub stages_per_unit: usize,
    pub mzis: usize,
}

/// What the design-time calibration (pass `calibrate`) did on the nominal
/// target device (DAC, insertion loss, crosstalk; no random errors).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DesignCalibration {
    /// Worst comparator margin over every (sum, bit), fraction of full scale.
    pub worst_margin_before: f64,
    pub worst_margin_after: f64,
    /// Share of input vectors with a wrong bit, before and after.
    pub error_rate_before: f64,
    pub error_rate_after: f64,
    /// Trial settings measured by the search.
    pub trials: usize,
}

/// Exact-match over seeded device instances of the target device.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeviceFigures {
    pub mean: f64,
    pub worst: f64,
    pub instances: usize,
    pub samples_per_instance: u64,
    /// `exhaustive` or `sampled` (seeded uniform code vectors).
    pub coverage: String,
    pub max_error_lsb: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LinearReport {
    /// [rows, cols] of the source matrix.
    pub shape: [usize; 2],
    pub realize: String,
    pub mesh: String,
    /// Global gain made explicit by amplifiers (> 1) or attenuators (< 1).
    pub gain: f64,
    /// Relative Frobenius error of the chosen realization against the
    /// source matrix (non-zero only for approximate realizations).
    pub approximation_error: f64,
    /// Max |entry| of (simulated netlist − realization), ideal device:
    /// the error of emission and of the phase file's rounding.
    pub reconstruction_error: f64,
    /// Max |entry| of (simulated netlist − source matrix), ideal device.
    pub error_vs_source: f64,
    /// With a DAC: max |entry| of (simulated with quantized phases − source).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_vs_source_quantized: Option<f64>,
    /// External inputs that carry no light (zero padding of a tall matrix).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unused_inputs: Vec<String>,
}

/// The one-line human summary printed after a compile.
pub fn summary_line(r: &Report) -> String {
    let mut s = format!(
        "{} ({}): {} MZIs (full SVD {}, saving {:.1}%), depth {}, worst-path loss {:.2} dB",
        r.name,
        r.kind,
        r.mzi_count,
        r.mzi_count_full_svd,
        100.0 * r.mzi_saving,
        r.optical_depth,
        r.worst_path_loss_db
    );
    if let Some(l) = &r.linear {
        s.push_str(&format!(
            ", {} {}x{} via {} ({}), error vs source {:.1e}",
            "matrix", l.shape[0], l.shape[1], l.realize, l.mesh, l.error_vs_source
        ));
    }
    if let Some(x) = &r.reducer {
        let (d, c) = (
            &x.exact_match_rate_device,
            &x.exact_match_rate_device_calibrated,
        );
        s.push_str(&format!(
            ", {} reducer {}x{}b: exact match {} ({}); {} device instances: mean {} worst {}, \
             each chip calibrated: mean {} worst {}",
            x.realization,
            x.servers,
            x.bits,
            rate(x.exact_match_rate),
            x.coverage,
            d.instances,
            rate(d.mean),
            rate(d.worst),
            rate(c.mean),
            rate(c.worst),
        ));
    }
    s
}

/// A rate that never rounds up to 1: 0.9999987 prints as `1 − 1.3e-6`.
fn rate(x: f64) -> String {
    if x >= 1.0 {
        "1".into()
    } else if 1.0 - x < 1e-4 {
        format!("1 − {:.1e}", 1.0 - x)
    } else {
        format!("{:.4}", (x * 1e4).floor() / 1e4)
    }
}

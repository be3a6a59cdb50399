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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
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
    s
}

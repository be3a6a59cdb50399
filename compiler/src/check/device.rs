//! `device NAME { ... }` → `DeviceParams`.

use super::program::Device;
use super::settings::SettingTable;
use super::units::Quantity;
use super::values::{int_in, real_in, Range};
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::Block;
use optc_model::device::DeviceParams;
use std::f64::consts::PI;

pub const DEVICE_KEYS: &[&str] = &[
    "mzi_loss",
    "coupler_error",
    "phase_bits",
    "phase_error",
    "crosstalk",
    "detector_noise",
];

/// Every key is optional; an omitted key is ideal (0, or continuous phases).
pub fn check_device(block: &Block, recovered: bool, diags: &mut Vec<Diagnostic>) -> Option<Device> {
    let what = format!("device `{}`", block.name.name);
    let t = SettingTable::new(
        what,
        block.name.span,
        &block.settings,
        DEVICE_KEYS,
        recovered,
        diags,
    );
    let before = diags.len();
    let mut p = DeviceParams::IDEAL;
    let read = |key: &str, q: Quantity, r: Range, diags: &mut Vec<Diagnostic>| {
        t.get(key).and_then(|v| real_in(key, v, q, r, diags))
    };
    if let Some(x) = read(
        "mzi_loss",
        Quantity::Decibels,
        Range::closed(0.0, 10.0),
        diags,
    ) {
        p.mzi_loss_db = x;
    }
    if let Some(x) = read(
        "coupler_error",
        Quantity::Plain,
        Range::half_open(0.0, 0.5),
        diags,
    ) {
        p.coupler_error = x;
    }
    if let Some(x) = read(
        "phase_error",
        Quantity::Angle,
        Range::closed(0.0, PI),
        diags,
    ) {
        p.phase_error_rad = x;
    }
    if let Some(x) = read(
        "crosstalk",
        Quantity::Plain,
        Range::half_open(0.0, 1.0),
        diags,
    ) {
        p.crosstalk = x;
    }
    if let Some(x) = read(
        "detector_noise",
        Quantity::Plain,
        Range::closed(0.0, 1.0),
        diags,
    ) {
        p.detector_noise = x;
    }
    if let Some(v) = t.get("phase_bits") {
        p.phase_bits = int_in("phase_bits", v, 1, 24, diags).map(|b| b as u32);
    }
    (diags.len() == before).then(|| Device {
        name: block.name.name.clone(),
        params: p,
        span: block.name.span,
    })
}

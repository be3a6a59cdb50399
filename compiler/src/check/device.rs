//! `device NAME { ... }` → `DeviceParams`.

use super::program::Device;
use super::settings::SettingTable;
use super::units::Quantity;
use super::values::{int_in, real_in, Range};
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::Block;
use optc_model::device::{DeviceParams, Unit, PARAMS};

/// Every key is optional; an omitted key is ideal (0, or continuous phases).
/// Keys, units and ranges are the model's table (`optc_model::device::PARAMS`).
pub fn check_device(block: &Block, recovered: bool, diags: &mut Vec<Diagnostic>) -> Option<Device> {
    let what = format!("device `{}`", block.name.name);
    let keys: Vec<&str> = PARAMS.iter().map(|p| p.dsl).collect();
    let t = SettingTable::new(
        what,
        block.name.span,
        &block.settings,
        &keys,
        recovered,
        diags,
    );
    let before = diags.len();
    let mut p = DeviceParams::IDEAL;
    for spec in PARAMS {
        let Some(v) = t.get(spec.dsl) else {
            continue;
        };
        let value = match spec.unit {
            Unit::Bits => {
                int_in(spec.dsl, v, spec.min as i128, spec.max as i128, diags).map(|b| b as f64)
            }
            unit => {
                let q = match unit {
                    Unit::Decibels => Quantity::Decibels,
                    Unit::Radians => Quantity::Angle,
                    _ => Quantity::Plain,
                };
                let r = if spec.max_inclusive {
                    Range::closed(spec.min, spec.max)
                } else {
                    Range::half_open(spec.min, spec.max)
                };
                real_in(spec.dsl, v, q, r, diags)
            }
        };
        if let Some(x) = value {
            p.set(spec.file, x);
        }
    }
    (diags.len() == before).then(|| Device {
        name: block.name.name.clone(),
        params: p,
        span: block.name.span,
    })
}

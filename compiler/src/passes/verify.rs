//! `verify`: simulate the emitted netlist with the runtime (the same code
//! `optc simulate` runs) and compare its transfer matrix with the
//! realization and with the source matrix.

use super::{Pass, PassError};
use crate::factor::max_abs_error;
use crate::unit::CompileUnit;
use nalgebra::DMatrix;
use optc_formats::netlist::Circuit;
use optc_formats::phases::NodeSettings;
use optc_model::Complex64;
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::simulate::Plan;

pub struct Verify;

/// The netlist must reproduce its realization to this max |entry| error.
pub const RECONSTRUCTION_LIMIT: f64 = 1e-9;

impl Pass for Verify {
    fn name(&self) -> &'static str {
        "verify"
    }

    fn description(&self) -> &'static str {
        "simulate the netlist and check it reproduces the realization and the source"
    }

    fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError> {
        let network = unit.name().to_string();
        let (Some(lowering), Some((netlist, phases))) = (&unit.linear, &unit.netlist) else {
            return Err(PassError::Order {
                network,
                pass: "verify",
                needs: "a netlist (pass `place`)",
            });
        };
        let fail = |message: String| PassError::Verify {
            network: network.clone(),
            message,
        };
        // Validated once, simulated on each device below.
        let (circuit, settings) = super::emitted::resolve(netlist, phases).map_err(&fail)?;
        let ideal = matrix_on(&circuit, &settings, &DeviceParams::IDEAL);
        let cols = lowering.target.ncols();
        let used = ideal.columns(0, cols.min(ideal.ncols())).into_owned();
        if used.shape() != lowering.target.shape() {
            return Err(fail(format!(
                "the netlist is {}×{} but the source matrix is {}×{}",
                used.nrows(),
                used.ncols(),
                lowering.target.nrows(),
                lowering.target.ncols()
            )));
        }
        let reconstruction = max_abs_error(&used, &lowering.realized);
        if reconstruction.is_nan() || reconstruction > RECONSTRUCTION_LIMIT {
            return Err(fail(format!(
                "the netlist differs from its realization by {reconstruction:e} (limit {RECONSTRUCTION_LIMIT:e})"
            )));
        }
        let report = unit.report.linear.get_or_insert_with(Default::default);
        report.reconstruction_error = reconstruction;
        report.error_vs_source = max_abs_error(&used, &lowering.target);
        if let Some(bits) = unit.ir.device.params.phase_bits {
            let dac_only = DeviceParams {
                phase_bits: Some(bits),
                ..DeviceParams::IDEAL
            };
            let quantized = matrix_on(&circuit, &settings, &dac_only);
            let quantized = quantized.columns(0, cols).into_owned();
            report.error_vs_source_quantized = Some(max_abs_error(&quantized, &lowering.target));
        }
        unit.circuit = Some(circuit);
        Ok(())
    }
}

/// The transfer matrix of a validated circuit under `params` (seed 0).
fn matrix_on(
    circuit: &Circuit,
    settings: &NodeSettings,
    params: &DeviceParams,
) -> DMatrix<Complex64> {
    let device = DeviceInstance::sample(params, circuit, 0);
    Plan::new(circuit, settings, &device).transfer_matrix()
}

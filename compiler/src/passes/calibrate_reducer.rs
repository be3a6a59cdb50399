//! `calibrate` (reducers): program the placed netlist for the nominal
//! target device. Insertion loss, thermal crosstalk and the heater DAC are
//! the same on every chip and known at design time, so the shipped phase
//! file (and the activations' electrical gains) compensate them: the search
//! of `reducer::calibrate` on the nominal instance, starting from the
//! design's own settings. Random static errors are left to each chip's
//! calibration (`optc calibrate`); `verify` reports both.

use super::{Pass, PassError};
use crate::emit::{DesignCalibration, ReducerReport};
use crate::reducer::digit_serial::{on_stage_template, STAGE_MARGIN_GOAL};
use crate::unit::CompileUnit;
use optc_formats::netlist::{structure_hash, Netlist};
use optc_formats::phases::CalibratedFor;
use optc_sim::device::DeviceInstance;
use optc_sim::reducer::calibrate::{calibrate, CalibrationOptions};
use optc_sim::reducer::netlist_run::NetlistReducer;
use optc_sim::simulate::Plan;

pub struct CalibrateReducer;

impl Pass for CalibrateReducer {
    fn name(&self) -> &'static str {
        "calibrate"
    }

    fn description(&self) -> &'static str {
        "compensate the target device's loss, crosstalk and DAC: heater and activation-gain search on the nominal chip"
    }

    fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError> {
        let network = unit.name().to_string();
        let Some((netlist, phases)) = &unit.netlist else {
            return Err(PassError::Order {
                network,
                pass: "calibrate",
                needs: "a reducer netlist (pass `place`)",
            });
        };
        let is_stage = unit.reducer.as_ref().is_some_and(|l| l.chain.is_some());
        let fail = |message: String| PassError::Calibrate {
            network: network.clone(),
            message,
        };
        let opts = CalibrationOptions {
            tune_gains: true,
            // The design is far from the nominal chip's optimum (loss
            // alone lowers every activation's gain by ≈ 4.5%).
            coarsest_step: 8.0,
            // A digit-serial stage is calibrated for the widest margins it
            // can reach (spec/reducer.md, "Design calibration of a stage").
            margin_goal: if is_stage {
                STAGE_MARGIN_GOAL
            } else {
                CalibrationOptions::default().margin_goal
            },
            ..CalibrationOptions::default()
        };
        let target = unit.ir.device.params;
        let calibrated_for = Some(CalibratedFor {
            mzi_loss_db: target.mzi_loss_db,
            crosstalk: target.crosstalk,
            splitter_loss_db: target.splitter_loss_db,
        });
        let mut result = None;
        // A digit-serial chain calibrates its stage template once: every
        // stage is the same design on the same nominal chip.
        let calibrated = on_stage_template(netlist, phases, |netlist, phases| {
            let (circuit, settings, iface) =
                super::emitted::resolve_reducer(netlist, phases).map_err(&fail)?;
            let nominal = DeviceInstance::sample(&target.nominal(), &circuit, 0);
            let runner = NetlistReducer::new(iface, &Plan::new(&circuit, &settings, &nominal))
                .map_err(|e| fail(e.to_string()))?;
            let Some(cal) = calibrate(&circuit, &runner, &nominal, &settings, &opts)
                .map_err(|e| fail(e.to_string()))?
            else {
                // A coherent readout: no heater to move, but its phase file
                // is still meant for (and verified on) the nominal chip.
                let mut phases = phases.clone();
                phases.calibrated_for = calibrated_for;
                return Ok((netlist.clone(), phases));
            };
            let mut netlist: Netlist = netlist.clone();
            for &(i, gain) in &cal.gains {
                let name = &circuit.nodes[i].name;
                let inst = netlist.instances.get_mut(name).ok_or_else(|| {
                    fail(format!(
                        "activation `{name}` is not an instance of the netlist"
                    ))
                })?;
                inst.settings.insert("gain".into(), gain);
            }
            let mut phases = phases.with_settings(&circuit, &cal.settings);
            phases.netlist.hash = structure_hash(&netlist);
            phases.calibrated_for = calibrated_for;
            result = Some(cal);
            Ok((netlist, phases))
        })?;
        unit.netlist = Some(calibrated);
        let Some(cal) = result else {
            return Ok(());
        };
        if cal.after.worst <= 0.0 {
            let span = unit.ir.span;
            unit.warn(
                span,
                format!(
                "calibration left {:.1e} of the input vectors with a wrong bit on the nominal chip \
                 (worst comparator margin {:+.4} of full scale)",
                cal.after.error_rate, cal.after.worst
            ),
            );
        }
        unit.report
            .reducer
            .get_or_insert_with(ReducerReport::default)
            .design_calibration = Some(DesignCalibration {
            worst_margin_before: cal.before.worst,
            worst_margin_after: cal.after.worst,
            error_rate_before: cal.before.error_rate,
            error_rate_after: cal.after.error_rate,
            trials: cal.trials,
        });
        Ok(())
    }
}

//! `full_scale` (reducers): measure every comparator's full scale on the
//! shipped netlist and phase file, the largest P₊ + P₋ over all inputs on
//! the ideal chip (spec/netlist.md, "The reducer section"): detector noise
//! and margins are relative to it, so it must describe what is shipped.

use super::{Pass, PassError};
use crate::reducer::digit_serial::on_stage_template;
use crate::reducer::train::Trainee;
use crate::reducer::tune::set_full_scales;
use crate::unit::CompileUnit;
use optc_formats::netlist::structure_hash;

pub struct FullScale;

impl Pass for FullScale {
    fn name(&self) -> &'static str {
        "full_scale"
    }

    fn description(&self) -> &'static str {
        "measure each comparator's full scale (largest P+ + P- on the ideal chip) for the shipped settings"
    }

    fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError> {
        let network = unit.name().to_string();
        let fail = |message: String| PassError::Calibrate {
            network: network.clone(),
            message,
        };
        let Some((netlist, phases)) = &unit.netlist else {
            return Err(PassError::Order {
                network,
                pass: "full_scale",
                needs: "a reducer netlist (pass `place`)",
            });
        };
        let measured = on_stage_template(netlist, phases, |netlist, phases| {
            let (circuit, settings, iface) =
                super::emitted::resolve_reducer(netlist, phases).map_err(&fail)?;
            let mut t =
                Trainee::new(circuit, settings, iface.clone()).map_err(|e| fail(e.to_string()))?;
            set_full_scales(&mut t).map_err(|e| fail(e.to_string()))?;
            let mut netlist = netlist.clone();
            netlist.reducer = Some(t.interface);
            let mut phases = phases.clone();
            phases.netlist.hash = structure_hash(&netlist);
            Ok((netlist, phases))
        })?;
        unit.netlist = Some(measured);
        Ok(())
    }
}

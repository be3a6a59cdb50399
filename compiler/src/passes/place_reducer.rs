//! `place` (reducers): emit the designed circuit as a netlist, stage by
//! stage (`emit::emit_reducer`), with its `reducer:` section and a phase
//! file carrying DAC codes when the device has a DAC. From here on the
//! netlist is the only model of the chip: `train`, `calibrate`, `verify`
//! and the runtime all evaluate it.

use super::{Pass, PassError};
use crate::emit::emit_reducer;
use crate::reducer::digit_serial::place_chain;
use crate::unit::CompileUnit;

pub struct PlaceReducer;

impl Pass for PlaceReducer {
    fn name(&self) -> &'static str {
        "place"
    }

    fn description(&self) -> &'static str {
        "emit the reducer circuit stage by stage as netlist components with its reducer section"
    }

    fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError> {
        let network = unit.name().to_string();
        let Some(lowering) = &unit.reducer else {
            return Err(PassError::Order {
                network,
                pass: "place",
                needs: "a reducer circuit (pass `design`)",
            });
        };
        let emitted = emit_reducer(
            &lowering.circuit,
            &network,
            unit.ir.device.params.phase_bits,
        )
        .map_err(|source| PassError::Emit {
            network: network.clone(),
            source,
        })?;
        // A digit-serial reducer places its stage once per digit.
        unit.netlist = Some(match lowering.chain {
            None => emitted,
            Some(chain) => place_chain(&network, chain, &emitted.0, &emitted.1),
        });
        Ok(())
    }
}

//! `place`: lay the lowered network out as netlist instances on the mode
//! grid (columns and modes for every MZI), with its phase file; with a
//! device DAC, every phase also gets its integer code.

use super::{Pass, PassError};
use crate::emit::{emit_realization, EmitError};
use crate::unit::CompileUnit;
use optc_formats::builder::{NetlistBuilder, Rail};

pub struct Place;

impl Pass for Place {
    fn name(&self) -> &'static str {
        "place"
    }

    fn description(&self) -> &'static str {
        "place components on the mode grid and build the netlist and phase file"
    }

    fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError> {
        let network = unit.name().to_string();
        let Some(lowering) = &unit.linear else {
            return Err(PassError::Order {
                network,
                pass: "place",
                needs: "a lowered matrix (pass `realize`)",
            });
        };
        let r = &lowering.realization;
        let ports = r.ports();
        let inputs = match r {
            crate::factor::Realization::Segmented(s) => s.block_cols * s.block_size,
            _ => ports.modes,
        };
        let mut b = NetlistBuilder::new(&network, inputs);
        if let Some(bits) = unit.ir.device.params.phase_bits {
            b = b.phase_bits(bits);
        }
        let outputs = emit_realization(&mut b, r, 0, "");
        // Everything else that is still lit leaves through a terminator.
        let open: Vec<usize> = (0..b.rails().len())
            .filter(|x| !matches!(b.rails()[*x], Rail::Closed) && !outputs.contains(x))
            .collect();
        for rail in open {
            b.add_terminator(rail, &format!("unused_m{rail}"));
        }
        let (netlist, phases) = b.build().map_err(|e| PassError::Emit {
            network: network.clone(),
            source: EmitError::Build(e),
        })?;
        if let Some(report) = unit.report.linear.as_mut() {
            report.unused_inputs = (ports.cols..inputs).map(|k| format!("in{k}")).collect();
        }
        unit.netlist = Some((netlist, phases));
        Ok(())
    }
}

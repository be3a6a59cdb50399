//! Reading back what `place` emitted as the runtime reads files: the netlist
//! validated into a `Circuit`, the phase file resolved against it. The
//! in-memory structures are checked, not their text (which `write` renders
//! once, and the round trip of which the format tests check), so no YAML is
//! rendered here; errors are then not located at lines, and none is expected.

use optc_formats::netlist::reducer_section::ReducerInterface;
use optc_formats::netlist::{Circuit, Netlist};
use optc_formats::phases::NodeSettings;
use optc_formats::phases::Phases;

/// The validated circuit of an emitted netlist.
pub fn circuit(netlist: &Netlist) -> Result<Circuit, String> {
    Circuit::new(netlist, &format!("{}.netlist.yaml", netlist.name), "").map_err(|e| e.to_string())
}

/// The circuit and its programmed settings.
pub fn resolve(netlist: &Netlist, phases: &Phases) -> Result<(Circuit, NodeSettings), String> {
    let circuit = circuit(netlist)?;
    let settings = phases
        .resolve(&circuit, &format!("{}.phases.yaml", netlist.name), "")
        .map_err(|e| e.to_string())?;
    Ok((circuit, settings))
}

/// The same for a reducer netlist, with its `reducer:` section.
pub fn resolve_reducer<'a>(
    netlist: &'a Netlist,
    phases: &Phases,
) -> Result<(Circuit, NodeSettings, &'a ReducerInterface), String> {
    let (circuit, settings) = resolve(netlist, phases)?;
    let iface = netlist
        .reducer
        .as_ref()
        .ok_or_else(|| "the emitted netlist has no reducer section".to_string())?;
    Ok((circuit, settings, iface))
}

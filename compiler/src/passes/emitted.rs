//! Reading back what `place` emitted, exactly as the runtime reads files:
//! the netlist validated into a `Circuit`, the phase file resolved against it.

use optc_formats::netlist::reducer_section::ReducerInterface;
use optc_formats::netlist::{Circuit, Netlist};
use optc_formats::phases::NodeSettings;
use optc_formats::phases::Phases;

/// The validated circuit of an emitted netlist.
pub fn circuit(netlist: &Netlist) -> Result<Circuit, String> {
    let text = netlist.to_yaml();
    Circuit::new(netlist, &format!("{}.netlist.yaml", netlist.name), &text)
        .map_err(|e| e.to_string())
}

/// The circuit and its programmed settings.
pub fn resolve(netlist: &Netlist, phases: &Phases) -> Result<(Circuit, NodeSettings), String> {
    let circuit = circuit(netlist)?;
    let text = phases.to_yaml();
    let settings = phases
        .resolve(&circuit, &format!("{}.phases.yaml", netlist.name), &text)
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

//! Reading back what `place` emitted as the runtime reads files: the netlist
//! validated into a `Circuit`, the phase file resolved against it. The
//! in-memory structures are checked, not their text (which `write` renders
//! once, and the round trip of which the format tests check), so no YAML is
//! rendered here; errors are then not located at lines, and none is expected.

use optc_formats::netlist::reducer_section::ReducerInterface;
use optc_formats::netlist::{structure_hash, Circuit, Netlist};
use optc_formats::phases::NodeSettings;
use optc_formats::phases::Phases;

/// The validated circuit of an emitted netlist.
pub fn circuit(netlist: &Netlist) -> Result<Circuit, String> {
    Circuit::new(netlist, &format!("{}.netlist.yaml", netlist.name), "").map_err(|e| e.to_string())
}

/// The validated circuit of an emitted netlist, reusing `kept` (a circuit
/// an earlier pass validated) when its name and structure hash (which
/// covers everything else) are the netlist's, so a netlist is validated
/// once per compile.
pub fn kept_circuit(kept: Option<Circuit>, netlist: &Netlist) -> Result<Circuit, String> {
    match kept {
        Some(c) if c.name == netlist.name && c.hash == structure_hash(netlist) => Ok(c),
        _ => circuit(netlist),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str) -> Netlist {
        let path = format!(
            "{}/../tests/netlists/{name}.netlist.yaml",
            env!("CARGO_MANIFEST_DIR")
        );
        Netlist::parse(&path, &std::fs::read_to_string(&path).unwrap()).unwrap()
    }

    #[test]
    fn a_kept_circuit_is_reused_only_for_its_own_netlist() {
        let (dft, mzi) = (load("dft4_cells"), load("mzi1"));
        let kept = circuit(&dft).unwrap();
        // Its own netlist: the very circuit comes back.
        let again = kept_circuit(Some(kept.clone()), &dft).unwrap();
        assert_eq!(
            (again.hash, again.nodes),
            (kept.hash.clone(), kept.nodes.clone())
        );
        // Another netlist, or the same structure renamed: validated anew.
        let other = kept_circuit(Some(kept.clone()), &mzi).unwrap();
        assert_eq!(other.hash, circuit(&mzi).unwrap().hash);
        assert_ne!(other.hash, kept.hash);
        let mut renamed = dft.clone();
        renamed.name = "renamed".into();
        assert_eq!(kept_circuit(Some(kept), &renamed).unwrap().name, "renamed");
    }
}

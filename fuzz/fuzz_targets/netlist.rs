//! The netlist loader on arbitrary text: `Netlist::parse` then
//! `Circuit::new` (what `Netlist::load` runs after reading the file).
//!
//! Checks: errors point at a line that exists; a netlist that validates
//! re-serializes (`to_yaml`) to text that parses to an equal netlist and
//! validates to the same circuit (hash, nodes, order, ports); the circuit's
//! order is a permutation of its nodes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use optc_formats::netlist::{structure_hash, Circuit, Netlist};
use optc_fuzz::assert_located;

const FILE: &str = "fuzz.netlist.yaml";

fuzz_target!(|bytes: &[u8]| {
    // `Netlist::load` reads text: other bytes never get this far.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let netlist = match Netlist::parse(FILE, text) {
        Ok(n) => n,
        Err(e) => return assert_located(&e, text),
    };
    let circuit = match Circuit::new(&netlist, FILE, text) {
        Ok(c) => c,
        Err(e) => return assert_located(&e, text),
    };
    assert_eq!(circuit.hash, structure_hash(&netlist));
    assert_eq!(circuit.drivers.len(), circuit.nodes.len());
    let mut order = circuit.order.clone();
    order.sort_unstable();
    assert!(
        order.iter().copied().eq(0..circuit.nodes.len()),
        "the order is not a permutation of the nodes"
    );

    let yaml = netlist.to_yaml();
    let again = Netlist::parse("again.netlist.yaml", &yaml)
        .unwrap_or_else(|e| panic!("to_yaml output does not parse: {e}\n{yaml}"));
    assert_eq!(again, netlist, "to_yaml does not round-trip:\n{yaml}");
    let circuit2 = Circuit::new(&again, "again.netlist.yaml", &yaml)
        .unwrap_or_else(|e| panic!("to_yaml output does not validate: {e}\n{yaml}"));
    assert_eq!(circuit2.hash, circuit.hash);
    assert_eq!(circuit2.order, circuit.order);
    assert_eq!(circuit2.input_names, circuit.input_names);
    // The same nodes, but for their lines in the file.
    let unlocated = |c: &Circuit| {
        let mut nodes = c.nodes.clone();
        nodes.iter_mut().for_each(|n| n.line = None);
        format!("{nodes:?}") // attributes compare bit for bit, NaN too
    };
    assert_eq!(unlocated(&circuit2), unlocated(&circuit));
});

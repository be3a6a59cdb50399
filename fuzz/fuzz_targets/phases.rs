//! The phase-file loader on arbitrary text: `Phases::parse`, then
//! `resolve` against each of a few fixed valid netlists of the repository
//! (tests/netlists and two compiled examples, one with a DAC and a reducer).
//!
//! Checks: errors point at a line that exists; settings that resolve are
//! finite, and the file re-serialized (`to_yaml`) parses to an equal phase
//! file that resolves to the same values, bit for bit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use optc_formats::netlist::Circuit;
use optc_formats::phases::Phases;
use optc_fuzz::{assert_located, fixture_netlists};
use std::sync::OnceLock;

const FILE: &str = "fuzz.phases.yaml";

fn netlists() -> &'static [(String, Circuit)] {
    static N: OnceLock<Vec<(String, Circuit)>> = OnceLock::new();
    N.get_or_init(fixture_netlists)
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let phases = match Phases::parse(FILE, text) {
        Ok(p) => p,
        Err(e) => return assert_located(&e, text),
    };
    for (_, circuit) in netlists() {
        let values = match phases.resolve(circuit, FILE, text) {
            Ok(v) => v,
            Err(e) => {
                assert_located(&e, text);
                continue;
            }
        };
        assert_eq!(values.len(), circuit.nodes.len());
        assert!(
            values.iter().flatten().all(|v| v.is_finite()),
            "a resolved setting is not finite: {values:?}"
        );
        let yaml = phases.to_yaml();
        let again = Phases::parse("again.phases.yaml", &yaml)
            .unwrap_or_else(|e| panic!("to_yaml output does not parse: {e}\n{yaml}"));
        assert_eq!(again, phases, "to_yaml does not round-trip:\n{yaml}");
        let values2 = again
            .resolve(circuit, "again.phases.yaml", &yaml)
            .unwrap_or_else(|e| panic!("to_yaml output does not resolve: {e}\n{yaml}"));
        let bits =
            |v: &[[f64; 2]]| -> Vec<u64> { v.iter().flatten().map(|x| x.to_bits()).collect() };
        assert_eq!(bits(&values2), bits(&values));
    }
});

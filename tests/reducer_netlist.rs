//! The netlist's `reducer:` section: it round-trips through YAML, is part
//! of the structure hash, and every inconsistency is a located error.

use optc::emit::emit_reducer;
use optc::reducer::design::{self, OnnOptions};
use optc_formats::netlist::reducer_section::InterfaceReadout;
use optc_formats::netlist::{structure_hash, Circuit, Netlist};
use optc_model::contract::Contract;
use optc_model::encoding::BitCode;

fn onn_netlist() -> Netlist {
    let contract = Contract::mean(4, 4).unwrap();
    let circuit = design::onn(&contract, &OnnOptions::default()).unwrap();
    emit_reducer(&circuit, "r", Some(8)).unwrap().0
}

fn error_of(text: &str) -> String {
    let netlist = Netlist::parse("r.netlist.yaml", text).unwrap();
    match Circuit::new(&netlist, "r.netlist.yaml", text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn round_trips_and_is_hashed() {
    let netlist = onn_netlist();
    let text = netlist.to_yaml();
    let back = Netlist::parse("r.netlist.yaml", &text).unwrap();
    assert_eq!(back, netlist);
    assert!(Circuit::new(&back, "r.netlist.yaml", &text).is_ok());
    let mut without = netlist.clone();
    without.reducer = None;
    assert_ne!(structure_hash(&without), structure_hash(&netlist));
    assert!(!without.to_yaml().contains("reducer"));
}

#[test]
fn located_errors() {
    let text = onn_netlist().to_yaml();
    let line_of = |key: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(key))
            .map(|i| i + 1)
            .unwrap()
    };
    let bits_line = line_of("bits: 4");
    let e = error_of(&text.replace("  bits: 4\n", "  bits: 5\n"));
    assert_eq!(
        e,
        format!("r.netlist.yaml:{}: reducer section: the readout has 4 comparators but `bits` = 5 (one per result bit)", line_of("readout:"))
    );
    let e = error_of(&text.replace("  - in3\n", ""));
    assert!(
        e.contains("`inputs` lists 3 ports but there are 4 servers"),
        "{e}"
    );
    let e = error_of(&text.replace("minus: out1", "minus: out99"));
    assert!(
        e.contains("`out99` is not an external port of the netlist"),
        "{e}"
    );
    let e = error_of(&text.replace("plus: out0", "plus: in0"));
    assert!(
        e.contains("`in0` is an external input port; expected an output port"),
        "{e}"
    );
    let e = error_of(&text.replace("  servers: 4\n", "  servers: 0\n"));
    assert!(
        e.starts_with(&format!("r.netlist.yaml:{}:", bits_line - 1)),
        "{e}"
    );
}

#[test]
fn every_field_of_the_section_is_hashed() {
    let netlist = onn_netlist();
    let edits: [fn(&mut Netlist); 7] = [
        |n| n.reducer = None,
        |n| n.reducer.as_mut().unwrap().inputs.swap(0, 1),
        |n| n.reducer.as_mut().unwrap().servers += 1,
        |n| bits(n)[0].threshold += 1e-3,
        |n| bits(n)[1].full_scale *= 2.0,
        |n| bits(n)[2].minus = None,
        |n| match &mut n.reducer.as_mut().unwrap().readout {
            InterfaceReadout::Bits { code, .. } => {
                *code = match code {
                    BitCode::Gray => BitCode::TwosComplement,
                    BitCode::TwosComplement => BitCode::Gray,
                }
            }
            InterfaceReadout::Coherent { .. } => unreachable!(),
        },
    ];
    let mut hashes = vec![structure_hash(&netlist)];
    for edit in edits {
        let mut n = netlist.clone();
        edit(&mut n);
        hashes.push(structure_hash(&n));
    }
    let distinct: std::collections::BTreeSet<_> = hashes.iter().collect();
    assert_eq!(distinct.len(), hashes.len(), "{hashes:?}");
}

fn bits(n: &mut Netlist) -> &mut Vec<optc_formats::netlist::reducer_section::BitPorts> {
    match &mut n.reducer.as_mut().unwrap().readout {
        InterfaceReadout::Bits { bits, .. } => bits,
        InterfaceReadout::Coherent { .. } => panic!("a bits readout"),
    }
}

#[test]
fn a_repeated_key_in_the_section_is_located() {
    let text = onn_netlist().to_yaml();
    let line = text.lines().position(|l| l == "  servers: 4").unwrap() + 1;
    let text = text.replace("  servers: 4\n", "  servers: 4\n  servers: 2\n");
    let e = Netlist::parse("r.netlist.yaml", &text).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "r.netlist.yaml:{}:3: duplicate key `servers` in `reducer` (first written at line {line}): \
             a key may appear only once in a mapping",
            line + 1
        )
    );
}

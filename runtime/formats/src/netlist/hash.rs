//! The content hash that ties a phase file to its netlist: FNV-1a 64 of a
//! canonical encoding of the structure that optc defines itself
//! (spec/netlist.md, "Structure hash"), so it depends neither on how the
//! YAML was written nor on the YAML library.

use super::port::PortName;
use super::Netlist;
use crate::netlist::digit_serial_section::Link;
use crate::netlist::reducer_section::{InterfaceReadout, ReducerInterface};
use optc_model::component::Kind;
use optc_model::encoding::BitCode;
use optc_model::sampling::fnv1a64;
use std::fmt::Write;

/// The first line of the canonical encoding: its name and version.
pub const CANONICAL_HEADER: &str = "optc-structure 2";

/// `fnv1a64:` and 16 lowercase hex digits of FNV-1a 64 over
/// `canonical_structure(netlist)`. Everything but the name and the format
/// version counts, so a renamed copy keeps its phase files and any
/// structural change breaks them.
pub fn structure_hash(netlist: &Netlist) -> String {
    format!(
        "fnv1a64:{:016x}",
        fnv1a64(canonical_structure(netlist).as_bytes())
    )
}

/// One line of the encoding: a tag, then fields each preceded by one space,
/// then a line feed.
struct Line<'a>(&'a mut String);

impl Line<'_> {
    /// A string: its UTF-8 length in bytes, `:`, its bytes.
    fn s(self, s: &str) -> Self {
        let _ = write!(self.0, " {}:{s}", s.len());
        self
    }

    /// An integer, in decimal.
    fn n(self, n: impl Into<u64>) -> Self {
        let _ = write!(self.0, " {}", n.into());
        self
    }

    /// A real: the 16 lowercase hex digits of its IEEE-754 binary64 bits,
    /// with −0 written as +0.
    fn x(self, x: f64) -> Self {
        let x = if x == 0.0 { 0.0 } else { x };
        let _ = write!(self.0, " {:016x}", x.to_bits());
        self
    }

    /// A literal token (never starts with a digit, so never a string).
    fn t(self, token: &str) -> Self {
        self.0.push(' ');
        self.0.push_str(token);
        self
    }

    fn end(self) {
        self.0.push('\n');
    }
}

fn line<'a>(out: &'a mut String, tag: &str) -> Line<'a> {
    out.push_str(tag);
    Line(out)
}

/// `"instance,port"` split at its first comma, both sides trimmed (as the
/// validator reads it).
fn split(endpoint: &str) -> (&str, &str) {
    match endpoint.split_once(',') {
        Some((i, p)) => (i.trim(), p.trim()),
        None => (endpoint.trim(), ""),
    }
}

/// The canonical encoding of a netlist's structure (spec/netlist.md,
/// "Structure hash"). Defined for valid netlists; for any other it is still
/// deterministic (unknown kinds keep all their attributes, connections whose
/// direction cannot be read keep their written order).
pub fn canonical_structure(netlist: &Netlist) -> String {
    let mut out = String::new();
    out.push_str(CANONICAL_HEADER);
    out.push('\n');
    line(&mut out, "modes").n(netlist.modes as u64).end();
    for (name, cell) in &netlist.cells {
        line(&mut out, "cell")
            .s(name)
            .t(&cell.mesh.name())
            .n(cell.modes as u64)
            .end();
    }
    for (name, inst) in &netlist.instances {
        let decl = Kind::from_name(&inst.component).map_or(&[][..], |k| k.attrs());
        let mut l = line(&mut out, "instance").s(name).s(&inst.component);
        for (attr, &v) in &inst.settings {
            let default = decl.iter().find(|a| a.name == attr).and_then(|a| a.default);
            if default != Some(v) {
                l = l.s(attr).x(v);
            }
        }
        l.end();
    }
    for (name, p) in &netlist.placements {
        line(&mut out, "placement")
            .s(name)
            .n(p.column as u64)
            .n(p.mode as u64)
            .end();
    }
    for (name, endpoint) in &netlist.ports {
        let (inst, port) = split(endpoint);
        line(&mut out, "port").s(name).s(inst).s(port).end();
    }
    let mut connections: Vec<_> = netlist
        .connections
        .iter()
        .map(|(a, b)| {
            let (a, b) = (split(a), split(b));
            match (PortName::parse(a.1), PortName::parse(b.1)) {
                (Some(PortName::In(_)), Some(PortName::Out(_))) => (b, a),
                _ => (a, b),
            }
        })
        .collect();
    // By output instance, then output port number.
    connections.sort_by_key(|&((inst, port), _)| {
        let k = match PortName::parse(port) {
            Some(PortName::Out(k)) => k,
            _ => usize::MAX,
        };
        (inst, k, port)
    });
    for ((fi, fp), (ti, tp)) in connections {
        line(&mut out, "connection").s(fi).s(fp).s(ti).s(tp).end();
    }
    if let Some(r) = &netlist.reducer {
        interface_lines(&mut out, r);
    }
    if let Some(d) = &netlist.digit_serial {
        line(&mut out, "digit-serial")
            .n(d.servers as u64)
            .n(d.bits)
            .t(match d.link {
                Link::Pam4 => "pam4",
            })
            .end();
        for f in &d.cascade {
            line(&mut out, "fan-in").n(*f as u64).end();
        }
        for u in &d.units {
            line(&mut out, "unit")
                .n(u.level as u64)
                .n(u.index as u64)
                .n(u.initial_carry as u64)
                .end();
            for s in &u.stages {
                line(&mut out, "stage-part").s(&s.prefix).end();
                interface_lines(&mut out, &s.interface);
            }
        }
    }
    out
}

/// The lines of one reducer interface (the `reducer:` section or a stage's).
fn interface_lines(out: &mut String, r: &ReducerInterface) {
    line(out, "reducer").n(r.servers as u64).n(r.bits).end();
    if let Some(st) = &r.stage {
        line(out, "stage").n(st.max_carry as u64).end();
    }
    for input in &r.inputs {
        line(out, "input").s(input).end();
    }
    match &r.readout {
        InterfaceReadout::Bits { code, bits } => {
            let code = match code {
                BitCode::Gray => "gray",
                BitCode::TwosComplement => "twos_complement",
            };
            line(out, "readout-bits").s(code).end();
            for b in bits {
                let l = line(out, "bit").s(&b.plus);
                let l = match &b.minus {
                    Some(m) => l.s(m),
                    None => l.t("-"),
                };
                l.x(b.threshold).x(b.full_scale).end();
            }
        }
        InterfaceReadout::Coherent { receivers, gain } => {
            line(out, "readout-coherent").x(*gain).end();
            for r in receivers {
                line(out, "receiver").s(r).end();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_reference_values() {
        // The published FNV-1a 64 test vectors (the function is the model's,
        // shared with device sampling).
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn fields_are_length_prefixed_and_reals_are_bits() {
        let mut out = String::new();
        line(&mut out, "t")
            .s("a b")
            .s("")
            .n(7u64)
            .x(0.5)
            .x(-0.0)
            .t("-")
            .end();
        assert_eq!(out, "t 3:a b 0: 7 3fe0000000000000 0000000000000000 -\n");
    }
}

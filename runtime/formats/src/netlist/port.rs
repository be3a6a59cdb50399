//! Port names of netlist instances: `in<k>` / `out<k>` with 0 the top mode,
//! so a port name says both its direction and its mode without any geometry.

use std::fmt;

/// A port of an instance, parsed from `in<k>` / `out<k>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PortName {
    In(usize),
    Out(usize),
}

impl PortName {
    pub fn parse(s: &str) -> Option<PortName> {
        let digits_ok = |d: &str| {
            !d.is_empty()
                && d.bytes().all(|b| b.is_ascii_digit())
                && (d == "0" || !d.starts_with('0'))
        };
        if let Some(d) = s.strip_prefix("out") {
            digits_ok(d)
                .then(|| d.parse().ok().map(PortName::Out))
                .flatten()
        } else if let Some(d) = s.strip_prefix("in") {
            digits_ok(d)
                .then(|| d.parse().ok().map(PortName::In))
                .flatten()
        } else {
            None
        }
    }
}

impl fmt::Display for PortName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortName::In(k) => write!(f, "in{k}"),
            PortName::Out(k) => write!(f, "out{k}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_names_parse() {
        assert_eq!(PortName::parse("in0"), Some(PortName::In(0)));
        assert_eq!(PortName::parse("out12"), Some(PortName::Out(12)));
        assert_eq!(PortName::parse("out01"), None);
        assert_eq!(PortName::parse("o1"), None);
        assert_eq!(PortName::parse("in"), None);
        for p in [PortName::In(3), PortName::Out(0)] {
            assert_eq!(PortName::parse(&p.to_string()), Some(p));
        }
    }
}

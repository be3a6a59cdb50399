//! The component kinds a netlist may instantiate: their port names, their
//! fixed attributes (netlist `settings`) and their programmable settings
//! (phase file). Port names are `in<k>` / `out<k>` with 0 the top mode, so a
//! port name says both its direction and its mode without any geometry.

use std::fmt;

/// A component kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Mzi,
    PhaseShifter,
    Attenuator,
    Amplifier,
    Coupler,
    Splitter,
    Combiner,
    Source,
    EoActivation,
    Detector,
    Terminator,
}

/// How one fixed attribute is declared.
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    pub name: &'static str,
    /// `None`: the attribute is required.
    pub default: Option<f64>,
}

const fn req(name: &'static str) -> Attr {
    Attr {
        name,
        default: None,
    }
}

const fn opt(name: &'static str, default: f64) -> Attr {
    Attr {
        name,
        default: Some(default),
    }
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Mzi,
        Kind::PhaseShifter,
        Kind::Attenuator,
        Kind::Amplifier,
        Kind::Coupler,
        Kind::Splitter,
        Kind::Combiner,
        Kind::Source,
        Kind::EoActivation,
        Kind::Detector,
        Kind::Terminator,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Mzi => "mzi",
            Kind::PhaseShifter => "phase_shifter",
            Kind::Attenuator => "attenuator",
            Kind::Amplifier => "amplifier",
            Kind::Coupler => "coupler",
            Kind::Splitter => "splitter",
            Kind::Combiner => "combiner",
            Kind::Source => "source",
            Kind::EoActivation => "eo_activation",
            Kind::Detector => "detector",
            Kind::Terminator => "terminator",
        }
    }

    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The fixed attributes (`settings:` in the netlist).
    pub fn attrs(self) -> &'static [Attr] {
        const COUPLER: &[Attr] = &[opt("ratio", 0.5)];
        const FANOUT: &[Attr] = &[req("k")];
        const AMP: &[Attr] = &[req("power_gain")];
        const SOURCE: &[Attr] = &[req("amplitude"), opt("phase", 0.0)];
        const EO: &[Attr] = &[req("alpha"), req("gain"), req("bias")];
        const DET: &[Attr] = &[opt("threshold", f64::NAN)];
        match self {
            Kind::Coupler => COUPLER,
            Kind::Splitter | Kind::Combiner => FANOUT,
            Kind::Amplifier => AMP,
            Kind::Source => SOURCE,
            Kind::EoActivation => EO,
            Kind::Detector => DET,
            Kind::Mzi | Kind::PhaseShifter | Kind::Attenuator | Kind::Terminator => &[],
        }
    }

    /// The programmable settings (the phase file), in physical units.
    pub fn programmable(self) -> &'static [&'static str] {
        match self {
            Kind::Mzi => &["theta", "phi"],
            Kind::PhaseShifter => &["phase"],
            Kind::Attenuator => &["transmission"],
            _ => &[],
        }
    }

    /// Number of input and output ports; `k` is the fan-out attribute of
    /// splitters and combiners (ignored otherwise).
    pub fn port_counts(self, k: usize) -> (usize, usize) {
        match self {
            Kind::Mzi | Kind::Coupler => (2, 2),
            Kind::Splitter => (1, k),
            Kind::Combiner => (k, 1),
            Kind::Source => (0, 1),
            Kind::Terminator => (1, 0),
            Kind::PhaseShifter
            | Kind::Attenuator
            | Kind::Amplifier
            | Kind::EoActivation
            | Kind::Detector => (1, 1),
        }
    }

    /// Linear kinds compose into a transfer matrix; the others do not.
    pub fn is_linear(self) -> bool {
        !matches!(self, Kind::Source | Kind::EoActivation | Kind::Detector)
    }

    /// Whether the kind is placed on the mode grid (and takes part in
    /// thermal crosstalk).
    pub fn has_heater(self) -> bool {
        matches!(self, Kind::Mzi | Kind::PhaseShifter)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

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
    fn names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.name()), Some(k));
        }
        assert_eq!(Kind::from_name("mmi"), None);
    }

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

//! The component kinds of a chip: their ports, their fixed attributes
//! (netlist `settings`), their programmable settings (phase file) and which
//! heaters they carry. Each kind's transfer and errors are in spec/device.md.

use crate::mzi::MziCell;
use std::fmt;

/// A component kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A programmable 2×2 cell (θ, φ) of one of the [`MziCell`] designs.
    Mzi(MziCell),
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
    pub const ALL: [Kind; 13] = [
        Kind::Mzi(MziCell::Standard),
        Kind::Mzi(MziCell::ThreeSplitter),
        Kind::Mzi(MziCell::Crossing),
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

    /// The standard MZI.
    pub const MZI: Kind = Kind::Mzi(MziCell::Standard);

    /// The cell design of a programmable 2×2 cell.
    pub fn mzi_cell(self) -> Option<MziCell> {
        match self {
            Kind::Mzi(cell) => Some(cell),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Mzi(MziCell::Standard) => "mzi",
            Kind::Mzi(MziCell::ThreeSplitter) => "mzi3",
            Kind::Mzi(MziCell::Crossing) => "mzi_crossing",
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
            Kind::Mzi(_) | Kind::PhaseShifter | Kind::Attenuator | Kind::Terminator => &[],
        }
    }

    /// The programmable settings (the phase file), in physical units.
    pub fn programmable(self) -> &'static [&'static str] {
        match self {
            Kind::Mzi(_) => &["theta", "phi"],
            Kind::PhaseShifter => &["phase"],
            Kind::Attenuator => &["transmission"],
            _ => &[],
        }
    }

    /// Number of input and output ports; `k` is the fan-out attribute of
    /// splitters and combiners (ignored otherwise).
    pub fn port_counts(self, k: usize) -> (usize, usize) {
        match self {
            Kind::Mzi(_) | Kind::Coupler => (2, 2),
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

    /// Whether the kind carries heaters (placed on the mode grid, driven by
    /// the DAC, subject to phase error and thermal crosstalk).
    pub fn has_heater(self) -> bool {
        matches!(self, Kind::Mzi(_) | Kind::PhaseShifter)
    }

    /// Modes an instance of this kind covers on the placement grid.
    pub fn span(self) -> usize {
        if matches!(self, Kind::Mzi(_) | Kind::Coupler) {
            2
        } else {
            1
        }
    }

    /// The crosstalk role of each programmable slot's heater, if it is one:
    /// an MZI's θ sits between its couplers; its φ and a phase shifter's
    /// phase sit on an input-side waveguide.
    pub fn heater_roles(self) -> [Option<HeaterRole>; 2] {
        match self {
            // The 3-splitter cell's φ sits where the standard one's does,
            // before the coupler that follows it.
            Kind::Mzi(_) => [Some(HeaterRole::Internal), Some(HeaterRole::InputSide)],
            Kind::PhaseShifter => [Some(HeaterRole::InputSide), None],
            _ => [None, None],
        }
    }
}

/// Where a heater sits inside its component; thermal crosstalk couples
/// heaters of the same role (spec/device.md, "Thermal crosstalk").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeaterRole {
    Internal,
    InputSide,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
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
}

//! The cells of the chip layout and their geometry, in nanometres: what the
//! planner places and the gdsfactory builder draws (spec/layout.md, "Cells").
//! The builder assembles each cell from generic-PDK parts and checks that
//! its ports land where these numbers say.

/// Length in nanometres; every coordinate of a plan is on the 1 nm grid.
pub type Nm = i64;

/// µm → nm.
pub const fn um(x: i64) -> Nm {
    x * 1000
}

/// Distance between two modes (waveguide rows): an MZI's two ports.
pub const MODE_PITCH: Nm = um(40);
/// Waveguide width of the generic PDK's `strip` cross-section.
pub const WG_WIDTH: Nm = 500;
/// Euler bend radius of the routed waveguides (gdsfactory's default).
pub const BEND_RADIUS: Nm = um(10);
/// How much of each straight a drawn corner takes: gdsfactory's Euler bend
/// of minimum radius 10 µm needs about 14.2 µm on both sides of a 90° turn.
pub const CORNER_EXTENT: Nm = um(15);
/// A heater: gdsfactory `straight_heater_metal(length=100)`.
pub const HEATER_LENGTH: Nm = um(100);
/// Its via stacks (11 µm squares) are centred 10.4 µm outside its optical
/// ends.
pub const HEATER_VIA_OFFSET: Nm = 10_400;
pub const VIA_SIZE: Nm = um(11);
/// Straight before and after each heater, so its via stacks stay inside the
/// cell.
pub const HEATER_LEAD: Nm = um(20);
/// One heater section: lead, heater, lead.
pub const HEATER_SECTION: Nm = HEATER_LEAD + HEATER_LENGTH + HEATER_LEAD;
/// gdsfactory `coupler(gap=0.236, length=20, dx=40, dy=MODE_PITCH)`: 100 µm long.
pub const COUPLER_DX: Nm = um(40);
pub const COUPLER_LENGTH: Nm = um(20);
pub const COUPLER_GAP: Nm = 236;
pub const COUPLER: Nm = 2 * COUPLER_DX + COUPLER_LENGTH;
/// The MZI cell: φ section, coupler, θ section, coupler.
pub const MZI_LENGTH: Nm = 2 * HEATER_SECTION + 2 * COUPLER;
/// The 3-splitter MZI: a third coupler, then the MZI.
pub const MZI3_LENGTH: Nm = COUPLER + MZI_LENGTH;
/// A waveguide crossing between two neighbouring modes: gdsfactory
/// `crossing45(port_spacing=48.5675)`, whose ports then lie exactly one
/// mode pitch apart, 100.686 µm from west to east ports.
pub const CROSSING_PORT_SPACING: &str = "48.5675";
pub const CROSSING_LENGTH: Nm = 100_686;
/// Edge couplers (gdsfactory `edge_coupler_silicon`, 100 µm) at the fiber
/// array's pitch.
pub const EDGE_COUPLER_LENGTH: Nm = um(100);
pub const IO_PITCH: Nm = 127_000;
/// Metal: signal wires on M3 and ground on M2, 5 µm wide at a 10 µm pitch.
pub const WIRE_WIDTH: Nm = um(5);
pub const WIRE_PITCH: Nm = um(10);
/// Pads: 80 µm squares at a 100 µm pitch.
pub const PAD_SIZE: Nm = um(80);
pub const PAD_PITCH: Nm = um(100);
/// Rise of a heater's signal wire above its waveguide before it turns east:
/// θ (and a lone heater) low, φ high, so the two never cross.
pub const RISE_LOW: Nm = um(13);
pub const RISE_HIGH: Nm = um(23);

/// What a placed instance is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CellKind {
    /// A 2×2 MZI on two adjacent modes, φ heater on the top input arm and
    /// θ heater on the top internal arm (spec/factorization.md).
    Mzi,
    /// One heater on one mode (a phase shifter).
    Heater,
    /// The 3-splitter MZI (`mzi3`): a coupler, then the MZI's cell.
    Mzi3,
    /// The MZI + crossing (`mzi_crossing`): the MZI's cell, then a crossing.
    MziCrossing,
    /// The lower waveguide path of an MZI without its partner: keeps a mode
    /// that no MZI uses in an MZI column at the column's optical length.
    MziDelay,
    /// The same for a column of 3-splitter MZIs (one more coupler's S-bends).
    Mzi3Delay,
    /// A straight as long as its column (a mode idle in a column of heaters).
    Straight,
    /// A component with no generic-PDK cell here: a labelled box with the
    /// right ports on its rows, and a heater when it is programmable.
    Placeholder,
    /// Two neighbouring modes exchanged through a waveguide crossing
    /// (a permutation section between columns).
    Crossing,
    /// One mode moved to a neighbouring free mode by an S-bend as long as
    /// a crossing (a permutation section).
    Bend,
}

impl serde::Serialize for CellKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl serde::Serialize for Knob {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl CellKind {
    pub fn name(self) -> &'static str {
        match self {
            CellKind::Mzi => "optc_mzi",
            CellKind::Heater => "optc_heater",
            CellKind::Mzi3 => "optc_mzi3",
            CellKind::MziCrossing => "optc_mzi_crossing",
            CellKind::MziDelay => "optc_mzi_delay",
            CellKind::Mzi3Delay => "optc_mzi3_delay",
            CellKind::Straight => "optc_straight",
            CellKind::Placeholder => "optc_placeholder",
            CellKind::Crossing => "optc_crossing",
            CellKind::Bend => "optc_bend",
        }
    }
}

/// Which setting a heater realises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Knob {
    Theta,
    Phi,
    Phase,
    Transmission,
}

impl Knob {
    pub fn name(self) -> &'static str {
        match self {
            Knob::Theta => "theta",
            Knob::Phi => "phi",
            Knob::Phase => "phase",
            Knob::Transmission => "transmission",
        }
    }
}

/// One heater of a cell, relative to the cell origin (the west end of its
/// bottom mode):
/// the centres of its signal (west) and ground (east) via stacks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeaterAt {
    pub knob: Knob,
    pub signal: (Nm, Nm),
    pub ground: (Nm, Nm),
    /// How far the signal wire rises above the heater before turning east.
    pub rise: Nm,
}

/// The heater of a section starting at `x0` on row height `y`.
const fn heater_at(knob: Knob, x0: Nm, y: Nm, rise: Nm) -> HeaterAt {
    HeaterAt {
        knob,
        signal: (x0 + HEATER_LEAD - HEATER_VIA_OFFSET, y),
        ground: (x0 + HEATER_LEAD + HEATER_LENGTH + HEATER_VIA_OFFSET, y),
        rise,
    }
}

/// The heaters of a cell spanning `rows` modes: an MZI's φ and θ, one for
/// the first knob of a heater or a placeholder (on its top mode, which
/// the planner only gives a knob when light runs straight through it).
pub fn heaters(kind: CellKind, rows: usize, knobs: &[Knob]) -> Vec<HeaterAt> {
    let top = (rows as Nm - 1) * MODE_PITCH;
    match kind {
        CellKind::Mzi | CellKind::MziCrossing => vec![
            heater_at(Knob::Phi, 0, top, RISE_HIGH),
            heater_at(Knob::Theta, HEATER_SECTION + COUPLER, top, RISE_LOW),
        ],
        CellKind::Mzi3 => vec![
            heater_at(Knob::Phi, COUPLER, top, RISE_HIGH),
            heater_at(
                Knob::Theta,
                COUPLER + HEATER_SECTION + COUPLER,
                top,
                RISE_LOW,
            ),
        ],
        CellKind::Heater | CellKind::Placeholder => knobs
            .first()
            .map(|&k| vec![heater_at(k, 0, top, RISE_LOW)])
            .unwrap_or_default(),
        CellKind::MziDelay
        | CellKind::Mzi3Delay
        | CellKind::Straight
        | CellKind::Crossing
        | CellKind::Bend => vec![],
    }
}

/// The cell's own length along x (a `Straight` is as long as its column).
pub fn length(kind: CellKind) -> Nm {
    match kind {
        CellKind::Mzi | CellKind::MziDelay => MZI_LENGTH,
        CellKind::Mzi3 | CellKind::Mzi3Delay => MZI3_LENGTH,
        CellKind::MziCrossing => MZI_LENGTH + CROSSING_LENGTH,
        CellKind::Heater | CellKind::Placeholder | CellKind::Straight => HEATER_SECTION,
        CellKind::Crossing | CellKind::Bend => CROSSING_LENGTH,
    }
}

/// gdsfactory's name of a cell port, counter-clockwise from the west side's
/// lowest: the `west` west ports are `o1` (lowest) … `o{west}` (top), the
/// east ports `o{west+1}` (top) … downwards; `rank` counts a side's ports
/// from the top.
pub fn port_name(west: usize, input: bool, rank: usize) -> String {
    if input {
        format!("o{}", west - rank)
    } else {
        format!("o{}", west + 1 + rank)
    }
}

//! The `digit_serial:` section of a netlist (spec/netlist.md): a reducer
//! whose servers send each code as ⌈b/2⌉ PAM4 digits, one waveguide per
//! digit, into units (one, or a cascade: a tree), each a chain of stages.
//! Each stage is a part of the netlist (its instances and ports start with
//! its `prefix`) with its own stage interface (a `ReducerInterface` with
//! `stage:`); stage j's carry port is driven by a remodulator from stage
//! j−1's carry bits (stage 0's from its unit's constant `initial_carry`).
//! An inner unit's partial sum goes on as PAM4 digits to its parent.

use super::reducer_section::{InterfaceReadout, ReducerInterface};
use super::{compose, locate, FormatError, Netlist, Problem};
use optc_model::digit_serial::DigitSerial;
use serde::{Deserialize, Serialize};

/// The link encoding of a digit-serial reducer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Link {
    /// ⌈b/2⌉ PAM4 symbols per code, the base-4 digits of q + Q.
    Pam4,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigitSerialInterface {
    pub servers: usize,
    pub bits: u32,
    pub link: Link,
    /// Fan-in of each level's units, leaves first (one unit: `[N]`).
    pub cascade: Vec<usize>,
    /// Level by level (leaves first), units in order within a level.
    pub units: Vec<UnitSection>,
}

/// One unit of the tree: a chain of stages over its inputs' digits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitSection {
    pub level: usize,
    pub index: usize,
    /// The constant carry into its stage 0 (the leaves share K = N/2 − 1).
    pub initial_carry: i32,
    /// Least significant digit first.
    pub stages: Vec<StageSection>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageSection {
    /// Every instance and port of this stage starts with it.
    pub prefix: String,
    pub interface: ReducerInterface,
}

impl DigitSerialInterface {
    /// The model's tree for this section.
    pub fn chain(&self) -> Result<DigitSerial, String> {
        let ds = DigitSerial::cascade(self.bits, &self.cascade).map_err(|e| e.to_string())?;
        if ds.servers != self.servers {
            return Err(format!(
                "the cascade {:?} serves {} servers, not {}",
                self.cascade, ds.servers, self.servers
            ));
        }
        Ok(ds)
    }

    /// Every stage of every unit, in order.
    pub fn stages(&self) -> impl Iterator<Item = &StageSection> {
        self.units.iter().flat_map(|u| u.stages.iter())
    }

    /// The part of the netlist of `stage`, with its stage interface as its
    /// `reducer:` section.
    pub fn stage_netlist(&self, net: &Netlist, stage: &StageSection) -> Netlist {
        let mut part = compose::part(net, &stage.prefix);
        part.reducer = Some(stage.interface.clone());
        part
    }

    /// Checks the chain's shape and every stage interface against its part.
    #[allow(clippy::result_large_err)]
    pub fn validate(&self, netlist: &Netlist, file: &str, text: &str) -> Result<(), FormatError> {
        let fail = |msg: String, key: &str| {
            let line = locate::key_line(text, "digit_serial", key)
                .or_else(|| locate::section_line(text, "digit_serial"));
            FormatError::new(file, Problem::Reducer(msg)).at_line(line)
        };
        if netlist.reducer.is_some() {
            return Err(fail(
                "a netlist has either a `reducer:` or a `digit_serial:` section, not both".into(),
                "servers",
            ));
        }
        let ds = self.chain().map_err(|m| fail(m, "cascade"))?;
        let units: usize = (0..ds.levels()).map(|l| ds.units(l)).sum();
        if self.units.len() != units {
            return Err(fail(
                format!(
                    "the cascade {:?} has {units} units (level by level, leaves first), the section lists {}",
                    self.cascade,
                    self.units.len()
                ),
                "units",
            ));
        }
        let want: Vec<(usize, usize)> = (0..ds.levels())
            .flat_map(|l| (0..ds.units(l)).map(move |u| (l, u)))
            .collect();
        let got: Vec<(usize, usize)> = self.units.iter().map(|u| (u.level, u.index)).collect();
        if got != want {
            return Err(fail(
                format!(
                    "the cascade {:?} has {} units (level by level, leaves first), the section lists {}",
                    self.cascade,
                    want.len(),
                    got.len()
                ),
                "units",
            ));
        }
        let mut seen: Vec<&str> = Vec::new();
        for u in &self.units {
            let (level, fan) = (u.level, ds.fan_in()[u.level]);
            let at = format!("unit {}.{}", level, u.index);
            if u.stages.len() != ds.stages_at(level) {
                return Err(fail(
                    format!(
                        "{at}: {} bits over PAM4 need {} stages at level {level} (one per digit), found {}",
                        self.bits,
                        ds.stages_at(level),
                        u.stages.len()
                    ),
                    "units",
                ));
            }
            if u.initial_carry != ds.initial_carry_of(level, u.index) {
                return Err(fail(
                    format!(
                        "{at}: `initial_carry` must be {} (the leaves share N/2 − 1, the mean's rounding), not {}",
                        ds.initial_carry_of(level, u.index),
                        u.initial_carry
                    ),
                    "units",
                ));
            }
            for (j, s) in u.stages.iter().enumerate() {
                let i = &s.interface;
                if i.servers != fan || i.stage.map(|st| st.max_carry) != Some(fan as i32 - 1) {
                    return Err(fail(
                        format!(
                            "{at}, stage {j}: its interface must be a stage of {fan} inputs with max_carry = {}",
                            fan - 1
                        ),
                        "units",
                    ));
                }
                if !matches!(
                    i.readout,
                    InterfaceReadout::Bits {
                        code: optc_model::encoding::BitCode::Gray,
                        ..
                    }
                ) {
                    return Err(fail(
                        format!(
                            "{at}, stage {j}: the readout must be comparator bits in Gray code (`kind: bits`, `code: gray`)"
                        ),
                        "units",
                    ));
                }
                if s.prefix.is_empty()
                    || seen
                        .iter()
                        .any(|o| o.starts_with(&s.prefix) || s.prefix.starts_with(o))
                {
                    return Err(fail(
                        format!(
                            "{at}, stage {j}: prefix `{}` must be non-empty and no other stage's prefix may start it",
                            s.prefix
                        ),
                        "units",
                    ));
                }
                seen.push(&s.prefix);
                for port in i.inputs.iter().map(String::as_str).chain(i.output_ports()) {
                    if !port.starts_with(&s.prefix) {
                        return Err(fail(
                            format!(
                                "{at}, stage {j}: port `{port}` does not start with its prefix `{}`",
                                s.prefix
                            ),
                            "units",
                        ));
                    }
                }
                i.validate_in(
                    netlist,
                    file,
                    text,
                    "digit_serial",
                    &format!("{at}, stage {j}: "),
                )?;
            }
        }
        // Stages meet only through electronics: every external port is named
        // for the stage its endpoint belongs to, and no connection joins two.
        let stage_of = |name: &str| self.stages().position(|s| name.starts_with(&s.prefix));
        for (port, endpoint) in &netlist.ports {
            if stage_of(port).is_none() || stage_of(port) != stage_of(endpoint) {
                return Err(fail(
                    format!("port `{port}` (at `{endpoint}`) is not named for the stage its instance belongs to"),
                    "units",
                ));
            }
        }
        for (a, b) in &netlist.connections {
            if stage_of(a) != stage_of(b) {
                return Err(fail(
                    format!("connection `{a}` → `{b}` joins two stages (stages meet only through their electronics)"),
                    "units",
                ));
            }
        }
        if let Some(stray) = netlist
            .instances
            .keys()
            .find(|k| !self.stages().any(|s| k.starts_with(&s.prefix)))
        {
            return Err(fail(
                format!("instance `{stray}` belongs to no stage (no stage prefix starts it)"),
                "units",
            ));
        }
        Ok(())
    }
}

//! The `digit_serial:` section of a netlist (spec/netlist.md): a reducer
//! whose servers send each code as ⌈b/2⌉ PAM4 digits, one waveguide per
//! digit, into a chain of stages. Each stage is a part of the netlist (its
//! instances and ports start with its `prefix`) with its own stage
//! interface (a `ReducerInterface` with `stage:`); stage j's carry port is
//! driven by a remodulator from stage j−1's carry bits (stage 0's from the
//! constant `initial_carry`).

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
    /// The constant carry into stage 0, K = N/2 − 1.
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
    /// The model's chain for this section.
    pub fn chain(&self) -> Result<DigitSerial, String> {
        DigitSerial::new(self.servers, self.bits).map_err(|e| e.to_string())
    }

    /// Stage j's part of the netlist, with its stage interface as its
    /// `reducer:` section.
    pub fn stage_netlist(&self, net: &Netlist, j: usize) -> Netlist {
        let s = &self.stages[j];
        let mut part = compose::part(net, &s.prefix);
        part.reducer = Some(s.interface.clone());
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
        let ds = self.chain().map_err(|m| fail(m, "servers"))?;
        if self.stages.len() != ds.stages() {
            return Err(fail(
                format!(
                    "{} bits over PAM4 need {} stages (one per digit), found {}",
                    self.bits,
                    ds.stages(),
                    self.stages.len()
                ),
                "stages",
            ));
        }
        if self.initial_carry != ds.initial_carry() {
            return Err(fail(
                format!(
                    "`initial_carry` must be N/2 − 1 = {} (the mean's rounding), not {}",
                    ds.initial_carry(),
                    self.initial_carry
                ),
                "initial_carry",
            ));
        }
        for (j, s) in self.stages.iter().enumerate() {
            let i = &s.interface;
            if i.servers != self.servers || i.stage.map(|st| st.max_carry) != Some(ds.max_carry()) {
                return Err(fail(
                    format!(
                        "stage {j}: its interface must be a stage of {} servers with max_carry = {}",
                        self.servers,
                        ds.max_carry()
                    ),
                    "stages",
                ));
            }
            if !matches!(i.readout, InterfaceReadout::Bits { .. }) {
                return Err(fail(
                    format!("stage {j}: the readout must be comparator bits"),
                    "stages",
                ));
            }
            if s.prefix.is_empty()
                || self.stages[..j]
                    .iter()
                    .any(|o| o.prefix.starts_with(&s.prefix) || s.prefix.starts_with(&o.prefix))
            {
                return Err(fail(
                    format!("stage {j}: prefix `{}` must be non-empty and no other stage's prefix may start it", s.prefix),
                    "stages",
                ));
            }
            for port in i.inputs.iter().map(String::as_str).chain(i.output_ports()) {
                if !port.starts_with(&s.prefix) {
                    return Err(fail(
                        format!(
                            "stage {j}: port `{port}` does not start with its prefix `{}`",
                            s.prefix
                        ),
                        "stages",
                    ));
                }
            }
            i.validate(netlist, file, text)?;
        }
        if let Some(stray) = netlist
            .instances
            .keys()
            .find(|k| !self.stages.iter().any(|s| k.starts_with(&s.prefix)))
        {
            return Err(fail(
                format!("instance `{stray}` belongs to no stage (no stage prefix starts it)"),
                "stages",
            ));
        }
        Ok(())
    }
}

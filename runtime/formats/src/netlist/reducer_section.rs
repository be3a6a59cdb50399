//! The reducer interface of a netlist (`reducer:` section, spec/netlist.md):
//! how servers' codes enter the optics and how the result leaves it. The
//! optics ends at `detector` instances without threshold (or, for a coherent
//! readout, at bare output ports); the comparators and receivers described
//! here are electronics, so they live beside the netlist, not in it.

use super::{locate, FormatError, Netlist, PortName, Problem};
use optc_model::contract::Contract;
use optc_model::digit_serial::DigitSerial;
use optc_model::encoding::BitCode;
use optc_model::task::{StageTask, Task};
use serde::{Deserialize, Serialize};

/// The `reducer:` section of a netlist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReducerInterface {
    pub servers: usize,
    pub bits: u32,
    /// Server i drives external input `inputs[i]` with the real field q_i/Q,
    /// Q = 2^(bits−1) − 1.
    pub inputs: Vec<String>,
    pub readout: InterfaceReadout,
    /// Present when this interface is one stage of a digit-serial reducer
    /// (spec/reducer.md): `inputs` are the N servers' PAM4 digit ports, then
    /// the carry remodulator's port; the stage resolves ℓ = D + c into the
    /// Gray bits of ℓ (`bits` = log2(4N)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<StageSpec>,
}

/// What a digit-serial stage's carry channel carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageSpec {
    /// The carry's largest value (N − 1).
    pub max_carry: i32,
}

/// How the delivered code is read from the external outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum InterfaceReadout {
    /// One comparator per result bit: bit k = [P_plus − P_minus > threshold]
    /// on the photocurrent powers at its output ports; `code` says how the
    /// bits encode the b-bit result.
    Bits { code: BitCode, bits: Vec<BitPorts> },
    /// Coherent receivers (one per server, same field): Ŝ = round(gain·Re E)
    /// at `receivers[0]`, r = round_half_even(Ŝ / N).
    Coherent { receivers: Vec<String>, gain: f64 },
}

/// The detector output ports and comparator of one result bit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BitPorts {
    pub plus: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minus: Option<String>,
    pub threshold: f64,
    /// max of P_plus + P_minus over all inputs on the ideal device; detector
    /// noise σ is relative to it.
    pub full_scale: f64,
}

impl ReducerInterface {
    /// Q = 2^(b−1) − 1.
    pub fn max_code(&self) -> i32 {
        (1i32 << (self.bits.clamp(2, 16) - 1)) - 1
    }

    /// What the circuit behind this interface resolves.
    pub fn task(&self) -> Result<Task, String> {
        match self.stage {
            None => Contract::mean(self.servers, self.bits)
                .map(Task::Mean)
                .map_err(|e| e.to_string()),
            Some(s) => {
                let ds = DigitSerial::new(self.servers, 2).map_err(|e| e.to_string())?;
                if s.max_carry != ds.max_carry() {
                    return Err(format!(
                        "a stage of {} servers carries at most {} (got max_carry = {})",
                        self.servers,
                        ds.max_carry(),
                        s.max_carry
                    ));
                }
                Ok(Task::Stage(StageTask {
                    servers: self.servers,
                    max_carry: s.max_carry,
                }))
            }
        }
    }

    /// Input ports: one per server, plus the carry of a stage.
    pub fn channels(&self) -> usize {
        self.servers + usize::from(self.stage.is_some())
    }

    /// The external output ports read by the electronics, in bit order
    /// (plus before minus), or the receivers.
    pub fn output_ports(&self) -> Vec<&str> {
        match &self.readout {
            InterfaceReadout::Bits { bits, .. } => bits
                .iter()
                .flat_map(|b| std::iter::once(b.plus.as_str()).chain(b.minus.as_deref()))
                .collect(),
            InterfaceReadout::Coherent { receivers, .. } => {
                receivers.iter().map(String::as_str).collect()
            }
        }
    }

    /// Checks the section against its netlist: servers ≥ 1, bits in 2..=16,
    /// one input per server and one comparator per bit, every port an
    /// external port of the right direction, finite thresholds, positive
    /// full scales. `text` locates the error (the `reducer:` line).
    // FormatError is the shared, located error type of every file format.
    #[allow(clippy::result_large_err)]
    pub fn validate(&self, netlist: &Netlist, file: &str, text: &str) -> Result<(), FormatError> {
        self.validate_in(netlist, file, text, "reducer", "")
    }

    /// The same for an interface inside top-level section `section`
    /// (`digit_serial` for a stage's): errors are located at that
    /// section's line and name `what` (e.g. "unit 0.1, stage 2: ").
    #[allow(clippy::result_large_err)]
    pub fn validate_in(
        &self,
        netlist: &Netlist,
        file: &str,
        text: &str,
        section: &str,
        what: &str,
    ) -> Result<(), FormatError> {
        let fail = |msg: String, key: &str| {
            let line = locate::key_line(text, section, key)
                .or_else(|| locate::section_line(text, section));
            FormatError::new(file, Problem::Reducer(format!("{what}{msg}"))).at_line(line)
        };
        if self.servers == 0 {
            return Err(fail("`servers` must be ≥ 1".into(), "servers"));
        }
        if !(2..=16).contains(&self.bits) {
            return Err(fail(
                format!("`bits` = {} is not in 2..=16", self.bits),
                "bits",
            ));
        }
        if self.inputs.len() != self.channels() {
            return Err(fail(
                format!(
                    "`inputs` lists {} ports but there are {} servers (one input per server{})",
                    self.inputs.len(),
                    self.servers,
                    if self.stage.is_some() {
                        ", then the carry"
                    } else {
                        ""
                    }
                ),
                "inputs",
            ));
        }
        let task = self.task().map_err(|m| fail(m, "stage"))?;
        if self.stage.is_some() && task.bits() != self.bits {
            return Err(fail(
                format!(
                    "a stage of {} servers resolves {} levels: `bits` must be {}, not {}",
                    self.servers,
                    task.level_count(),
                    task.bits(),
                    self.bits
                ),
                "bits",
            ));
        }
        let port = |name: &str, want_input: bool| -> Result<(), FormatError> {
            let Some(endpoint) = netlist.ports.get(name) else {
                return Err(fail(
                    format!("`{name}` is not an external port of the netlist"),
                    if want_input { "inputs" } else { "readout" },
                ));
            };
            let is_input = endpoint
                .split_once(',')
                .and_then(|(_, p)| PortName::parse(p.trim()))
                .is_some_and(|p| matches!(p, PortName::In(_)));
            if is_input != want_input {
                return Err(fail(
                    format!(
                        "`{name}` is an external {} port; expected an {} port",
                        if is_input { "input" } else { "output" },
                        if want_input { "input" } else { "output" }
                    ),
                    if want_input { "inputs" } else { "readout" },
                ));
            }
            Ok(())
        };
        for name in &self.inputs {
            port(name, true)?;
        }
        match &self.readout {
            InterfaceReadout::Bits { bits, .. } => {
                if bits.len() != self.bits as usize {
                    return Err(fail(
                        format!(
                            "the readout has {} comparators but `bits` = {} (one per result bit)",
                            bits.len(),
                            self.bits
                        ),
                        "readout",
                    ));
                }
                for (k, b) in bits.iter().enumerate() {
                    if !b.threshold.is_finite() {
                        return Err(fail(
                            format!("bit {k}: threshold must be finite"),
                            "readout",
                        ));
                    }
                    if !(b.full_scale > 0.0 && b.full_scale.is_finite()) {
                        return Err(fail(
                            format!("bit {k}: full_scale must be finite and > 0"),
                            "readout",
                        ));
                    }
                }
            }
            InterfaceReadout::Coherent { receivers, gain } => {
                if receivers.is_empty() {
                    return Err(fail(
                        "a coherent readout needs at least one receiver".into(),
                        "readout",
                    ));
                }
                if !gain.is_finite() {
                    return Err(fail("the receiver gain must be finite".into(), "readout"));
                }
            }
        }
        for name in self.output_ports() {
            port(name, false)?;
        }
        Ok(())
    }
}

//! A reducer circuit model (`optc_sim::reducer::Circuit`) as a netlist,
//! stage by stage, each stage onto its own components:
//!
//! - `Mesh` → `add_mesh` on the rails of its modes, brought side by side
//!   with `permute_rails` (waveguide crossings) when they are not; except
//!   the fixed averaging mesh (`average`, not trainable), whose only used
//!   output is Σx/√N: it becomes one passive N→1 `combiner` (no heaters,
//!   so the DAC cannot make the response depend on more than the sum);
//! - `Source` → a `source`; a dark mode that a mesh or attenuator column
//!   needs as an input gets a zero-amplitude `source` named `dark_m{mode}`
//!   (a netlist needs a driver on every port);
//! - `Attenuators` → attenuators; `Activation` → `eo_activation`;
//! - `FanOut` → one 1→K `splitter`, output j carrying mode `to[j]`;
//! - the readout: a `detector` without threshold per photodiode (its output
//!   port carries the photocurrent power), or bare outputs for coherent
//!   receivers; every other lit rail ends in a terminator.
//!
//! The `reducer:` section records the input ports and the comparators.

use super::EmitError;
use crate::reducer::circuit::{Circuit, Readout, Stage};
use optc_formats::builder::{BuildError, NetlistBuilder, Rail};
use optc_formats::netlist::reducer_section::{BitPorts, InterfaceReadout, ReducerInterface};
use optc_formats::netlist::Netlist;
use optc_formats::phases::Phases;

/// The name `design::linear` / `design::onn` give the averaging mesh.
const AVERAGE: &str = "average";

/// The model-mode → builder-rail map during emission.
struct Rails {
    of_mode: Vec<Option<usize>>,
}

impl Rails {
    fn rail(&self, mode: usize) -> Result<usize, EmitError> {
        self.of_mode
            .get(mode)
            .copied()
            .flatten()
            .ok_or_else(|| invalid(format!("mode {mode} carries no light here")))
    }

    /// Gives every dark mode of `modes` a zero-amplitude source.
    fn light(&mut self, b: &mut NetlistBuilder, modes: std::ops::Range<usize>) {
        for m in modes {
            if self.of_mode[m].is_none() {
                self.of_mode[m] = Some(b.add_source(0.0, 0.0, &format!("dark_m{m}")));
            }
        }
    }

    /// Reorders the rails: mapped rails by model mode, then the rest (closed
    /// or discarded), so any run of consecutive lit modes is contiguous.
    fn sort(&mut self, b: &mut NetlistBuilder) {
        let total = b.rails().len();
        let mut order: Vec<usize> = self.of_mode.iter().flatten().copied().collect();
        let mut used = vec![false; total];
        for &r in &order {
            used[r] = true;
        }
        order.extend((0..total).filter(|&r| !used[r]));
        let identity = order.iter().enumerate().all(|(i, &r)| i == r);
        if identity {
            return;
        }
        b.permute_rails(&order);
        let mut new_of = vec![0usize; total];
        for (i, &r) in order.iter().enumerate() {
            new_of[r] = i;
        }
        for slot in self.of_mode.iter_mut().flatten() {
            *slot = new_of[*slot];
        }
    }

    /// The rail of `first`, after making `first..first + n` contiguous.
    fn block(
        &mut self,
        b: &mut NetlistBuilder,
        first: usize,
        n: usize,
    ) -> Result<usize, EmitError> {
        self.light(b, first..first + n);
        let start = self.rail(first)?;
        let contiguous = (0..n).all(|j| self.of_mode[first + j] == Some(start + j));
        if !contiguous {
            self.sort(b);
        }
        self.rail(first)
    }
}

fn invalid(msg: String) -> EmitError {
    EmitError::Build(BuildError::Invalid(msg))
}

/// Emits `circuit` as netlist `name` (phase file with DAC codes when
/// `phase_bits` is given).
pub fn emit_reducer(
    circuit: &Circuit,
    name: &str,
    phase_bits: Option<u32>,
) -> Result<(Netlist, Phases), EmitError> {
    let n = circuit.servers;
    if circuit.modes < n {
        return Err(invalid(format!(
            "the circuit has {} modes for {n} servers",
            circuit.modes
        )));
    }
    let mut b = NetlistBuilder::new(name, n);
    if let Some(bits) = phase_bits {
        b = b.phase_bits(bits);
    }
    let mut rails = Rails {
        of_mode: (0..circuit.modes).map(|m| (m < n).then_some(m)).collect(),
    };
    for stage in &circuit.stages {
        match stage {
            Stage::Mesh {
                name,
                offset,
                mesh,
                trainable: false,
            } if name == AVERAGE && mesh.modes > 1 => {
                // Output 0 of the averaging mesh is Σx/√N and the others are
                // discarded: that is a passive N→1 combiner, which has no
                // heaters, so a DAC cannot break the sum-only property.
                check_range(circuit, *offset, mesh.modes)?;
                let first = rails.block(&mut b, *offset, mesh.modes)?;
                let inputs: Vec<usize> = (first..first + mesh.modes).collect();
                b.add_combiner(&inputs, &format!("{name}_combiner"));
                for m in offset + 1..offset + mesh.modes {
                    rails.of_mode[m] = None;
                }
            }
            Stage::Mesh {
                name, offset, mesh, ..
            } => {
                check_range(circuit, *offset, mesh.modes)?;
                let first = rails.block(&mut b, *offset, mesh.modes)?;
                b.add_mesh(mesh, first, &format!("{name}_"));
            }
            Stage::Source {
                mode,
                amplitude,
                phase,
            } => {
                check_range(circuit, *mode, 1)?;
                if rails.of_mode[*mode].is_some() {
                    return Err(invalid(format!("source on lit mode {mode}")));
                }
                let r = b.add_source(*amplitude, *phase, &format!("bias_m{mode}"));
                rails.of_mode[*mode] = Some(r);
            }
            Stage::Attenuators { name, column } => {
                let mut on = Vec::with_capacity(column.len());
                for a in column {
                    check_range(circuit, a.mode, 1)?;
                    on.push(rails.rail(a.mode)?);
                }
                let t: Vec<f64> = column.iter().map(|a| a.transmission).collect();
                b.add_attenuators_on(&on, &t, &format!("{name}_"));
            }
            Stage::Activation {
                mode,
                alpha,
                gain,
                bias,
            } => {
                check_range(circuit, *mode, 1)?;
                let r = rails.rail(*mode)?;
                b.add_eo_activation(r, *alpha, *gain, *bias, &format!("eo_m{mode}"));
            }
            Stage::FanOut { from, to } => {
                check_range(circuit, *from, 1)?;
                for &t in to {
                    check_range(circuit, t, 1)?;
                    if t != *from && rails.of_mode[t].is_some() {
                        return Err(invalid(format!("fan-out onto lit mode {t}")));
                    }
                }
                let src = rails.rail(*from)?;
                let outs = b.add_splitter(src, to.len(), &format!("fanout_m{from}"));
                rails.of_mode[*from] = None;
                for (&t, &r) in to.iter().zip(&outs) {
                    rails.of_mode[t] = Some(r);
                }
            }
        }
    }
    // The readout: detectors (or receivers) stay open; everything else ends.
    let read: Vec<usize> = match &circuit.readout {
        Readout::Bits { detectors, .. } => detectors
            .iter()
            .flat_map(|d| std::iter::once(d.plus).chain(d.minus))
            .collect(),
        Readout::Coherent { receivers, .. } => receivers.clone(),
    };
    for &m in &read {
        check_range(circuit, m, 1)?;
    }
    let mut read_rails = Vec::with_capacity(read.len());
    for &m in &read {
        read_rails.push(rails.rail(m)?);
    }
    if let Readout::Bits { .. } = &circuit.readout {
        for (&m, &r) in read.iter().zip(&read_rails) {
            b.add_detector(r, None, &format!("pd_m{m}"));
        }
    }
    let open: Vec<usize> = (0..b.rails().len())
        .filter(|r| matches!(b.rails()[*r], Rail::Port { .. }) && !read_rails.contains(r))
        .collect();
    for r in open {
        b.add_terminator(r, &format!("unused_r{r}"));
    }
    let port = |b: &NetlistBuilder, r: usize| {
        b.output_port(r)
            .ok_or_else(|| invalid(format!("readout rail {r} is not open")))
    };
    let readout = match &circuit.readout {
        Readout::Bits { detectors, code } => {
            let mut bits = Vec::with_capacity(detectors.len());
            for d in detectors {
                let plus = port(&b, rails.rail(d.plus)?)?;
                let minus = match d.minus {
                    Some(m) => Some(port(&b, rails.rail(m)?)?),
                    None => None,
                };
                bits.push(BitPorts {
                    plus,
                    minus,
                    threshold: d.threshold,
                    full_scale: d.full_scale,
                });
            }
            InterfaceReadout::Bits { code: *code, bits }
        }
        Readout::Coherent { receivers, gain } => {
            let mut ports = Vec::with_capacity(receivers.len());
            for &m in receivers {
                ports.push(port(&b, rails.rail(m)?)?);
            }
            InterfaceReadout::Coherent {
                receivers: ports,
                gain: *gain,
            }
        }
    };
    b.reducer(ReducerInterface {
        // A stage's last channel is its carry, not a server.
        servers: n - usize::from(circuit.stage.is_some()),
        bits: circuit.bits,
        inputs: (0..n).map(|i| format!("in{i}")).collect(),
        readout,
        stage: circuit.stage,
    });
    Ok(b.build()?)
}

fn check_range(circuit: &Circuit, first: usize, n: usize) -> Result<(), EmitError> {
    if first + n > circuit.modes {
        return Err(invalid(format!(
            "a stage uses modes {first}..{} of a {}-mode circuit",
            first + n,
            circuit.modes
        )));
    }
    Ok(())
}

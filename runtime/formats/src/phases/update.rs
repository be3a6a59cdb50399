//! A phase file with new programmable values (a calibration's result),
//! keeping its netlist reference and DAC.

use super::Phases;
use crate::netlist::{Circuit, Kind};
use crate::phases::NodeSettings;
use optc_model::mzi::wrap_phase;

impl Phases {
    /// This phase file with the programmable values of `settings` (DAC codes
    /// recomputed when the file carries them).
    pub fn with_settings(&self, circuit: &Circuit, settings: &NodeSettings) -> Phases {
        let mut out = self.clone();
        for (node, v) in circuit.nodes.iter().zip(settings) {
            let Some(s) = out.settings.get_mut(&node.name) else {
                continue;
            };
            match node.kind {
                Kind::Mzi(_) => {
                    s.theta = Some(wrap_phase(v[0]));
                    s.phi = Some(wrap_phase(v[1]));
                }
                Kind::PhaseShifter => s.phase = Some(wrap_phase(v[0])),
                Kind::Attenuator => s.transmission = Some(v[0]),
                _ => {}
            }
        }
        for span in &circuit.cells {
            let Some(m) = out.meshes.get_mut(&span.name) else {
                continue;
            };
            let mut values = settings[span.nodes.clone()].iter();
            (m.theta, m.phi) = span
                .columns
                .iter()
                .map(|&count| {
                    let column: Vec<&[f64; 2]> = values.by_ref().take(count).collect();
                    let theta = column.iter().map(|v| wrap_phase(v[0])).collect();
                    let phi = column.iter().map(|v| wrap_phase(v[1])).collect();
                    (theta, phi)
                })
                .unzip();
        }
        match out.phase_bits {
            Some(bits) => out.with_dac(bits),
            None => out,
        }
    }
}

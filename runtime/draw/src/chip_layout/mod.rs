//! The chip layout of a netlist (`optc layout`, spec/layout.md): cells
//! placed by column and mode, waveguides routed between them and to edge
//! couplers on the west edge, every heater wired to its own pad, checked
//! for overlaps and crossings, as a plan that the gdsfactory builder
//! (`gds_build.py`) draws with the generic PDK.

pub mod cells;
pub mod check;
pub mod electrical;
pub mod optical;
pub mod place;
pub mod plan;

use cells::{Knob, Nm, IO_PITCH};
use optc_formats::netlist::Circuit;
use optc_model::dac::Dac;
pub use plan::{Figures, Plan};
use plan::{HeaterPlan, Instance, PadSetting};
use thiserror::Error;

/// The gdsfactory builder, run by `optc layout` in the pinned environment.
pub const GDS_BUILDER: &str = include_str!("gds_build.py");

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LayoutError {
    #[error("{file}: instance `{instance}`: cannot lay out: {why}")]
    Unsupported {
        file: String,
        instance: String,
        why: String,
    },
    #[error("{file}: cannot route: {why}")]
    Unroutable { file: String, why: String },
    #[error("{file}: the netlist has {nodes} instances but {settings} settings")]
    SettingsMismatch {
        file: String,
        nodes: usize,
        settings: usize,
    },
    #[error("{file}: layout check failed: {why}")]
    Check { file: String, why: String },
}

/// Room around everything inside the outline.
pub const MARGIN: Nm = 50_000;

/// Plans the layout of a circuit programmed with `settings` (one `[f64; 2]`
/// per node, as the phase file resolves). `dac_bits` gives each phase pad
/// its DAC code.
pub fn plan(circuit: &Circuit, settings: &[[f64; 2]], dac_bits: u32) -> Result<Plan, LayoutError> {
    if settings.len() != circuit.nodes.len() {
        return Err(LayoutError::SettingsMismatch {
            file: circuit.file.clone(),
            nodes: circuit.nodes.len(),
            settings: settings.len(),
        });
    }
    if circuit.nodes.is_empty() {
        return Err(LayoutError::Unroutable {
            file: circuit.file.clone(),
            why: "the netlist has no instances".into(),
        });
    }
    let n_inputs = circuit.input_names.len();
    let placement = place::place(circuit, optical::fan_in_width(n_inputs))?;

    let mut instances = Vec::new();
    let mut by_column = Vec::new();
    for (c, col) in placement.columns.iter().enumerate() {
        let mut members = Vec::new();
        for p in &col.cells {
            let origin = (col.x, place::row_y(p.bottom));
            let heaters = cells::heaters(p.cell, p.rows(), &p.knobs)
                .into_iter()
                .map(|h| HeaterPlan {
                    knob: h.knob,
                    signal: (origin.0 + h.signal.0, origin.1 + h.signal.1),
                    ground: (origin.0 + h.ground.0, origin.1 + h.ground.1),
                    rise: h.rise,
                    pad: String::new(),
                })
                .collect();
            let length = if p.cell == cells::CellKind::Straight {
                col.length
            } else {
                cells::length(p.cell)
            };
            members.push(instances.len());
            instances.push(Instance {
                name: p.name.clone(),
                cell: p.cell,
                origin,
                span: [p.top, p.bottom],
                west: p.west.clone(),
                east: p.east.clone(),
                length,
                kind: p.node.map(|i| circuit.nodes[i].kind.name().to_string()),
                heaters,
                column: c,
                node: p.node,
            });
        }
        by_column.push(members);
    }
    // Every programmable setting gets a heater and so a pad.
    let settings_count: usize = circuit
        .nodes
        .iter()
        .map(|n| n.kind.programmable().len())
        .sum();
    let heaters: usize = instances.iter().map(|i| i.heaters.len()).sum();
    if heaters != settings_count {
        return Err(LayoutError::Check {
            file: circuit.file.clone(),
            why: format!("{settings_count} programmable settings but {heaters} heaters"),
        });
    }
    let output_names: Vec<String> = circuit.outputs.iter().map(|(n, _)| n.clone()).collect();
    let optical = optical::route(
        &circuit.file,
        &placement,
        &instances,
        &by_column,
        &circuit.input_names,
        &output_names,
    )?;
    let dac = Dac::new(dac_bits);
    let setting = |inst: &Instance, h: usize| {
        let knob = inst.heaters[h].knob;
        let node = inst.node.expect("only netlist instances have heaters");
        let names = circuit.nodes[node].kind.programmable();
        let slot = names.iter().position(|n| *n == knob.name()).unwrap_or(0);
        let value = settings[node][slot];
        PadSetting {
            instance: inst.name.clone(),
            knob,
            value,
            code: (knob != Knob::Transmission).then(|| dac.code(value)),
        }
    };
    let electrical = electrical::wire(
        &placement,
        &mut instances,
        &by_column,
        optical.east,
        &setting,
    );
    let east = optical.east + 2 * cells::PAD_PITCH + MARGIN;
    let outline = [
        (0, optical.bottom - IO_PITCH / 2),
        (east, electrical.top + MARGIN),
    ];
    let plan = Plan {
        name: circuit.name.clone(),
        rows: circuit.modes,
        instances,
        couplers: optical.couplers,
        routes: optical.routes,
        wires: electrical.wires,
        pads: electrical.pads,
        vias: electrical.vias,
        outline,
    };
    check::check(&plan).map_err(|why| LayoutError::Check {
        file: circuit.file.clone(),
        why,
    })?;
    Ok(plan)
}

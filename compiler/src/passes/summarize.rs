//! `summarize`: the report's structural figures, read off the netlist:
//! component counts, MZI count against full SVD, optical depth, worst-path loss.

use super::{Pass, PassError};
use crate::factor::svd_mzi_count;
use crate::unit::{realization_name, CompileUnit};
use optc_formats::netlist::{Circuit, Driver};

pub struct Summarize;

impl Pass for Summarize {
    fn name(&self) -> &'static str {
        "summarize"
    }

    fn description(&self) -> &'static str {
        "count components, optical depth and worst-path loss for the report"
    }

    fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError> {
        let network = unit.name().to_string();
        let Some((netlist, _)) = &unit.netlist else {
            return Err(PassError::Order {
                network,
                pass: "summarize",
                needs: "a netlist (pass `place`)",
            });
        };
        let circuit =
            super::emitted::kept_circuit(unit.circuit.take(), netlist).map_err(|message| {
                PassError::Verify {
                    network: network.clone(),
                    message,
                }
            })?;
        let r = &mut unit.report;
        r.version = crate::emit::REPORT_VERSION;
        r.name = network.clone();
        r.source = unit.source.clone();
        r.device = unit.ir.device.name.clone();
        r.components.clear();
        // By kind, a cell instance counted as the MZIs it expands to.
        for node in &circuit.nodes {
            *r.components
                .entry(node.kind.name().to_string())
                .or_default() += 1;
        }
        r.mzi_count = circuit
            .nodes
            .iter()
            .filter(|n| n.kind.mzi_cell().is_some())
            .count();
        r.optical_depth = max_mzis_on_a_path(&circuit);
        r.worst_path_loss_db = r.optical_depth as f64 * unit.ir.device.params.mzi_loss_db;
        if let Some(l) = &unit.linear {
            r.kind = "linear".into();
            let (rows, cols) = l.target.shape();
            r.mzi_count_full_svd = svd_mzi_count(rows, cols);
            let lr = r.linear.get_or_insert_with(Default::default);
            lr.shape = [rows, cols];
            lr.realize = realization_name(&l.realization).into();
            lr.mesh = l.mesh.name();
            lr.gain = l.realization.gain();
        }
        r.mzi_saving = if r.mzi_count_full_svd > 0 {
            1.0 - r.mzi_count as f64 / r.mzi_count_full_svd as f64
        } else {
            0.0
        };
        Ok(())
    }
}

/// Longest path counted in MZIs, by dynamic programming in topological order.
pub fn max_mzis_on_a_path(circuit: &Circuit) -> usize {
    let mut depth = vec![0usize; circuit.nodes.len()];
    for &n in &circuit.order {
        let before = circuit.drivers[n]
            .iter()
            .map(|d| match d {
                Driver::External(_) => 0,
                Driver::Node(e) => depth[e.node],
            })
            .max()
            .unwrap_or(0);
        depth[n] = before + usize::from(circuit.nodes[n].kind.mzi_cell().is_some());
    }
    depth.into_iter().max().unwrap_or(0)
}

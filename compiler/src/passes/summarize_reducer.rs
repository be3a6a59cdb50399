//! `summarize` (reducers): the structural figures of the netlist (as for
//! linear networks) plus the reducer section: contract, dataset sizes, MZI
//! count against full SVD layers, training.

use super::summarize::Summarize;
use super::{Pass, PassError};
use crate::emit::ReducerReport;
use crate::reducer::design::mzi_count_full_svd;
use crate::unit::CompileUnit;

pub struct SummarizeReducer;

impl Pass for SummarizeReducer {
    fn name(&self) -> &'static str {
        "summarize"
    }

    fn description(&self) -> &'static str {
        "count components and add the reducer figures (dataset sizes, MZI saving, training) to the report"
    }

    fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError> {
        Summarize.run(unit)?;
        let network = unit.name().to_string();
        let Some(l) = &unit.reducer else {
            return Err(PassError::Order {
                network,
                pass: "summarize",
                needs: "a reducer circuit (pass `design`)",
            });
        };
        let r = &mut unit.report;
        r.kind = "reducer".into();
        // The linear realization has no weight layers; its reference is a
        // full SVD of the N-wide combining matrix.
        let widths = if l.layer_widths.is_empty() {
            vec![l.contract.servers]
        } else {
            l.layer_widths.clone()
        };
        // A digit-serial chain has one ONN per stage.
        let full = mzi_count_full_svd(&widths) * l.chain.map_or(1, |c| c.total_stages());
        r.mzi_count_full_svd = full;
        r.mzi_saving = if full > 0 {
            1.0 - r.mzi_count as f64 / full as f64
        } else {
            0.0
        };
        let x = r.reducer.get_or_insert_with(ReducerReport::default);
        x.servers = l.contract.servers;
        x.bits = l.contract.bits;
        x.realization = l.realization.into();
        x.dataset_size_raw = l.contract.dataset_size_raw().to_string();
        // After per-digit preprocessing a stage sees (digit sum, carry):
        // (3N + 1)·N pairs; after the full sum, 2NQ + 1 sums.
        x.dataset_size_preprocessed = match l.chain {
            Some(c) => {
                let f = c.fan_in()[0];
                (3 * f + 1) * f
            }
            None => l.contract.dataset_size_preprocessed(),
        };
        x.mzi_count_full_svd = full;
        x.saving = r.mzi_saving;
        x.training_steps = l.training_steps;
        x.training_final_loss = l.training_final_loss;
        x.training_time_s = l.training_time_s;
        Ok(())
    }
}

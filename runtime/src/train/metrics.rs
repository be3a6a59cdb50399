//! The evaluation rows (metrics.csv) and the per-reducer summary
//! (summary.yaml).

use serde::Serialize;
use std::fmt::Write;

/// One evaluation of one reducer's run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub reducer: String,
    /// Optimizer steps taken so far.
    pub step: usize,
    /// Epochs completed so far.
    pub epoch: usize,
    /// Mean local loss over the steps since the previous row (at step 0: the
    /// initial model's loss on the whole training set).
    pub train_loss: f64,
    pub test_accuracy: f64,
    /// Modeled communication time so far (cumulative), seconds.
    pub modeled_comm_s: f64,
    /// Measured compute wall time so far (cumulative; per step the slowest
    /// worker), seconds. The only column that is not reproducible.
    pub compute_s: f64,
}

pub const CSV_HEADER: &str = "reducer,step,epoch,train_loss,test_accuracy,modeled_comm_s,compute_s";

/// metrics.csv text: the header, then the rows in order.
pub fn to_csv(rows: &[Row]) -> String {
    let mut s = String::from(CSV_HEADER);
    s.push('\n');
    for r in rows {
        // Writing to a String cannot fail.
        let _ = writeln!(
            s,
            "{},{},{},{:.6},{:.6},{:.9e},{:.6}",
            r.reducer,
            r.step,
            r.epoch,
            r.train_loss,
            r.test_accuracy,
            r.modeled_comm_s,
            r.compute_s
        );
    }
    s
}

/// Differences of a reducer to ring all-reduce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VsRing {
    /// accuracy − ring's accuracy (absolute, 0..1).
    pub test_accuracy_delta: f64,
    pub train_loss_delta: f64,
    /// 1 − comm / ring's comm (modeled).
    pub comm_saving: f64,
    /// 1 − step / ring's step, step = mean measured compute + modeled comm.
    pub step_time_saving: f64,
}

/// Optical circuit fidelity over the whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fidelity {
    pub elements: u64,
    /// Fraction of elements where the circuit's code differed from the contract.
    pub code_mismatch_rate: f64,
    pub max_error_lsb: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReducerSummary {
    pub reducer: String,
    pub final_test_accuracy: f64,
    pub final_train_loss: f64,
    pub steps: usize,
    pub modeled_comm_s_per_step: f64,
    pub measured_compute_s_per_step: f64,
    pub modeled_step_s: f64,
    /// Wall time of the whole emulated run (all workers on this machine).
    pub wall_s: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs_ring: Option<VsRing>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optical_fidelity: Option<Fidelity>,
}

/// Fills `vs_ring` of every summary when ring was run. Every reducer does
/// the same compute (same model, data and order), so the step-time saving
/// uses one compute figure, the mean measured compute over all reducers;
/// otherwise timing noise (warm-up, other load) would pose as a saving.
pub fn compare_to_ring(summaries: &mut [ReducerSummary]) {
    let Some(ring) = summaries.iter().find(|s| s.reducer == "ring").cloned() else {
        return;
    };
    let compute = summaries
        .iter()
        .map(|s| s.measured_compute_s_per_step)
        .sum::<f64>()
        / summaries.len().max(1) as f64;
    let saving = |x: f64, base: f64| if base > 0.0 { 1.0 - x / base } else { 0.0 };
    for s in summaries.iter_mut().filter(|s| s.reducer != "ring") {
        s.vs_ring = Some(VsRing {
            test_accuracy_delta: s.final_test_accuracy - ring.final_test_accuracy,
            train_loss_delta: s.final_train_loss - ring.final_train_loss,
            comm_saving: saving(s.modeled_comm_s_per_step, ring.modeled_comm_s_per_step),
            step_time_saving: saving(
                compute + s.modeled_comm_s_per_step,
                compute + ring.modeled_comm_s_per_step,
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_layout() {
        let r = Row {
            reducer: "ring".into(),
            step: 3,
            epoch: 1,
            train_loss: 0.5,
            test_accuracy: 0.25,
            modeled_comm_s: 1e-4,
            compute_s: 0.002,
        };
        assert_eq!(
            to_csv(&[r]),
            format!("{CSV_HEADER}\nring,3,1,0.500000,0.250000,1.000000000e-4,0.002000\n")
        );
    }

    #[test]
    fn savings_use_one_compute_figure() {
        let mk = |name: &str, acc: f64, comm: f64, compute: f64| ReducerSummary {
            reducer: name.into(),
            final_test_accuracy: acc,
            final_train_loss: 1.0,
            steps: 1,
            modeled_comm_s_per_step: comm,
            measured_compute_s_per_step: compute,
            modeled_step_s: comm + compute,
            wall_s: 0.0,
            vs_ring: None,
            optical_fidelity: None,
        };
        let mut s = vec![mk("ring", 0.9, 3.0, 2.0), mk("optical", 0.8, 1.0, 4.0)];
        compare_to_ring(&mut s);
        assert!(s[0].vs_ring.is_none());
        let v = s[1].vs_ring.clone().unwrap_or_else(|| panic!("no vs_ring"));
        assert!((v.test_accuracy_delta + 0.1).abs() < 1e-12);
        assert!((v.comm_saving - 2.0 / 3.0).abs() < 1e-12);
        // Mean compute 3: (3 + 1) / (3 + 3).
        assert!((v.step_time_saving - (1.0 - 4.0 / 6.0)).abs() < 1e-12);
    }
}

//! The evaluation rows (metrics.csv) and the per-reducer summary
//! (summary.yaml).

use super::workload::Metric;
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
    /// The workload's test metric (accuracy 0..1, or perplexity).
    pub test_metric: f64,
    /// Modeled communication time so far (cumulative), seconds.
    pub modeled_comm_s: f64,
    /// Measured compute wall time so far (cumulative; per step the slowest
    /// worker), seconds. The only column that is not reproducible.
    pub compute_s: f64,
}

/// The metrics.csv header; the fifth column is named for the metric.
pub fn csv_header(metric: Metric) -> String {
    format!(
        "reducer,step,epoch,train_loss,{},modeled_comm_s,compute_s",
        metric.column()
    )
}

/// metrics.csv text: the header, then the rows in order.
pub fn to_csv(metric: Metric, rows: &[Row]) -> String {
    let mut s = csv_header(metric);
    s.push('\n');
    for r in rows {
        // Writing to a String cannot fail.
        let _ = writeln!(
            s,
            "{},{},{},{:.6},{:.6},{:.9e},{:.6}",
            r.reducer, r.step, r.epoch, r.train_loss, r.test_metric, r.modeled_comm_s, r.compute_s
        );
    }
    s
}

/// Differences of a reducer to ring all-reduce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VsRing {
    /// accuracy − ring's accuracy (absolute, 0..1); accuracy workloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_accuracy_delta: Option<f64>,
    /// perplexity / ring's perplexity − 1 (relative); language workloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_perplexity_gap: Option<f64>,
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
    /// The workload's metric (decides which final_test_* key is present).
    #[serde(skip)]
    pub metric: Metric,
    /// The last evaluation's test metric, under the metric's own name.
    #[serde(skip)]
    pub final_test: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_test_accuracy: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_test_perplexity: Option<f64>,
    pub final_train_loss: f64,
    pub steps: usize,
    pub modeled_comm_s_per_step: f64,
    /// Per step: slowest worker's forward/backward + the reducer's wall time
    /// + one replica's optimizer update (measured).
    pub measured_compute_s_per_step: f64,
    /// Per step: wall time of the reducer alone (ring's chunked sums, or the
    /// quantizer plus the emulated circuit).
    pub measured_reduce_s_per_step: f64,
    /// Per step: wall time of the whole emulated step on this machine (all
    /// workers' forward/backward in turn, the reducer, every replica's update).
    pub measured_step_wall_s: f64,
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
        let (acc, ppl) = match s.metric {
            Metric::Accuracy => (Some(s.final_test - ring.final_test), None),
            Metric::Perplexity => (None, Some(s.final_test / ring.final_test - 1.0)),
        };
        s.vs_ring = Some(VsRing {
            test_accuracy_delta: acc,
            test_perplexity_gap: ppl,
            train_loss_delta: s.final_train_loss - ring.final_train_loss,
            comm_saving: saving(s.modeled_comm_s_per_step, ring.modeled_comm_s_per_step),
            step_time_saving: saving(
                compute + s.modeled_comm_s_per_step,
                compute + ring.modeled_comm_s_per_step,
            ),
        });
    }
}

impl ReducerSummary {
    /// Sets the final metric and its named summary key.
    pub fn set_final(&mut self, metric: Metric, value: f64) {
        self.metric = metric;
        self.final_test = value;
        self.final_test_accuracy = (metric == Metric::Accuracy).then_some(value);
        self.final_test_perplexity = (metric == Metric::Perplexity).then_some(value);
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
            test_metric: 0.25,
            modeled_comm_s: 1e-4,
            compute_s: 0.002,
        };
        assert_eq!(
            to_csv(Metric::Accuracy, std::slice::from_ref(&r)),
            "reducer,step,epoch,train_loss,test_accuracy,modeled_comm_s,compute_s\n\
             ring,3,1,0.500000,0.250000,1.000000000e-4,0.002000\n"
        );
        assert!(to_csv(Metric::Perplexity, &[r]).starts_with(
            "reducer,step,epoch,train_loss,test_perplexity,modeled_comm_s,compute_s\n"
        ));
    }

    #[test]
    fn savings_use_one_compute_figure() {
        let mk = |name: &str, acc: f64, comm: f64, compute: f64| {
            let mut s = ReducerSummary {
                reducer: name.into(),
                metric: Metric::Accuracy,
                final_test: 0.0,
                final_test_accuracy: None,
                final_test_perplexity: None,
                final_train_loss: 1.0,
                steps: 1,
                modeled_comm_s_per_step: comm,
                measured_compute_s_per_step: compute,
                measured_reduce_s_per_step: 0.0,
                measured_step_wall_s: 0.0,
                modeled_step_s: comm + compute,
                wall_s: 0.0,
                vs_ring: None,
                optical_fidelity: None,
            };
            s.set_final(Metric::Accuracy, acc);
            s
        };
        let mut s = vec![mk("ring", 0.9, 3.0, 2.0), mk("optical", 0.8, 1.0, 4.0)];
        compare_to_ring(&mut s);
        assert!(s[0].vs_ring.is_none());
        let v = s[1].vs_ring.clone().unwrap_or_else(|| panic!("no vs_ring"));
        assert!((v.test_accuracy_delta.unwrap_or(0.0) + 0.1).abs() < 1e-12);
        assert!(v.test_perplexity_gap.is_none());
        let yaml = serde_yaml::to_string(&s[1]).unwrap_or_else(|e| panic!("{e}"));
        assert!(yaml.contains("final_test_accuracy: 0.8") && !yaml.contains("perplexity"));
        // Perplexity: the gap is relative.
        for x in s.iter_mut() {
            let v = if x.reducer == "ring" { 100.0 } else { 103.0 };
            x.set_final(Metric::Perplexity, v);
        }
        compare_to_ring(&mut s);
        let v = s[1].vs_ring.clone().unwrap_or_else(|| panic!("no vs_ring"));
        assert!((v.test_perplexity_gap.unwrap_or(0.0) - 0.03).abs() < 1e-12);
        assert!((v.comm_saving - 2.0 / 3.0).abs() < 1e-12);
        // Mean compute 3: (3 + 1) / (3 + 3).
        assert!((v.step_time_saving - (1.0 - 4.0 / 6.0)).abs() < 1e-12);
    }
}

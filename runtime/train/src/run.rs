//! The emulated data-parallel run: N replicas of any workload, one shard of
//! every step each, one reducer, evaluation after every epoch (or every
//! `eval_every` steps), and the output files. Batch order depends only on
//! (seed, epoch), so every reducer sees the same data in the same order.

use super::comm_model::{CommParams, Payload};
use super::error::TrainError;
use super::metrics::{compare_to_ring, to_csv, ReducerSummary, Row};
use super::plot::curves_svg;
use super::reduce::GradReducer;
use super::replicas::{check_identical, Replica};
use super::workload::{parameter_count, Workload};
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainConfig {
    pub workload: String,
    pub workers: usize,
    pub epochs: usize,
    /// Global batch; each worker gets batch / workers samples of it.
    pub batch: usize,
    pub lr: f64,
    pub seed: u64,
    /// Code bits of the quantized and optical reducers.
    pub bits: u32,
    /// Elements per quantization scale (0: one per tensor).
    pub bucket: usize,
    pub train_samples: usize,
    pub test_samples: usize,
    /// Evaluate every this many steps (and at the end); None: every epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_every: Option<usize>,
    pub comm: CommParams,
}

impl TrainConfig {
    pub fn steps_per_epoch(&self) -> usize {
        self.train_samples / self.batch.max(1)
    }

    /// Checks workers, batch and sample counts.
    pub fn validate(&self) -> Result<(), TrainError> {
        if self.workers == 0 {
            return Err(TrainError::Workers(0));
        }
        if self.batch == 0 || !self.batch.is_multiple_of(self.workers) {
            return Err(TrainError::Batch {
                batch: self.batch,
                workers: self.workers,
                suggest: self.batch.div_ceil(self.workers).max(1) * self.workers,
            });
        }
        if self.train_samples < self.batch {
            return Err(TrainError::TooFewSamples {
                samples: self.train_samples,
                batch: self.batch,
            });
        }
        Ok(())
    }

    pub fn payload(&self, workload: &dyn Workload) -> Payload {
        Payload {
            workers: self.workers,
            elements: parameter_count(workload.layout()),
            tensors: if self.bucket == 0 {
                workload.layout().len()
            } else {
                workload
                    .layout()
                    .iter()
                    .map(|t| t.len().div_ceil(self.bucket).max(1))
                    .sum()
            },
            bits: self.bits,
        }
    }
}

/// Called after every step with (steps done by this reducer).
pub type Progress<'a> = dyn FnMut(usize) + 'a;

/// The rows and summary of one reducer's run.
#[derive(Debug, Clone)]
pub struct ReducerRun {
    pub rows: Vec<Row>,
    pub summary: ReducerSummary,
}

/// Trains N replicas of `workload` with `reducer`, evaluating after every
/// epoch (or every `cfg.eval_every` steps, and after the last step).
pub fn train_with(
    cfg: &TrainConfig,
    workload: &dyn Workload,
    reducer: &mut dyn GradReducer,
    progress: &mut Progress<'_>,
) -> Result<ReducerRun, TrainError> {
    cfg.validate()?;
    let started = Instant::now();
    let name = reducer.name().to_string();
    let layout = workload.layout();
    let params = workload.initial_params(cfg.seed);
    let mut replicas = (0..cfg.workers)
        .map(|_| Replica::new(layout, &params, cfg.lr))
        .collect::<Result<Vec<_>, _>>()?;
    let comm_step = cfg.comm.for_reducer(&name, &cfg.payload(workload));
    let shard = cfg.batch / cfg.workers;
    let mut rows = vec![Row {
        reducer: name.clone(),
        step: 0,
        epoch: 0,
        train_loss: workload.initial_train_loss(&replicas[0].vars)?,
        test_metric: workload.evaluate(&replicas[0].vars)?,
        modeled_comm_s: 0.0,
        compute_s: 0.0,
    }];
    let (mut step, mut comm_s, mut compute_s) = (0usize, 0.0f64, 0.0f64);
    let (mut reduce_s, mut step_wall_s) = (0.0f64, 0.0f64);
    let (mut loss_sum, mut loss_n) = (0.0f64, 0usize);
    for epoch in 1..=cfg.epochs {
        let batches = workload.epoch_batches(epoch, cfg.seed, cfg.workers, shard);
        let last_of_epoch = batches.len();
        for (k, shards) in batches.iter().enumerate() {
            let step_start = Instant::now();
            let mut grads = Vec::with_capacity(cfg.workers);
            let mut slowest = 0.0f64;
            for (rep, idx) in replicas.iter().zip(shards) {
                let t = Instant::now();
                let loss = workload.loss(&rep.vars, idx)?;
                let (loss, g) = rep.local_gradient(&loss)?;
                slowest = slowest.max(t.elapsed().as_secs_f64());
                loss_sum += f64::from(loss);
                loss_n += 1;
                grads.push(g);
            }
            let t = Instant::now();
            reducer.reduce(&mut grads)?;
            let reduced = t.elapsed().as_secs_f64();
            let t = Instant::now();
            for (rep, g) in replicas.iter_mut().zip(&grads) {
                rep.apply(g)?;
            }
            let apply_one = t.elapsed().as_secs_f64() / cfg.workers as f64;
            step += 1;
            comm_s += comm_step;
            // One worker's view of the step: its (slowest) forward/backward,
            // the reducer's emulation (an emulated circuit that is slow to run
            // must show up here), and its own optimizer update.
            compute_s += slowest + reduced + apply_one;
            reduce_s += reduced;
            step_wall_s += step_start.elapsed().as_secs_f64();
            progress(step);
            let due = match cfg.eval_every {
                Some(e) => step % e.max(1) == 0 || (epoch == cfg.epochs && k + 1 == last_of_epoch),
                None => k + 1 == last_of_epoch,
            };
            if due {
                check_identical(&replicas, epoch)?;
                rows.push(Row {
                    reducer: name.clone(),
                    step,
                    epoch,
                    train_loss: loss_sum / loss_n.max(1) as f64,
                    test_metric: workload.evaluate(&replicas[0].vars)?,
                    modeled_comm_s: comm_s,
                    compute_s,
                });
                (loss_sum, loss_n) = (0.0, 0);
            }
        }
    }
    check_identical(&replicas, cfg.epochs)?;
    let last = rows.last().cloned().unwrap_or_else(|| rows[0].clone());
    let per = |x: f64| if step > 0 { x / step as f64 } else { 0.0 };
    let mut summary = ReducerSummary {
        reducer: name,
        metric: workload.metric(),
        final_test: last.test_metric,
        final_test_accuracy: None,
        final_test_perplexity: None,
        final_train_loss: last.train_loss,
        steps: step,
        modeled_comm_s_per_step: per(comm_s),
        measured_compute_s_per_step: per(compute_s),
        measured_reduce_s_per_step: per(reduce_s),
        measured_step_wall_s: per(step_wall_s),
        modeled_step_s: per(comm_s + compute_s),
        wall_s: started.elapsed().as_secs_f64(),
        vs_ring: None,
        optical_fidelity: reducer.fidelity(),
    };
    summary.set_final(workload.metric(), last.test_metric);
    Ok(ReducerRun { rows, summary })
}

/// summary.yaml's content.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub config: TrainConfig,
    /// The workload's model and data figures (vocabulary, sizes, …).
    pub model_and_data: serde_yaml::Value,
    pub parameters: usize,
    pub gradient_bytes_fp32: usize,
    pub reducers: Vec<ReducerSummary>,
}

/// Assembles the summary (with the differences to ring) and writes
/// metrics.csv, summary.yaml and curves.svg into `out`.
pub fn write_outputs(
    out: &Path,
    cfg: &TrainConfig,
    workload: &dyn Workload,
    runs: &[ReducerRun],
) -> Result<Summary, std::io::Error> {
    std::fs::create_dir_all(out)?;
    let rows: Vec<Row> = runs.iter().flat_map(|r| r.rows.clone()).collect();
    let mut reducers: Vec<ReducerSummary> = runs.iter().map(|r| r.summary.clone()).collect();
    compare_to_ring(&mut reducers);
    let parameters = parameter_count(workload.layout());
    let io = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
    let summary = Summary {
        config: cfg.clone(),
        model_and_data: workload.details().map_err(|e| io(&e))?,
        parameters,
        gradient_bytes_fp32: 4 * parameters,
        reducers,
    };
    let yaml = serde_yaml::to_string(&summary).map_err(|e| io(&e))?;
    let title = format!(
        "{}: {} workers, {}-bit codes, seed {}",
        cfg.workload, cfg.workers, cfg.bits, cfg.seed
    );
    let metric = workload.metric();
    let svg = curves_svg(&rows, &title, metric).map_err(|e| io(&e))?;
    optc_formats::fsio::write_atomic(&out.join("metrics.csv"), to_csv(metric, &rows).as_bytes())?;
    optc_formats::fsio::write_atomic(&out.join("summary.yaml"), yaml.as_bytes())?;
    optc_formats::fsio::write_atomic(&out.join("curves.svg"), svg.as_bytes())?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digits::DigitsCnn;
    use crate::ring::RingReducer;

    #[test]
    fn tiny_run_learns_and_is_reproducible() -> Result<(), TrainError> {
        let w = DigitsCnn::load(Some(256))?;
        let data = &w.data;
        let cfg = TrainConfig {
            workload: "digits-cnn".into(),
            workers: 2,
            epochs: 3,
            batch: 32,
            lr: 3e-3,
            seed: 1,
            bits: 4,
            bucket: 0,
            train_samples: data.train.len(),
            test_samples: data.test.len(),
            eval_every: None,
            comm: CommParams::default(),
        };
        let mut steps = 0;
        let run = |steps: &mut usize| train_with(&cfg, &w, &mut RingReducer, &mut |s| *steps = s);
        let a = run(&mut steps)?;
        assert_eq!(steps, 3 * 8);
        assert_eq!(a.rows.len(), 4);
        assert!(a.rows[3].train_loss < a.rows[0].train_loss);
        assert!(a.rows[3].test_metric > a.rows[0].test_metric);
        let b = run(&mut steps)?;
        let strip = |rows: &[Row]| {
            rows.iter()
                .map(|r| Row {
                    compute_s: 0.0,
                    ..r.clone()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&a.rows), strip(&b.rows));
        assert!(matches!(
            TrainConfig {
                batch: 33,
                ..cfg.clone()
            }
            .validate(),
            Err(TrainError::Batch { suggest: 34, .. })
        ));
        Ok(())
    }
}

//! The emulated data-parallel run: N replicas, one shard of every global
//! batch each, one reducer, evaluation after every epoch, and the output
//! files. Batch order depends only on (seed, epoch), so every reducer sees
//! the same data in the same order.

use super::comm_model::{CommParams, Payload};
use super::data::{Digits, PIXELS};
use super::error::TrainError;
use super::metrics::{compare_to_ring, to_csv, ReducerSummary, Row};
use super::model::{initial_params, parameter_count, Cnn, LAYOUT};
use super::plot::curves_svg;
use super::reduce::GradReducer;
use super::replicas::{check_identical, Replica};
use rand::seq::SliceRandom;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
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
    pub train_samples: usize,
    pub test_samples: usize,
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

    pub fn payload(&self) -> Payload {
        Payload {
            workers: self.workers,
            elements: parameter_count(),
            tensors: LAYOUT.len(),
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

fn mean_loss(model: &Cnn, images: &[f32], labels: &[u32]) -> Result<f64, TrainError> {
    Ok(f64::from(model.loss(images, labels)?.to_scalar::<f32>()?))
}

/// Trains N replicas with `reducer`, evaluating after every epoch.
pub fn train_with(
    cfg: &TrainConfig,
    data: &Digits,
    reducer: &mut dyn GradReducer,
    progress: &mut Progress<'_>,
) -> Result<ReducerRun, TrainError> {
    cfg.validate()?;
    let started = Instant::now();
    let name = reducer.name().to_string();
    let params = initial_params(cfg.seed);
    let mut replicas = (0..cfg.workers)
        .map(|_| Replica::new(&params, cfg.lr))
        .collect::<Result<Vec<_>, _>>()?;
    let comm_step = cfg.comm.for_reducer(&name, &cfg.payload());
    let shard = cfg.batch / cfg.workers;
    let test = &data.test;
    let train = &data.train;
    let mut rows = vec![Row {
        reducer: name.clone(),
        step: 0,
        epoch: 0,
        train_loss: mean_loss(&replicas[0].model, &train.images, &train.labels)?,
        test_accuracy: replicas[0].model.accuracy(&test.images, &test.labels)?,
        modeled_comm_s: 0.0,
        compute_s: 0.0,
    }];
    let (mut step, mut comm_s, mut compute_s) = (0usize, 0.0f64, 0.0f64);
    for epoch in 1..=cfg.epochs {
        let mut order: Vec<usize> = (0..train.len()).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(
            cfg.seed ^ (epoch as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        ));
        let mut loss_sum = 0.0f64;
        let mut loss_n = 0usize;
        for batch in order.chunks_exact(cfg.batch) {
            let mut grads = Vec::with_capacity(cfg.workers);
            let mut slowest = 0.0f64;
            for (w, rep) in replicas.iter().enumerate() {
                let (x, y) = train.gather(&batch[w * shard..(w + 1) * shard]);
                debug_assert_eq!(x.len(), shard * PIXELS);
                let t = Instant::now();
                let (loss, g) = rep.local_gradient(&x, &y)?;
                slowest = slowest.max(t.elapsed().as_secs_f64());
                loss_sum += f64::from(loss);
                loss_n += 1;
                grads.push(g);
            }
            reducer.reduce(&mut grads)?;
            for (rep, g) in replicas.iter_mut().zip(&grads) {
                rep.apply(g)?;
            }
            step += 1;
            comm_s += comm_step;
            compute_s += slowest;
            progress(step);
        }
        check_identical(&replicas, epoch)?;
        rows.push(Row {
            reducer: name.clone(),
            step,
            epoch,
            train_loss: loss_sum / loss_n.max(1) as f64,
            test_accuracy: replicas[0].model.accuracy(&test.images, &test.labels)?,
            modeled_comm_s: comm_s,
            compute_s,
        });
    }
    let last = rows.last().cloned().unwrap_or_else(|| rows[0].clone());
    let per = |x: f64| if step > 0 { x / step as f64 } else { 0.0 };
    let summary = ReducerSummary {
        reducer: name,
        final_test_accuracy: last.test_accuracy,
        final_train_loss: last.train_loss,
        steps: step,
        modeled_comm_s_per_step: per(comm_s),
        measured_compute_s_per_step: per(compute_s),
        modeled_step_s: per(comm_s + compute_s),
        wall_s: started.elapsed().as_secs_f64(),
        vs_ring: None,
        optical_fidelity: reducer.fidelity(),
    };
    Ok(ReducerRun { rows, summary })
}

/// summary.yaml's content.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub config: TrainConfig,
    pub parameters: usize,
    pub gradient_bytes_fp32: usize,
    pub reducers: Vec<ReducerSummary>,
}

/// Assembles the summary (with the differences to ring) and writes
/// metrics.csv, summary.yaml and curves.svg into `out`.
pub fn write_outputs(
    out: &Path,
    cfg: &TrainConfig,
    runs: &[ReducerRun],
) -> Result<Summary, std::io::Error> {
    std::fs::create_dir_all(out)?;
    let rows: Vec<Row> = runs.iter().flat_map(|r| r.rows.clone()).collect();
    let mut reducers: Vec<ReducerSummary> = runs.iter().map(|r| r.summary.clone()).collect();
    compare_to_ring(&mut reducers);
    let summary = Summary {
        config: cfg.clone(),
        parameters: parameter_count(),
        gradient_bytes_fp32: 4 * parameter_count(),
        reducers,
    };
    let io = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
    let yaml = serde_yaml::to_string(&summary).map_err(|e| io(&e))?;
    let title = format!(
        "{}: {} workers, {}-bit codes, seed {}",
        cfg.workload, cfg.workers, cfg.bits, cfg.seed
    );
    let svg = curves_svg(&rows, &title).map_err(|e| io(&e))?;
    crate::fsio::write_atomic(&out.join("metrics.csv"), to_csv(&rows).as_bytes())?;
    crate::fsio::write_atomic(&out.join("summary.yaml"), yaml.as_bytes())?;
    crate::fsio::write_atomic(&out.join("curves.svg"), svg.as_bytes())?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::data::load;
    use crate::train::ring::RingReducer;

    #[test]
    fn tiny_run_learns_and_is_reproducible() -> Result<(), TrainError> {
        let data = load(Some(256))?;
        let cfg = TrainConfig {
            workload: "digits-cnn".into(),
            workers: 2,
            epochs: 3,
            batch: 32,
            lr: 3e-3,
            seed: 1,
            bits: 4,
            train_samples: data.train.len(),
            test_samples: data.test.len(),
            comm: CommParams::default(),
        };
        let mut steps = 0;
        let run =
            |steps: &mut usize| train_with(&cfg, &data, &mut RingReducer, &mut |s| *steps = s);
        let a = run(&mut steps)?;
        assert_eq!(steps, 3 * 8);
        assert_eq!(a.rows.len(), 4);
        assert!(a.rows[3].train_loss < a.rows[0].train_loss);
        assert!(a.rows[3].test_accuracy > a.rows[0].test_accuracy);
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

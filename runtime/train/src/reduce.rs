//! What every gradient reducer does: replace each worker's gradient with the
//! (approximate) mean over workers, identically on every worker.

use super::error::TrainError;
use super::metrics::Fidelity;
use super::replicas::WorkerGrads;

pub trait GradReducer {
    /// The reducer's name in metrics.csv and summary.yaml.
    fn name(&self) -> &'static str;
    /// On entry `grads[w]` is worker w's local gradient (per tensor); on
    /// return every worker holds the reduced gradient.
    fn reduce(&mut self, grads: &mut WorkerGrads) -> Result<(), TrainError>;
    /// How faithfully a physical circuit met the contract so far, if any.
    fn fidelity(&self) -> Option<Fidelity> {
        None
    }
}

/// Errors unless every worker has the same tensor sizes as worker 0.
pub fn check_shapes(grads: &WorkerGrads) -> Result<(), TrainError> {
    let Some(first) = grads.first() else {
        return Err(TrainError::Workers(0));
    };
    for (w, g) in grads.iter().enumerate() {
        if g.len() != first.len() || g.iter().zip(first).any(|(a, b)| a.len() != b.len()) {
            return Err(TrainError::GradShape { worker: w });
        }
    }
    Ok(())
}

//! The optical reducer: the same quantization as `quantized`, but the codes
//! go through a compiled reducer netlist executed by the runtime (the code
//! path of `optc reduce`), supplied as an executor. It also counts how often
//! the optics delivered a code other than the contract's.

use super::error::TrainError;
use super::metrics::Fidelity;
use super::quantized::{contract_mean, QuantOptions, Quantizer};
use super::reduce::GradReducer;
use super::replicas::WorkerGrads;

/// Runs codes (elements × N, row-major) through the circuit, one delivered
/// code per element into `out`.
pub type CodeExecutor = Box<dyn FnMut(&[i32], &mut [i32]) -> Result<(), String> + Send>;

pub struct OpticalReducer {
    quantizer: Quantizer,
    servers: usize,
    exec: CodeExecutor,
    /// Elements reduced, and those where the circuit differed from the contract.
    pub elements: u64,
    pub mismatches: u64,
    /// Largest |delivered − contract| seen, in LSB.
    pub max_error_lsb: i64,
    reference: Vec<i32>,
}

impl OpticalReducer {
    /// `servers` and `bits` are the netlist's; they must match the run.
    pub fn new(
        servers: usize,
        workers: usize,
        opts: QuantOptions,
        exec: CodeExecutor,
    ) -> Result<Self, TrainError> {
        if servers != workers {
            return Err(TrainError::ServersMismatch {
                netlist: servers,
                workers,
            });
        }
        Ok(Self {
            quantizer: Quantizer::new(opts)?,
            servers,
            exec,
            elements: 0,
            mismatches: 0,
            max_error_lsb: 0,
            reference: Vec::new(),
        })
    }
}

impl GradReducer for OpticalReducer {
    fn name(&self) -> &'static str {
        "optical"
    }

    fn reduce(&mut self, grads: &mut WorkerGrads) -> Result<(), TrainError> {
        if grads.len() != self.servers {
            return Err(TrainError::ServersMismatch {
                netlist: self.servers,
                workers: grads.len(),
            });
        }
        let n = self.servers;
        let exec = &mut self.exec;
        let reference = &mut self.reference;
        let (mut elements, mut mismatches, mut worst) = (0u64, 0u64, 0i64);
        self.quantizer.reduce_with(grads, &mut |codes, out| {
            exec(codes, out).map_err(TrainError::Executor)?;
            reference.clear();
            reference.resize(out.len(), 0);
            contract_mean(n, codes, reference);
            for (&d, &r) in out.iter().zip(reference.iter()) {
                if d != r {
                    mismatches += 1;
                    worst = worst.max((i64::from(d) - i64::from(r)).abs());
                }
            }
            elements += out.len() as u64;
            Ok(())
        })?;
        self.elements += elements;
        self.mismatches += mismatches;
        self.max_error_lsb = self.max_error_lsb.max(worst);
        Ok(())
    }

    fn fidelity(&self) -> Option<Fidelity> {
        Some(Fidelity {
            elements: self.elements,
            code_mismatch_rate: self.mismatches as f64 / self.elements.max(1) as f64,
            max_error_lsb: self.max_error_lsb,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantized::QuantizedReducer;
    use rand::Rng;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn opts() -> QuantOptions {
        QuantOptions {
            bits: 4,
            stochastic: false,
            error_feedback: false,
            seed: 0,
            bucket: 0,
        }
    }

    /// The contract oracle as an executor (tests only): the optical reducer
    /// with a perfect circuit must equal the quantized reducer bit for bit.
    fn oracle(n: usize) -> CodeExecutor {
        Box::new(move |codes, out| {
            contract_mean(n, codes, out);
            Ok(())
        })
    }

    #[test]
    fn perfect_circuit_equals_quantized_and_faults_are_counted() -> Result<(), TrainError> {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let g: WorkerGrads = (0..4)
            .map(|_| vec![(0..50).map(|_| rng.gen_range(-1.0f32..1.0)).collect()])
            .collect();
        let mut a = g.clone();
        let mut b = g.clone();
        OpticalReducer::new(4, 4, opts(), oracle(4))?.reduce(&mut a)?;
        QuantizedReducer::new(opts())?.reduce(&mut b)?;
        assert_eq!(a, b);

        // A circuit that is off by one on every element is caught and counted.
        let faulty: CodeExecutor = Box::new(|codes, out| {
            contract_mean(4, codes, out);
            out.iter_mut().for_each(|r| *r = (*r + 1).min(7));
            Ok(())
        });
        let mut f = OpticalReducer::new(4, 4, opts(), faulty)?;
        let mut c = g.clone();
        f.reduce(&mut c)?;
        assert_eq!(f.elements, 50);
        assert!(f.mismatches > 40 && f.max_error_lsb == 1);
        assert_ne!(c, b);
        Ok(())
    }

    #[test]
    fn servers_must_equal_workers_and_executor_errors_surface() {
        assert!(matches!(
            OpticalReducer::new(8, 4, opts(), oracle(8)),
            Err(TrainError::ServersMismatch {
                netlist: 8,
                workers: 4
            })
        ));
        let failing: CodeExecutor = Box::new(|_, _| Err("detector on fire".into()));
        let Ok(mut r) = OpticalReducer::new(2, 2, opts(), failing) else {
            panic!("2 = 2")
        };
        let mut g = vec![vec![vec![1.0f32]], vec![vec![0.5]]];
        assert!(matches!(r.reduce(&mut g), Err(TrainError::Executor(m)) if m.contains("fire")));
    }
}

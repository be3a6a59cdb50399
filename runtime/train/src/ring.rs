//! Ring all-reduce, the baseline: the flattened gradient is cut into N
//! chunks; reduce-scatter (N−1 steps, each worker adds the chunk its left
//! neighbour sends, fp32, in ring order), all-gather (N−1 steps, the reduced
//! chunks travel on around the ring), then every worker divides by N.
//! Sends within a step are simultaneous: all messages are copied out first.

use super::error::TrainError;
use super::reduce::{check_shapes, GradReducer};
use super::replicas::WorkerGrads;

/// Chunk c of a buffer of `len` elements cut into `n` chunks.
fn chunk(len: usize, n: usize, c: usize) -> std::ops::Range<usize> {
    c * len / n..(c + 1) * len / n
}

/// All-reduces (mean) the equal-length buffers `bufs[w]` in place.
pub fn ring_allreduce(bufs: &mut [Vec<f32>]) {
    let n = bufs.len();
    if n == 0 {
        return;
    }
    let len = bufs[0].len();
    // Reduce-scatter: at step s worker i sends chunk (i − s) mod n to i + 1.
    for s in 0..n - 1 {
        let msgs: Vec<(usize, usize, Vec<f32>)> = (0..n)
            .map(|i| {
                let c = (i + n - s % n) % n;
                ((i + 1) % n, c, bufs[i][chunk(len, n, c)].to_vec())
            })
            .collect();
        for (dst, c, data) in msgs {
            for (a, b) in bufs[dst][chunk(len, n, c)].iter_mut().zip(data) {
                *a += b;
            }
        }
    }
    // Worker i now owns the full sum of chunk (i + 1) mod n. All-gather: at
    // step s worker i forwards chunk (i + 1 − s) mod n to i + 1.
    for s in 0..n - 1 {
        let msgs: Vec<(usize, usize, Vec<f32>)> = (0..n)
            .map(|i| {
                let c = (i + 1 + n - s % n) % n;
                ((i + 1) % n, c, bufs[i][chunk(len, n, c)].to_vec())
            })
            .collect();
        for (dst, c, data) in msgs {
            bufs[dst][chunk(len, n, c)].copy_from_slice(&data);
        }
    }
    let nf = n as f32;
    for b in bufs.iter_mut() {
        for x in b.iter_mut() {
            *x /= nf;
        }
    }
}

#[derive(Debug, Default)]
pub struct RingReducer;

impl GradReducer for RingReducer {
    fn name(&self) -> &'static str {
        "ring"
    }

    fn reduce(&mut self, grads: &mut WorkerGrads) -> Result<(), TrainError> {
        check_shapes(grads)?;
        let mut bufs: Vec<Vec<f32>> = grads.iter().map(|g| g.concat()).collect();
        ring_allreduce(&mut bufs);
        for (g, b) in grads.iter_mut().zip(bufs) {
            let mut at = 0;
            for t in g.iter_mut() {
                let end = at + t.len();
                t.copy_from_slice(&b[at..end]);
                at = end;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn ring_matches_plain_mean_and_all_workers_agree_bitwise() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for n in [1usize, 2, 3, 5, 8] {
            for len in [1usize, 7, 64, 1000] {
                let bufs: Vec<Vec<f32>> = (0..n)
                    .map(|_| (0..len).map(|_| rng.gen_range(-1.0f32..1.0)).collect())
                    .collect();
                let mean: Vec<f64> = (0..len)
                    .map(|i| bufs.iter().map(|b| f64::from(b[i])).sum::<f64>() / n as f64)
                    .collect();
                let mut r = bufs.clone();
                ring_allreduce(&mut r);
                for w in &r {
                    assert_eq!(
                        w.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                        r[0].iter().map(|x| x.to_bits()).collect::<Vec<_>>()
                    );
                }
                for (a, m) in r[0].iter().zip(&mean) {
                    assert!((f64::from(*a) - m).abs() < 1e-6, "n={n} len={len}");
                }
            }
        }
    }

    #[test]
    fn ring_adds_in_ring_order_not_worker_order() {
        // One element of 3 workers lies in chunk 2. Reduce-scatter: worker 2
        // sends it to worker 0 (a + c), worker 0 forwards to worker 1, which
        // adds its own: b + (a + c). fp32 is not associative, so this differs
        // from the worker-order sum (a + b) + c, where 1e8 + 1 rounds to 1e8.
        let (a, b, c) = (1.0e8f32, 1.0f32, -1.0e8f32);
        let mut bufs = vec![vec![a], vec![b], vec![c]];
        ring_allreduce(&mut bufs);
        let ring_order = (b + (a + c)) / 3.0;
        assert_ne!(ring_order, ((a + b) + c) / 3.0);
        for w in &bufs {
            assert_eq!(w[0].to_bits(), ring_order.to_bits());
        }
    }

    #[test]
    fn reducer_keeps_tensor_layout() -> Result<(), TrainError> {
        let mut g = vec![
            vec![vec![1.0, 2.0], vec![3.0]],
            vec![vec![3.0, 4.0], vec![5.0]],
        ];
        RingReducer.reduce(&mut g)?;
        assert_eq!(g[0], vec![vec![2.0, 3.0], vec![4.0]]);
        assert_eq!(g[1], g[0]);
        assert!(RingReducer
            .reduce(&mut vec![vec![vec![1.0]], vec![vec![]]])
            .is_err());
        Ok(())
    }
}

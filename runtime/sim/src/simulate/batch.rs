//! Batched propagation through a plan. Samples are processed in chunks of
//! `CHUNK`; inside a chunk the fields are stored mode-major with real and
//! imaginary parts in separate planes, so each 2×2 updates two contiguous
//! rows (vectorizable) and a chunk of a 64-mode mesh stays in cache. Chunks
//! run in parallel (rayon); detector noise draws from a random stream per
//! chunk, so results do not depend on the number of threads.

use super::plan::{Op, Plan};
use crate::device::STREAM_DETECTOR_BASE;
use nalgebra::DMatrix;
use num_complex::Complex64;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;
use thiserror::Error;

/// Samples per chunk.
pub const CHUNK: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BatchError {
    #[error("the input has {found} columns but the netlist has {expected} inputs ({names})")]
    Width {
        expected: usize,
        found: usize,
        names: String,
    },
}

/// Scratch space of one chunk: `slots × CHUNK` real and imaginary planes.
pub(super) struct Work {
    pub(super) re: Vec<f64>,
    pub(super) im: Vec<f64>,
}

impl Work {
    pub(super) fn new(slots: usize) -> Work {
        Work {
            re: vec![0.0; slots * CHUNK],
            im: vec![0.0; slots * CHUNK],
        }
    }
}

fn row(v: &mut [f64], s: usize, n: usize) -> &mut [f64] {
    &mut v[s * CHUNK..s * CHUNK + n]
}

/// Two distinct rows of one plane.
fn rows2(v: &mut [f64], a: usize, b: usize, n: usize) -> (&mut [f64], &mut [f64]) {
    if a < b {
        let (lo, hi) = v.split_at_mut(b * CHUNK);
        (&mut lo[a * CHUNK..a * CHUNK + n], &mut hi[..n])
    } else {
        let (lo, hi) = v.split_at_mut(a * CHUNK);
        (&mut hi[..n], &mut lo[b * CHUNK..b * CHUNK + n])
    }
}

#[inline]
fn pair(w: &mut Work, a: usize, b: usize, m: &optc_model::mzi::Mat2, n: usize) {
    let (ar, br) = rows2(&mut w.re, a, b, n);
    let (ai, bi) = rows2(&mut w.im, a, b, n);
    optc_model::mesh::apply_pair_planes(m, ar, ai, br, bi);
}

impl Plan {
    /// Runs the ops on the first `n` samples held in `w`. With a `tape`,
    /// each op's input fields of sample 0 are appended to it first (what the
    /// adjoint pass needs, `simulate::adjoint`).
    pub(super) fn exec(
        &self,
        w: &mut Work,
        n: usize,
        rng: &mut Option<ChaCha8Rng>,
        mut tape: Option<&mut Vec<Complex64>>,
    ) {
        for op in &self.ops {
            if let Some(t) = tape.as_deref_mut() {
                let at = |s: usize| Complex64::new(w.re[s * CHUNK], w.im[s * CHUNK]);
                match op {
                    Op::Pair { a, b, .. } => t.extend([at(*a), at(*b)]),
                    Op::Scale { s, .. } | Op::Eo { s, .. } | Op::Detect { s, .. } => t.push(at(*s)),
                    Op::Split { .. } | Op::Combine { .. } | Op::Source { .. } => {}
                }
            }
            match op {
                Op::Pair { a, b, m } => pair(w, *a, *b, m, n),
                Op::Scale { s, f } => {
                    let (re, im) = (row(&mut w.re, *s, n), row(&mut w.im, *s, n));
                    for (r, i) in re.iter_mut().zip(im.iter_mut()) {
                        let (x, y) = (*r, *i);
                        *r = f.re * x - f.im * y;
                        *i = f.re * y + f.im * x;
                    }
                }
                Op::Split { src, dst, amps } => {
                    for plane in [&mut w.re, &mut w.im] {
                        for (&d, a) in dst.iter().zip(&amps[1..]) {
                            let (to, from) = rows2(plane, d, *src, n);
                            to.iter_mut().zip(from.iter()).for_each(|(t, x)| *t = a * x);
                        }
                        row(plane, *src, n).iter_mut().for_each(|x| *x *= amps[0]);
                    }
                }
                Op::Combine { dst, srcs, amps } => {
                    for plane in [&mut w.re, &mut w.im] {
                        row(plane, *dst, n).iter_mut().for_each(|d| *d *= amps[0]);
                        for (&s, a) in srcs.iter().zip(&amps[1..]) {
                            let (d, x) = rows2(plane, *dst, s, n);
                            d.iter_mut().zip(x.iter()).for_each(|(d, x)| *d += a * x);
                        }
                    }
                }
                Op::Source { s, value } => {
                    row(&mut w.re, *s, n).fill(value.re);
                    row(&mut w.im, *s, n).fill(value.im);
                }
                Op::Eo {
                    s,
                    alpha,
                    gain,
                    bias,
                } => {
                    let (re, im) = (row(&mut w.re, *s, n), row(&mut w.im, *s, n));
                    for (r, i) in re.iter_mut().zip(im.iter_mut()) {
                        let z = Complex64::new(*r, *i);
                        let y = optc_model::eo::activation(z, *alpha, *gain, *bias);
                        *r = y.re;
                        *i = y.im;
                    }
                }
                Op::Detect {
                    s,
                    threshold,
                    noise,
                    offset,
                    responsivity,
                } => {
                    let dist = Normal::new(0.0, *noise).ok().filter(|_| *noise > 0.0);
                    let (re, im) = (row(&mut w.re, *s, n), row(&mut w.im, *s, n));
                    for (r, i) in re.iter_mut().zip(im.iter_mut()) {
                        let mut p = responsivity * (*r * *r + *i * *i) + offset;
                        if let (Some(d), Some(g)) = (&dist, rng.as_mut()) {
                            p += d.sample(g);
                        }
                        *r = match threshold {
                            Some(t) => f64::from(u8::from(p > *t)),
                            None => p,
                        };
                        *i = 0.0;
                    }
                }
            }
        }
    }

    /// Propagates a batch: `input` has one sample per row and one column per
    /// external input; the result has one column per external output.
    /// `seed` drives detector noise only.
    pub fn run(
        &self,
        input: &DMatrix<Complex64>,
        seed: u64,
    ) -> Result<DMatrix<Complex64>, BatchError> {
        if input.ncols() != self.inputs.len() {
            return Err(BatchError::Width {
                expected: self.inputs.len(),
                found: input.ncols(),
                names: self.input_names.join(", "),
            });
        }
        let total = input.nrows();
        let chunks = total.div_ceil(CHUNK);
        let src = input.as_slice();
        let outs = self.outputs.len();
        let run_chunk = |w: &mut Work, c: usize| -> Vec<Complex64> {
            let start = c * CHUNK;
            let n = CHUNK.min(total - start);
            for (k, &s) in self.inputs.iter().enumerate() {
                let col = &src[k * total + start..k * total + start + n];
                for (j, z) in col.iter().enumerate() {
                    w.re[s * CHUNK + j] = z.re;
                    w.im[s * CHUNK + j] = z.im;
                }
            }
            let mut rng = self.noisy.then(|| {
                let mut r = ChaCha8Rng::seed_from_u64(seed);
                r.set_stream(STREAM_DETECTOR_BASE + c as u64);
                r
            });
            self.exec(w, n, &mut rng, None);
            let mut out = Vec::with_capacity(outs * n);
            for &s in &self.outputs {
                for j in 0..n {
                    out.push(Complex64::new(w.re[s * CHUNK + j], w.im[s * CHUNK + j]));
                }
            }
            out
        };
        // Small batches are not worth the thread hand-off.
        let results: Vec<Vec<Complex64>> = if chunks <= 2 {
            let mut w = Work::new(self.slots);
            (0..chunks).map(|c| run_chunk(&mut w, c)).collect()
        } else {
            (0..chunks)
                .into_par_iter()
                .map_init(|| Work::new(self.slots), |w, c| run_chunk(w, c))
                .collect()
        };
        let mut data = vec![Complex64::new(0.0, 0.0); total * outs];
        for (c, block) in results.iter().enumerate() {
            let start = c * CHUNK;
            let n = CHUNK.min(total - start);
            for o in 0..outs {
                data[o * total + start..o * total + start + n]
                    .copy_from_slice(&block[o * n..o * n + n]);
            }
        }
        Ok(DMatrix::from_vec(total, outs, data))
    }

    /// The realized transfer matrix (outputs × inputs) of a linear plan:
    /// column j is the response to a unit field on input j.
    pub fn transfer_matrix(&self) -> DMatrix<Complex64> {
        let n = self.inputs.len();
        let eye = DMatrix::<Complex64>::identity(n, n);
        match self.run(&eye, 0) {
            Ok(rows) => rows.transpose(),
            // The identity always has the right width.
            Err(_) => DMatrix::zeros(self.outputs.len(), n),
        }
    }
}

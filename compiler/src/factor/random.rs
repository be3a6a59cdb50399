//! Seeded random matrices for tests, benchmarks and examples.

use nalgebra::DMatrix;
use num_complex::Complex64;
use rand::Rng;

/// One standard complex Gaussian sample, E|z|² = 1 (Box–Muller).
fn complex_normal<R: Rng + ?Sized>(rng: &mut R) -> Complex64 {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    let u: f64 = 1.0 - rng.gen::<f64>();
    let v: f64 = rng.gen::<f64>();
    let r = (-u.ln()).sqrt();
    Complex64::from_polar(r, std::f64::consts::TAU * v)
}

/// An m×n complex Ginibre matrix: i.i.d. standard complex Gaussian entries.
pub fn ginibre<R: Rng + ?Sized>(rows: usize, cols: usize, rng: &mut R) -> DMatrix<Complex64> {
    DMatrix::from_fn(rows, cols, |_, _| complex_normal(rng))
}

/// A Haar-distributed N×N unitary: Q of the QR factorization of a Ginibre
/// matrix, with column j multiplied by r_jj/|r_jj| so that the distribution
/// does not depend on the QR routine's sign convention (Mezzadri 2007).
pub fn haar_unitary<R: Rng + ?Sized>(n: usize, rng: &mut R) -> DMatrix<Complex64> {
    let qr = ginibre(n, n, rng).qr();
    let r = qr.r();
    let mut q = qr.q();
    for j in 0..n {
        let d = r[(j, j)];
        let phase = if d.norm() > 0.0 {
            d / d.norm()
        } else {
            Complex64::new(1.0, 0.0)
        };
        for i in 0..n {
            q[(i, j)] *= phase;
        }
    }
    q
}

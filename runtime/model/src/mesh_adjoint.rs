//! Forward propagation with stored fields and the adjoint (reverse-mode)
//! pass through a [`Mesh`], with the device's static MZI errors folded in.
//!
//! Gradient convention (Wirtinger): for a real loss L and a complex field
//! z = a + i·b, the gradient carried backwards is g = ∂L/∂a + i·∂L/∂b
//! (= 2·∂L/∂z̄). Then dL = Re(conj(g)·dz); for y = T·x, g_x = Tᴴ·g_y; and for a
//! real parameter p, dL/dp = Re(conj(g_y)·∂y/∂p).
//!
//! Phase settings go through the heater DAC (quantization, straight-through
//! estimator in the backward pass: d(quantized)/d(setting) := 1), thermal
//! crosstalk (each heater also receives `crosstalk` × the setting of the
//! heaters of the MZIs in the same column on modes ±2) and the static
//! fabrication error, in that order.

use crate::mesh::Mesh;
use crate::mzi::Mat2;
use num_complex::Complex64;
use std::f64::consts::TAU;

const ZERO: Complex64 = Complex64::new(0.0, 0.0);

/// Static imperfections of one MZI on one device instance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MziErrors {
    /// Fabrication phase error added to θ and to φ (rad).
    pub dtheta: f64,
    pub dphi: f64,
    /// Power splitting ratio of the first and second coupler (ideal 0.5).
    pub kappa1: f64,
    pub kappa2: f64,
    /// Field transmission (√ of the power transmission; 1 = lossless).
    pub amplitude: f64,
}

impl MziErrors {
    pub const IDEAL: MziErrors = MziErrors {
        dtheta: 0.0,
        dphi: 0.0,
        kappa1: 0.5,
        kappa2: 0.5,
        amplitude: 1.0,
    };
}

/// Static imperfections of a whole mesh on one device instance.
#[derive(Debug, Clone, PartialEq)]
pub struct MeshErrors {
    pub mzis: Vec<MziErrors>,
    /// Fabrication error of each output phase shifter (rad).
    pub output_dphase: Vec<f64>,
    /// Heater DAC bits (None: continuous).
    pub phase_bits: Option<u32>,
    /// Fraction of a heater's phase felt by each neighbouring heater.
    pub crosstalk: f64,
}

impl MeshErrors {
    pub fn ideal(mesh: &Mesh) -> Self {
        Self {
            mzis: vec![MziErrors::IDEAL; mesh.mzis.len()],
            output_dphase: vec![0.0; mesh.modes],
            phase_bits: None,
            crosstalk: 0.0,
        }
    }
}

/// Quantizes a phase to the DAC grid 2π/2^bits after wrapping to [0, 2π).
pub fn quantize_phase(x: f64, bits: Option<u32>) -> f64 {
    match bits {
        None => x,
        Some(b) => {
            let step = TAU / (1u64 << b) as f64;
            let w = x.rem_euclid(TAU);
            (w / step).round() * step
        }
    }
}

fn coupler(kappa: f64) -> Mat2 {
    let t = Complex64::new(kappa.sqrt(), 0.0);
    let c = Complex64::new(0.0, (1.0 - kappa).sqrt());
    [[t, c], [c, t]]
}

fn mul(a: &Mat2, b: &Mat2) -> Mat2 {
    crate::mzi::mul2(a, b)
}

fn diag(x: Complex64, y: Complex64) -> Mat2 {
    [[x, ZERO], [ZERO, y]]
}

/// T = a·B(κ2)·diag(e^{iθ},1)·B(κ1)·diag(e^{iφ},1) and its derivatives in θ, φ.
pub fn mzi_with_errors(theta: f64, phi: f64, e: &MziErrors) -> (Mat2, Mat2, Mat2) {
    let one = Complex64::new(1.0, 0.0);
    let et = Complex64::from_polar(1.0, theta);
    let ep = Complex64::from_polar(1.0, phi);
    let b1 = coupler(e.kappa1);
    let b2 = coupler(e.kappa2);
    let a = Complex64::new(e.amplitude, 0.0);
    let scale = |m: Mat2| -> Mat2 { [[a * m[0][0], a * m[0][1]], [a * m[1][0], a * m[1][1]]] };
    let t = scale(mul(&mul(&b2, &diag(et, one)), &mul(&b1, &diag(ep, one))));
    let dt = scale(mul(
        &mul(&b2, &diag(Complex64::i() * et, ZERO)),
        &mul(&b1, &diag(ep, one)),
    ));
    let dp = scale(mul(
        &mul(&b2, &diag(et, one)),
        &mul(&b1, &diag(Complex64::i() * ep, ZERO)),
    ));
    (t, dt, dp)
}

/// A mesh with every effective transfer matrix precomputed for one device
/// instance (or the ideal device), ready for fast forward/backward passes.
#[derive(Debug, Clone)]
pub struct PhysicalMesh {
    pub modes: usize,
    tops: Vec<usize>,
    t: Vec<Mat2>,
    dt_dtheta: Vec<Mat2>,
    dt_dphi: Vec<Mat2>,
    out: Vec<Complex64>,
    /// For each MZI, the indices of its crosstalk neighbours.
    neighbours: Vec<Vec<usize>>,
    crosstalk: f64,
}

/// dL/d(settings) of one mesh.
#[derive(Debug, Clone, PartialEq)]
pub struct MeshGrad {
    pub theta: Vec<f64>,
    pub phi: Vec<f64>,
    pub output_phases: Vec<f64>,
}

impl MeshGrad {
    pub fn zeros(mesh: &Mesh) -> Self {
        Self {
            theta: vec![0.0; mesh.mzis.len()],
            phi: vec![0.0; mesh.mzis.len()],
            output_phases: vec![0.0; mesh.modes],
        }
    }
}

/// Per-MZI crosstalk neighbours: same column, top mode differing by 2.
fn neighbours(mesh: &Mesh) -> Vec<Vec<usize>> {
    mesh.mzis
        .iter()
        .map(|a| {
            mesh.mzis
                .iter()
                .enumerate()
                .filter(|(_, b)| b.column == a.column && b.mode.abs_diff(a.mode) == 2)
                .map(|(j, _)| j)
                .collect()
        })
        .collect()
}

impl PhysicalMesh {
    /// The ideal device.
    pub fn ideal(mesh: &Mesh) -> Self {
        Self::new(mesh, &MeshErrors::ideal(mesh))
    }

    /// `errors` must describe the same mesh (one entry per MZI and per mode).
    pub fn new(mesh: &Mesh, errors: &MeshErrors) -> Self {
        let nb = neighbours(mesh);
        let q = |x: f64| quantize_phase(x, errors.phase_bits);
        let qt: Vec<f64> = mesh.mzis.iter().map(|m| q(m.theta)).collect();
        let qp: Vec<f64> = mesh.mzis.iter().map(|m| q(m.phi)).collect();
        let mut tops = Vec::with_capacity(mesh.mzis.len());
        let (mut t, mut dt, mut dp) = (Vec::new(), Vec::new(), Vec::new());
        for (i, m) in mesh.mzis.iter().enumerate() {
            let e = errors.mzis.get(i).copied().unwrap_or(MziErrors::IDEAL);
            let leak_t: f64 = nb[i].iter().map(|&j| qt[j]).sum::<f64>() * errors.crosstalk;
            let leak_p: f64 = nb[i].iter().map(|&j| qp[j]).sum::<f64>() * errors.crosstalk;
            let (a, b, c) = mzi_with_errors(qt[i] + leak_t + e.dtheta, qp[i] + leak_p + e.dphi, &e);
            tops.push(m.mode);
            t.push(a);
            dt.push(b);
            dp.push(c);
        }
        let out = mesh
            .output_phases
            .iter()
            .enumerate()
            .map(|(k, &p)| {
                let d = errors.output_dphase.get(k).copied().unwrap_or(0.0);
                Complex64::from_polar(1.0, q(p) + d)
            })
            .collect();
        Self {
            modes: mesh.modes,
            tops,
            t,
            dt_dtheta: dt,
            dt_dphi: dp,
            out,
            neighbours: nb,
            crosstalk: errors.crosstalk,
        }
    }

    /// Forward pass without storing anything.
    pub fn apply(&self, field: &mut [Complex64]) {
        for (t, &m) in self.t.iter().zip(&self.tops) {
            crate::mesh::apply_pair(t, field, m);
        }
        for (x, e) in field.iter_mut().zip(&self.out) {
            *x *= e;
        }
    }

    /// Forward pass that records each MZI's input pair in `tape`.
    pub fn forward(&self, field: &mut [Complex64], tape: &mut Vec<[Complex64; 2]>) {
        tape.clear();
        for (t, &m) in self.t.iter().zip(&self.tops) {
            tape.push([field[m], field[m + 1]]);
            crate::mesh::apply_pair(t, field, m);
        }
        for (x, e) in field.iter_mut().zip(&self.out) {
            *x *= e;
        }
    }

    /// Backward pass: `grad` holds g at the mesh output (the field after the
    /// forward pass is `output`) and is replaced by g at the mesh input;
    /// setting gradients are accumulated into `acc`.
    pub fn backward(
        &self,
        tape: &[[Complex64; 2]],
        output: &[Complex64],
        grad: &mut [Complex64],
        acc: &mut MeshGrad,
    ) {
        // Output screen: y = e^{ip}·x.
        for k in 0..self.modes {
            acc.output_phases[k] += (grad[k].conj() * Complex64::i() * output[k]).re;
            grad[k] *= self.out[k].conj();
        }
        let n = self.t.len();
        let mut d_theta_eff = vec![0.0; n];
        let mut d_phi_eff = vec![0.0; n];
        for i in (0..n).rev() {
            let m = self.tops[i];
            let [x, y] = tape[i];
            let (g0, g1) = (grad[m], grad[m + 1]);
            let dt = &self.dt_dtheta[i];
            let dp = &self.dt_dphi[i];
            d_theta_eff[i] += (g0.conj() * (dt[0][0] * x + dt[0][1] * y)
                + g1.conj() * (dt[1][0] * x + dt[1][1] * y))
                .re;
            d_phi_eff[i] += (g0.conj() * (dp[0][0] * x + dp[0][1] * y)
                + g1.conj() * (dp[1][0] * x + dp[1][1] * y))
                .re;
            let t = &self.t[i];
            grad[m] = t[0][0].conj() * g0 + t[1][0].conj() * g1;
            grad[m + 1] = t[0][1].conj() * g0 + t[1][1].conj() * g1;
        }
        // Chain through crosstalk; the DAC is straight-through.
        for i in 0..n {
            acc.theta[i] += d_theta_eff[i];
            acc.phi[i] += d_phi_eff[i];
            for &j in &self.neighbours[i] {
                acc.theta[j] += self.crosstalk * d_theta_eff[i];
                acc.phi[j] += self.crosstalk * d_phi_eff[i];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mesh::{MeshStyle, MziSetting};
    use rand::Rng;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn random_mesh(rng: &mut ChaCha8Rng, modes: usize) -> Mesh {
        let mut mzis = Vec::new();
        for col in 0..modes {
            let mut m = col % 2;
            while m + 1 < modes {
                mzis.push(MziSetting {
                    mode: m,
                    column: col,
                    theta: rng.gen_range(0.0..std::f64::consts::PI),
                    phi: rng.gen_range(0.0..TAU),
                });
                m += 2;
            }
        }
        Mesh {
            modes,
            style: MeshStyle::Clements,
            mzis,
            output_phases: (0..modes).map(|_| rng.gen_range(0.0..TAU)).collect(),
        }
    }

    fn random_errors(rng: &mut ChaCha8Rng, mesh: &Mesh) -> MeshErrors {
        MeshErrors {
            mzis: mesh
                .mzis
                .iter()
                .map(|_| MziErrors {
                    dtheta: rng.gen_range(-0.05..0.05),
                    dphi: rng.gen_range(-0.05..0.05),
                    kappa1: 0.5 + rng.gen_range(-0.02..0.02),
                    kappa2: 0.5 + rng.gen_range(-0.02..0.02),
                    amplitude: 0.98,
                })
                .collect(),
            output_dphase: (0..mesh.modes)
                .map(|_| rng.gen_range(-0.05..0.05))
                .collect(),
            phase_bits: None,
            crosstalk: 0.03,
        }
    }

    /// L = Σ_k w_k·|y_k|² + Re(c·y_0): a generic real loss of the output field.
    fn loss(mesh: &Mesh, errors: &MeshErrors, input: &[Complex64], w: &[f64]) -> f64 {
        let mut f = input.to_vec();
        PhysicalMesh::new(mesh, errors).apply(&mut f);
        let c = Complex64::new(0.3, -0.7);
        f.iter().zip(w).map(|(y, w)| w * y.norm_sqr()).sum::<f64>() + (c * f[0]).re
    }

    #[test]
    fn ideal_physical_mesh_matches_mesh_apply() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mesh = random_mesh(&mut rng, 5);
        let input: Vec<Complex64> = (0..5)
            .map(|_| Complex64::new(rng.gen(), rng.gen()))
            .collect();
        let mut a = input.clone();
        let mut b = input;
        mesh.apply(&mut a);
        PhysicalMesh::ideal(&mesh).apply(&mut b);
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).norm() < 1e-13);
        }
    }

    #[test]
    fn adjoint_matches_finite_differences() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for modes in [2usize, 3, 6] {
            let mesh = random_mesh(&mut rng, modes);
            for errors in [MeshErrors::ideal(&mesh), random_errors(&mut rng, &mesh)] {
                let input: Vec<Complex64> = (0..modes)
                    .map(|_| Complex64::new(rng.gen_range(-1.0..1.0), rng.gen_range(-1.0..1.0)))
                    .collect();
                let w: Vec<f64> = (0..modes).map(|_| rng.gen_range(-1.0..1.0)).collect();
                let pm = PhysicalMesh::new(&mesh, &errors);
                let mut f = input.clone();
                let mut tape = Vec::new();
                pm.forward(&mut f, &mut tape);
                let c = Complex64::new(0.3, -0.7);
                // g = 2·∂L/∂ȳ: for w|y|² it is 2w·y; for Re(c·y) it is conj(c).
                let mut g: Vec<Complex64> = f.iter().zip(&w).map(|(y, w)| 2.0 * w * y).collect();
                g[0] += c.conj();
                let mut acc = MeshGrad::zeros(&mesh);
                pm.backward(&tape, &f, &mut g, &mut acc);
                let h = 1e-6;
                let fd = |m: &Mesh, inp: &[Complex64]| loss(m, &errors, inp, &w);
                for i in 0..mesh.mzis.len() {
                    for which in 0..2 {
                        let mut p = mesh.clone();
                        let mut q = mesh.clone();
                        if which == 0 {
                            p.mzis[i].theta += h;
                            q.mzis[i].theta -= h;
                        } else {
                            p.mzis[i].phi += h;
                            q.mzis[i].phi -= h;
                        }
                        let num = (fd(&p, &input) - fd(&q, &input)) / (2.0 * h);
                        let ana = if which == 0 { acc.theta[i] } else { acc.phi[i] };
                        assert!(
                            (num - ana).abs() < 1e-6,
                            "mzi {i} param {which}: fd {num} adj {ana}"
                        );
                    }
                }
                for k in 0..modes {
                    let mut p = mesh.clone();
                    let mut q = mesh.clone();
                    p.output_phases[k] += h;
                    q.output_phases[k] -= h;
                    let num = (fd(&p, &input) - fd(&q, &input)) / (2.0 * h);
                    assert!((num - acc.output_phases[k]).abs() < 1e-6);
                    // Input gradient: g_in = ∂L/∂Re x + i ∂L/∂Im x.
                    for (dir, part) in [(Complex64::new(h, 0.0), 0), (Complex64::new(0.0, h), 1)] {
                        let mut a = input.clone();
                        let mut b = input.clone();
                        a[k] += dir;
                        b[k] -= dir;
                        let num = (fd(&mesh, &a) - fd(&mesh, &b)) / (2.0 * h);
                        let ana = if part == 0 { g[k].re } else { g[k].im };
                        assert!((num - ana).abs() < 1e-6, "input {k} part {part}");
                    }
                }
            }
        }
    }

    #[test]
    fn quantization_is_on_grid() {
        let q = quantize_phase(1.0, Some(8));
        let step = TAU / 256.0;
        assert!(((q / step) - (q / step).round()).abs() < 1e-9);
        assert!((q - 1.0).abs() <= step / 2.0);
        assert_eq!(quantize_phase(1.234, None), 1.234);
    }
}

//! The 2×2 Mach-Zehnder interferometer in the project's binding convention
//! (spec/factorization.md): external phase φ on the top input arm, 50:50 coupler, internal
//! phase θ on the top arm, 50:50 coupler.
//!
//! ```text
//! T(θ, φ) = B · diag(e^{iθ}, 1) · B · diag(e^{iφ}, 1)
//!         = i·e^{iθ/2} · [[e^{iφ}·sin(θ/2),  cos(θ/2)],
//!                         [e^{iφ}·cos(θ/2), −sin(θ/2)]]
//! ```
//! θ = 0 is the cross state, θ = π the bar state.

use num_complex::Complex64;
use serde::{Deserialize, Serialize};
use std::f64::consts::{PI, TAU};

/// A 2×2 complex matrix in row-major order `[[a, b], [c, d]]`.
pub type Mat2 = [[Complex64; 2]; 2];

/// A directional coupler of power cross-coupling ratio κ (the share of
/// power that crosses to the other waveguide):
/// [[√(1−κ), i√κ], [i√κ, √(1−κ)]]. κ = 0.5 is B = (1/√2)[[1, i], [i, 1]].
/// This is the only coupler convention in optc (spec/device.md).
pub fn coupler(kappa: f64) -> Mat2 {
    let t = Complex64::new((1.0 - kappa).max(0.0).sqrt(), 0.0);
    let x = Complex64::new(0.0, kappa.clamp(0.0, 1.0).sqrt());
    [[t, x], [x, t]]
}

/// The 2×2 programmable cell a mesh is built of (spec/device.md, "MZI
/// cells"). Each has two heaters, θ and φ; they differ in their couplers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum MziCell {
    /// φ on the top input, coupler κ₁, θ on the top arm, coupler κ₂.
    #[default]
    Standard,
    /// The 3-splitter MZI of Hamerly et al. (2022): a third coupler κ₃ at
    /// the input, then φ, κ₁, θ, κ₂. It reaches the cross state under
    /// independent coupler errors.
    ThreeSplitter,
    /// The standard MZI followed by a waveguide crossing that swaps its two
    /// outputs (Hamerly et al.'s MZI+crossing): its cross state is the
    /// MZI's bar state, reachable whenever κ₁ = κ₂ (correlated errors).
    Crossing,
}

impl MziCell {
    pub const ALL: [MziCell; 3] = [MziCell::Standard, MziCell::ThreeSplitter, MziCell::Crossing];

    /// How many directional couplers the cell has.
    pub fn couplers(self) -> usize {
        match self {
            MziCell::ThreeSplitter => 3,
            MziCell::Standard | MziCell::Crossing => 2,
        }
    }

    /// T(θ, φ) of the cell with 50:50 couplers and no loss.
    pub fn transfer(self, theta: f64, phi: f64) -> Mat2 {
        Mzi::ideal(self).transfer(theta, phi)
    }

    /// The settings (θ, φ) and output phases (δ₀, δ₁) with
    /// diag(e^{iδ₀}, e^{iδ₁}) · T(θ, φ) = `w`, for a 2×2 unitary `w`; θ ∈ [0, π],
    /// φ ∈ [0, 2π). Every cell reaches every unitary this way: the
    /// standard one directly, the 3-splitter one as T_std · B
    /// (so T_std = D⁻¹ · w · B†), the crossing one as X · T_std (a phase
    /// screen passes the crossing with its two entries swapped).
    pub fn settings_for(self, w: &Mat2) -> (f64, f64, [f64; 2]) {
        match self {
            MziCell::Standard => standard_settings_for(w),
            MziCell::ThreeSplitter => {
                let b = coupler(0.5);
                let b_dagger = [
                    [b[0][0].conj(), b[1][0].conj()],
                    [b[0][1].conj(), b[1][1].conj()],
                ];
                standard_settings_for(&mul2(w, &b_dagger))
            }
            MziCell::Crossing => {
                let (theta, phi, [d0, d1]) = standard_settings_for(&[w[1], w[0]]);
                (theta, phi, [d1, d0])
            }
        }
    }
}

/// (θ, φ, δ) with diag(e^{iδ₀}, e^{iδ₁}) · T_std(θ, φ) = `w` (unitary). θ
/// comes from both entries of the top row, so it is accurate at either
/// end; φ = arg w₀₀ − arg w₀₁, and 0 where it has no effect (w₀₀ or w₀₁
/// zero); each δ is the phase of the projection of its row on T's.
fn standard_settings_for(w: &Mat2) -> (f64, f64, [f64; 2]) {
    let theta = 2.0 * w[0][0].norm().atan2(w[0][1].norm());
    let phi = if w[0][0].norm() * w[0][1].norm() > 0.0 {
        wrap_phase((w[0][0] * w[0][1].conj()).arg())
    } else {
        0.0
    };
    let t = transfer(theta, phi);
    let delta = [0, 1].map(|r| (w[r][0] * t[r][0].conj() + w[r][1] * t[r][1].conj()).arg());
    (theta, phi, delta)
}

/// The physical 2×2 cell of one chip: its kind, the cross ratios
/// κ₁, κ₂, κ₃ of its couplers (`kappa[..cell.couplers()]`, as in
/// [`MziCell`]; the rest are 0.5 and unused) and its field transmission (√ of the power
/// transmission).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mzi {
    pub cell: MziCell,
    pub kappa: [f64; 3],
    pub field_loss: f64,
}

impl Mzi {
    /// The standard cell with 50:50 couplers and no loss.
    pub const IDEAL: Mzi = Mzi::ideal(MziCell::Standard);

    /// `cell` with 50:50 couplers and no loss.
    pub const fn ideal(cell: MziCell) -> Mzi {
        Mzi {
            cell,
            kappa: [0.5; 3],
            field_loss: 1.0,
        }
    }

    /// The range [lo, hi] of |T₀₀|/a this cell's couplers allow over all
    /// settings. On the Bloch sphere a coupler of κ = sin²α turns the state
    /// by 2α about x and a heater turns it about z; the state |0⟩ leaves the
    /// couplers (in light order) at a polar angle D with |T₀₀| = cos(D/2)
    /// (sin(D/2) behind the crossing), and the free phases between them
    /// make the reachable D an interval: from [0, 0], each coupler maps
    /// [lo, hi] to [min |d − 2α|, max min(d + 2α, 2π − d − 2α)] over d in it.
    /// For two couplers that is [|cos(α₁ + α₂)|, cos(α₁ − α₂)].
    pub fn reach(&self) -> [f64; 2] {
        use std::f64::consts::PI;
        let alpha = |k: f64| 2.0 * k.clamp(0.0, 1.0).sqrt().asin();
        let order: &[usize] = match self.cell {
            MziCell::ThreeSplitter => &[2, 0, 1],
            MziCell::Standard | MziCell::Crossing => &[0, 1],
        };
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for &j in order {
            let a = alpha(self.kappa[j]);
            let f = |d: f64| (d + a).min(2.0 * PI - d - a);
            let new_lo = if (lo..=hi).contains(&a) {
                0.0
            } else {
                (lo - a).abs().min((hi - a).abs())
            };
            let new_hi = if (lo..=hi).contains(&(PI - a)) {
                PI
            } else {
                f(lo).max(f(hi))
            };
            (lo, hi) = (new_lo, new_hi);
        }
        match self.cell {
            MziCell::Crossing => [(0.5 * lo).sin(), (0.5 * hi).sin()],
            _ => [(0.5 * hi).cos(), (0.5 * lo).cos()],
        }
    }

    /// The phases (θ, φ) the heaters must hold so this cell's transfer is
    /// `w` up to output phases, as nearly as the couplers allow: the two
    /// rows of a 2×2 unitary are fixed by the first up to phase, so the fit
    /// drives f(θ, φ) = t₀₀·w₀₁ − t₀₁·w₀₀ (t = T/a, zero exactly when row 0
    /// of t is proportional to row 0 of w; |f|² = 1 − |⟨t₀, w₀⟩|²) to zero
    /// by damped Gauss–Newton on its real and imaginary parts, from the
    /// ideal cell's settings for `w` and, if that stalls above 1e-10, from
    /// a 4 × 4 grid of starts, keeping the best. Returns (θ, φ, |f|).
    pub fn fit(&self, w: &Mat2) -> (f64, f64, f64) {
        let (theta, phi, _) = self.cell.settings_for(w);
        let mut best = self.fit_from(w, theta, phi);
        if best.2 > 1e-10 {
            for i in 0..4 {
                for j in 0..4 {
                    let start = (TAU * i as f64 / 4.0 + 0.3, TAU * j as f64 / 4.0 + 0.3);
                    let r = self.fit_from(w, start.0, start.1);
                    if r.2 < best.2 {
                        best = r;
                    }
                }
            }
        }
        (wrap_phase(best.0), wrap_phase(best.1), best.2)
    }

    fn fit_from(&self, w: &Mat2, mut theta: f64, mut phi: f64) -> (f64, f64, f64) {
        let a = self.field_loss.max(f64::MIN_POSITIVE);
        let f_of = |t: &Mat2| (t[0][0] * w[0][1] - t[0][1] * w[0][0]) / a;
        let [t, dt, dp] = self.transfer_and_derivatives(theta, phi, true);
        let mut f = f_of(&t);
        let mut grads = [f_of(&dt), f_of(&dp)];
        let mut lambda = 1e-6;
        for _ in 0..100 {
            if f.norm() < 1e-16 {
                break;
            }
            // Normal equations of the 2×2 real system, damped.
            let [g0, g1] = grads;
            let (a00, a01, a11) = (
                g0.norm_sqr() + lambda,
                g0.re * g1.re + g0.im * g1.im,
                g1.norm_sqr() + lambda,
            );
            let (b0, b1) = (
                -(g0.re * f.re + g0.im * f.im),
                -(g1.re * f.re + g1.im * f.im),
            );
            let det = a00 * a11 - a01 * a01;
            if det.abs() < f64::MIN_POSITIVE {
                lambda *= 10.0;
                continue;
            }
            let (d0, d1) = ((b0 * a11 - b1 * a01) / det, (a00 * b1 - a01 * b0) / det);
            let [tn, dtn, dpn] = self.transfer_and_derivatives(theta + d0, phi + d1, true);
            let fn_ = f_of(&tn);
            if fn_.norm() < f.norm() {
                theta += d0;
                phi += d1;
                f = fn_;
                grads = [f_of(&dtn), f_of(&dpn)];
                lambda = (lambda / 10.0).max(1e-12);
            } else {
                lambda *= 10.0;
                if lambda > 1e6 {
                    break;
                }
            }
        }
        (theta, phi, f.norm())
    }

    /// a·C(κ₂)·diag(e^{iθ}, 1)·C(κ₁)·diag(e^{iφ}, 1), times C(κ₃) on the
    /// right for the 3-splitter cell and X = [[0, 1], [1, 0]] on the left
    /// for the crossing cell.
    pub fn transfer(&self, theta: f64, phi: f64) -> Mat2 {
        self.transfer_and_derivatives(theta, phi, false)[0]
    }

    /// `[T, ∂T/∂θ, ∂T/∂φ]`; the derivatives only when `derivatives` (else
    /// zero), so the forward path pays nothing for them.
    pub fn transfer_and_derivatives(&self, theta: f64, phi: f64, derivatives: bool) -> [Mat2; 3] {
        let zero = [[ZERO; 2]; 2];
        let a = self.field_loss;
        let scale = |m: Mat2| m.map(|row| row.map(|x| x * a));
        // The standard core, then the cell's fixed parts around it.
        let wrap = |m: Mat2| -> Mat2 {
            let m = match self.cell {
                MziCell::ThreeSplitter => mul2(&m, &coupler(self.kappa[2])),
                _ => m,
            };
            match self.cell {
                MziCell::Crossing => [m[1], m[0]],
                _ => m,
            }
        };
        let t = if self.kappa[..2] == [0.5, 0.5] {
            // The closed form of the 50:50 product (tested equal below).
            let (s, c) = (0.5 * theta).sin_cos();
            let g = Complex64::i() * Complex64::from_polar(1.0, 0.5 * theta);
            let e = Complex64::from_polar(1.0, phi);
            scale([[g * e * s, g * c], [g * e * c, -g * s]])
        } else {
            scale(mul2(
                &coupler(self.kappa[1]),
                &mul2(
                    &phase_top(theta, false),
                    &mul2(&coupler(self.kappa[0]), &phase_top(phi, false)),
                ),
            ))
        };
        if !derivatives {
            return [wrap(t), zero, zero];
        }
        let (c1, c2) = (coupler(self.kappa[0]), coupler(self.kappa[1]));
        let dt = scale(mul2(
            &c2,
            &mul2(&phase_top(theta, true), &mul2(&c1, &phase_top(phi, false))),
        ));
        let dp = scale(mul2(
            &c2,
            &mul2(&phase_top(theta, false), &mul2(&c1, &phase_top(phi, true))),
        ));
        [wrap(t), wrap(dt), wrap(dp)]
    }
}

const ZERO: Complex64 = Complex64::new(0.0, 0.0);

/// diag(e^{ix}, 1), or its derivative in x, diag(i·e^{ix}, 0).
fn phase_top(x: f64, derivative: bool) -> Mat2 {
    let e = Complex64::from_polar(1.0, x);
    if derivative {
        [[Complex64::i() * e, ZERO], [ZERO, ZERO]]
    } else {
        [[e, ZERO], [ZERO, Complex64::new(1.0, 0.0)]]
    }
}

/// T(θ, φ) of the ideal MZI.
pub fn transfer(theta: f64, phi: f64) -> Mat2 {
    Mzi::IDEAL.transfer(theta, phi)
}

/// Product of two 2×2 matrices.
pub fn mul2(a: &Mat2, b: &Mat2) -> Mat2 {
    [
        [
            a[0][0] * b[0][0] + a[0][1] * b[1][0],
            a[0][0] * b[0][1] + a[0][1] * b[1][1],
        ],
        [
            a[1][0] * b[0][0] + a[1][1] * b[1][0],
            a[1][0] * b[0][1] + a[1][1] * b[1][1],
        ],
    ]
}

/// Wraps an angle into [0, 2π).
pub fn wrap_phase(x: f64) -> f64 {
    let r = x.rem_euclid(TAU);
    // rem_euclid can return exactly TAU for tiny negative inputs.
    if r >= TAU {
        0.0
    } else {
        r
    }
}

/// The ranges the decompositions produce: θ ∈ [0, π], φ ∈ [0, 2π).
/// (Phase files accept θ ∈ [0, 2π); see spec/phases.md.)
pub fn settings_in_range(theta: f64, phi: f64) -> bool {
    (0.0..=PI).contains(&theta) && (0.0..TAU).contains(&phi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &Mat2, b: &Mat2) -> bool {
        (0..2).all(|i| (0..2).all(|j| (a[i][j] - b[i][j]).norm() < 1e-14))
    }

    #[test]
    fn closed_form_matches_component_product() {
        for &(theta, phi) in &[(0.0, 0.0), (PI, 0.0), (0.3, 1.7), (2.9, 5.9), (1.0, 3.0)] {
            let b = coupler(0.5);
            let p = |x: f64| -> Mat2 {
                [
                    [Complex64::from_polar(1.0, x), Complex64::new(0.0, 0.0)],
                    [Complex64::new(0.0, 0.0), Complex64::new(1.0, 0.0)],
                ]
            };
            let product = mul2(&b, &mul2(&p(theta), &mul2(&b, &p(phi))));
            assert!(close(&product, &transfer(theta, phi)), "θ={theta} φ={phi}");
        }
    }

    #[test]
    fn derivatives_match_finite_differences_with_errors() {
        for cell in MziCell::ALL {
            let m = Mzi {
                cell,
                kappa: [0.47, 0.52, 0.55],
                field_loss: 0.98,
            };
            let h = 1e-6;
            for &(theta, phi) in &[(0.3, 1.7), (2.9, 5.9)] {
                let [t, dt, dp] = m.transfer_and_derivatives(theta, phi, true);
                for i in 0..2 {
                    for j in 0..2 {
                        let fd_t = (m.transfer(theta + h, phi)[i][j]
                            - m.transfer(theta - h, phi)[i][j])
                            / (2.0 * h);
                        let fd_p = (m.transfer(theta, phi + h)[i][j]
                            - m.transfer(theta, phi - h)[i][j])
                            / (2.0 * h);
                        assert!((fd_t - dt[i][j]).norm() < 1e-8);
                        assert!((fd_p - dp[i][j]).norm() < 1e-8);
                    }
                }
                assert_eq!(t, m.transfer(theta, phi));
            }
        }
    }

    /// A Haar-like random 2×2 unitary from four angles.
    fn unitary(a: f64, b: f64, c: f64, d: f64) -> Mat2 {
        let (s, co) = a.sin_cos();
        let e = |x: f64| Complex64::from_polar(1.0, x);
        [[e(b) * co, e(c) * s], [-e(d - c) * s, e(d - b) * co]]
    }

    #[test]
    fn every_cell_reaches_every_unitary_up_to_output_phases() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut cases: Vec<Mat2> = (0..200)
            .map(|_| {
                unitary(
                    rng.gen_range(0.0..PI / 2.0),
                    rng.gen_range(0.0..TAU),
                    rng.gen_range(0.0..TAU),
                    rng.gen_range(0.0..TAU),
                )
            })
            .collect();
        // The ends, where φ has no effect.
        cases.extend([
            unitary(0.0, 0.3, 1.0, 2.0),
            unitary(PI / 2.0, 0.3, 1.0, 2.0),
        ]);
        cases.push(coupler(0.5));
        for cell in MziCell::ALL {
            for w in &cases {
                let (theta, phi, delta) = cell.settings_for(w);
                assert!(settings_in_range(theta, phi), "{cell:?} θ={theta} φ={phi}");
                let t = cell.transfer(theta, phi);
                for r in 0..2 {
                    for c in 0..2 {
                        let got = Complex64::from_polar(1.0, delta[r]) * t[r][c];
                        assert!((got - w[r][c]).norm() < 1e-14, "{cell:?} {w:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn cells_are_their_published_structures() {
        let b = coupler(0.5);
        let x = [
            [ZERO, Complex64::new(1.0, 0.0)],
            [Complex64::new(1.0, 0.0), ZERO],
        ];
        for &(theta, phi) in &[(0.0, 0.0), (1.1, 4.0), (PI, 2.0)] {
            let std = transfer(theta, phi);
            assert!(close(
                &MziCell::ThreeSplitter.transfer(theta, phi),
                &mul2(&std, &b)
            ));
            assert!(close(
                &MziCell::Crossing.transfer(theta, phi),
                &mul2(&x, &std)
            ));
        }
    }

    #[test]
    fn fit_is_exact_within_reach_and_best_outside() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
        let mut exact = [0usize; 3];
        for _ in 0..300 {
            let w = unitary(
                rng.gen_range(0.0..PI / 2.0),
                rng.gen_range(0.0..TAU),
                rng.gen_range(0.0..TAU),
                rng.gen_range(0.0..TAU),
            );
            for (k, cell) in MziCell::ALL.into_iter().enumerate() {
                let m = Mzi {
                    cell,
                    kappa: [0; 3].map(|_| 0.5 + rng.gen_range(-0.05..0.05)),
                    field_loss: 0.9,
                };
                let (theta, phi, f) = m.fit(&w);
                let t = m.transfer(theta, phi);
                // |f| is the row mismatch it reports.
                let overlap = (t[0][0] * w[0][0].conj() + t[0][1] * w[0][1].conj()).norm() / 0.9;
                assert!(((1.0 - overlap * overlap).max(0.0).sqrt() - f).abs() < 1e-7);
                if f < 1e-12 {
                    exact[k] += 1;
                    // Both rows then match up to a phase each.
                    for r in 0..2 {
                        let d = t[r][0] * w[r][0].conj() + t[r][1] * w[r][1].conj();
                        let d = d / d.norm();
                        for c in 0..2 {
                            assert!((t[r][c] / 0.9 - d * w[r][c]).norm() < 1e-11);
                        }
                    }
                }
            }
        }
        // With couplers 5 % off, most unitaries are within reach of each
        // cell; the 3-splitter cell reaches the most.
        assert!(exact.iter().all(|&e| e > 150), "{exact:?}");
        assert!(exact[1] >= exact[0] && exact[1] > 250, "{exact:?}");
    }

    /// |T₀₀| over a grid of settings: the range a cell's couplers allow.
    fn reach_of(m: &Mzi) -> (f64, f64) {
        let mut lo: f64 = 1.0;
        let mut hi: f64 = 0.0;
        for i in 0..=400 {
            for j in 0..=400 {
                let t = m.transfer(TAU * i as f64 / 400.0, TAU * j as f64 / 400.0);
                let v = t[0][0].norm() / m.field_loss;
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        (lo, hi)
    }

    #[test]
    fn three_splitter_reaches_the_cross_state_that_the_standard_mzi_misses() {
        // Independent errors of 4–6 % in power: the standard MZI cannot make
        // T₀₀ = 0 (full cross), the 3-splitter one can; with equal
        // (correlated) errors the crossing cell reaches its own cross state.
        let kappa = [0.54, 0.56, 0.45];
        let standard = Mzi {
            cell: MziCell::Standard,
            kappa,
            field_loss: 1.0,
        };
        let three = Mzi {
            cell: MziCell::ThreeSplitter,
            ..standard
        };
        assert!(reach_of(&standard).0 > 0.05);
        for m in [standard, three] {
            let [lo, hi] = m.reach();
            let (glo, ghi) = reach_of(&m);
            assert!((lo - glo).abs() < 0.01 && (hi - ghi).abs() < 1e-3, "{m:?}");
        }
        assert!(reach_of(&three).0 < 0.01 && reach_of(&three).1 > 0.999);
        let correlated = Mzi {
            cell: MziCell::Crossing,
            kappa: [0.55, 0.55, 0.5],
            field_loss: 1.0,
        };
        // The crossing cell's T₀₀ is the MZI's T₁₀: its cross is the bar.
        assert!(reach_of(&correlated).0 < 0.01);
        assert!(correlated.reach()[0] < 1e-15);
        // The reach against a sampled grid, over many random cells.
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for _ in 0..12 {
            for cell in MziCell::ALL {
                let m = Mzi {
                    cell,
                    kappa: [0; 3].map(|_| rng.gen_range(0.05..0.95)),
                    field_loss: 1.0,
                };
                let [lo, hi] = m.reach();
                let (glo, ghi) = reach_of(&m);
                // The grid can only fall inside the range, by at most its step.
                assert!(glo >= lo - 1e-12 && ghi <= hi + 1e-12, "{m:?}");
                assert!(
                    glo - lo < 0.02 && hi - ghi < 0.02,
                    "{m:?} {lo} {hi} {glo} {ghi}"
                );
            }
        }
    }

    #[test]
    fn coupler_ratio_is_the_cross_share() {
        let c = coupler(0.3);
        assert!((c[1][0].norm_sqr() - 0.3).abs() < 1e-15);
        assert!((c[0][0].norm_sqr() - 0.7).abs() < 1e-15);
    }

    #[test]
    fn cross_and_bar_states() {
        // θ = 0: all power crosses; θ = π: all power stays.
        let cross = transfer(0.0, 0.0);
        assert!(cross[0][0].norm() < 1e-15 && (cross[1][0].norm() - 1.0).abs() < 1e-15);
        let bar = transfer(PI, 0.0);
        assert!(bar[1][0].norm() < 1e-15 && (bar[0][0].norm() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn wrap_phase_is_in_range() {
        for x in [-1e-300, -TAU, -0.1, 0.0, TAU, 3.0 * TAU + 0.5, 1e6] {
            let w = wrap_phase(x);
            assert!((0.0..TAU).contains(&w), "{x} -> {w}");
        }
    }
}

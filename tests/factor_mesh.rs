//! Clements and Reck decompositions: reconstruction accuracy, structure
//! (MZI count, depth, columns), setting ranges, and edge-case unitaries.

use nalgebra::DMatrix;
use optc::factor::random::haar_unitary;
use optc::factor::{
    clements, decompose, factor_unitary, max_abs_error, reck, unitarity_error, FactorError,
    FactorWarning, UnitaryTolerance,
};
use optc_model::mesh::{Mesh, MeshDesign, MeshStyle, MESH_NAMES};
use optc_model::mzi::settings_in_range;
use optc_model::Complex64;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::f64::consts::{PI, TAU};

const STYLES: [MeshDesign; 2] = [MeshDesign::CLEMENTS, MeshDesign::RECK];

/// Every layout with every cell design (spec/device.md, "MZI cells").
fn designs() -> [MeshDesign; 6] {
    MESH_NAMES.map(|m| MeshDesign::parse(m).unwrap())
}

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

/// Checks structure and ranges; returns the reconstruction error.
fn check_mesh(u: &DMatrix<Complex64>, mesh: &Mesh) -> f64 {
    let n = u.nrows();
    assert_eq!(mesh.modes, n);
    assert_eq!(mesh.mzis.len(), n * (n - 1) / 2);
    assert_eq!(mesh.output_phases.len(), n);
    let expected_depth = match (mesh.style, n) {
        (_, 1) => 0,
        (MeshStyle::Clements, 2) => 1,
        (MeshStyle::Clements, _) => n,
        (MeshStyle::Reck, _) => 2 * n - 3,
    };
    assert_eq!(mesh.depth(), expected_depth, "{:?} N={n}", mesh.style);
    for m in &mesh.mzis {
        assert!(m.mode + 1 < n);
        assert!(
            settings_in_range(m.theta, m.phi),
            "θ={} φ={}",
            m.theta,
            m.phi
        );
        if mesh.style == MeshStyle::Clements {
            // Rectangular layout: even pairs in even columns, odd in odd.
            assert_eq!(m.mode % 2, m.column % 2, "{m:?}");
        }
    }
    // No two MZIs of one column share a mode.
    let mut used = std::collections::HashSet::new();
    for m in &mesh.mzis {
        assert!(used.insert((m.column, m.mode)) && used.insert((m.column, m.mode + 1)));
    }
    for p in &mesh.output_phases {
        assert!((0.0..TAU).contains(p), "{p}");
    }
    max_abs_error(&mesh.matrix(), u)
}

#[test]
fn haar_unitaries_reconstruct_to_1e_12() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for n in [1, 2, 3, 4, 5, 8, 16, 33, 64, 128, 256] {
        let u = haar_unitary(n, &mut rng);
        assert!(unitarity_error(&u) < 1e-12);
        for style in designs() {
            let mesh = decompose(&u, style);
            assert_eq!(mesh.cell, style.cell);
            let err = check_mesh(&u, &mesh);
            assert!(err <= 1e-12, "{style:?} N={n}: {err:e}");
        }
    }
}

#[test]
fn mesh_matrix_agrees_with_propagating_fields() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let u = haar_unitary(12, &mut rng);
    for style in designs() {
        let mesh = decompose(&u, style);
        let m = mesh.matrix();
        assert!(max_abs_error(&m, &u) < 1e-13);
        let x: Vec<Complex64> = (0..12)
            .map(|_| Complex64::new(rng.gen_range(-1.0..1.0), rng.gen_range(-1.0..1.0)))
            .collect();
        let mut y = x.clone();
        mesh.apply(&mut y);
        let mx = &m * nalgebra::DVector::from_vec(x);
        for (a, b) in y.iter().zip(mx.iter()) {
            assert!((a - b).norm() < 1e-13);
        }
    }
}

#[test]
fn n1024_reconstructs_to_1e_11() {
    let mut rng = ChaCha8Rng::seed_from_u64(1024);
    let u = haar_unitary(1024, &mut rng);
    for (style, mesh) in [
        (MeshStyle::Clements, clements(&u)),
        (MeshStyle::Reck, reck(&u)),
    ] {
        let err = check_mesh(&u, &mesh);
        assert!(err <= 1e-11, "{style:?}: {err:e}");
    }
}

fn dft(n: usize) -> DMatrix<Complex64> {
    let s = 1.0 / (n as f64).sqrt();
    DMatrix::from_fn(n, n, |j, k| {
        Complex64::from_polar(s, -TAU * (j * k) as f64 / n as f64)
    })
}

fn permutation(n: usize, seed: u64) -> DMatrix<Complex64> {
    use rand::seq::SliceRandom;
    let mut p: Vec<usize> = (0..n).collect();
    p.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    DMatrix::from_fn(n, n, |r, col| {
        if p[col] == r {
            c(1.0, 0.0)
        } else {
            c(0.0, 0.0)
        }
    })
}

fn real_orthogonal(n: usize, seed: u64) -> DMatrix<Complex64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let g = DMatrix::<f64>::from_fn(n, n, |_, _| rand::Rng::gen::<f64>(&mut rng) - 0.5);
    g.qr().q().map(|x| c(x, 0.0))
}

#[test]
fn edge_case_unitaries() {
    let mut cases: Vec<(String, DMatrix<Complex64>)> = Vec::new();
    for n in [2, 3, 6, 9] {
        cases.push((format!("identity {n}"), DMatrix::identity(n, n)));
        cases.push((format!("permutation {n}"), permutation(n, n as u64)));
        cases.push((format!("reversal {n}"), permutation_reverse(n)));
        cases.push((
            format!("diagonal phases {n}"),
            DMatrix::from_fn(n, n, |r, col| {
                if r == col {
                    Complex64::from_polar(1.0, 0.7 * r as f64 - 2.0)
                } else {
                    c(0.0, 0.0)
                }
            }),
        ));
        cases.push((format!("dft {n}"), dft(n)));
        cases.push((
            format!("real orthogonal {n}"),
            real_orthogonal(n, 5 + n as u64),
        ));
        cases.push((
            format!("-identity {n}"),
            -DMatrix::<Complex64>::identity(n, n),
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(77);
    let mut block = DMatrix::zeros(7, 7);
    block
        .view_mut((0, 0), (3, 3))
        .copy_from(&haar_unitary(3, &mut rng));
    block
        .view_mut((3, 3), (4, 4))
        .copy_from(&haar_unitary(4, &mut rng));
    cases.push(("block diagonal 3+4".into(), block));
    cases.push(("dft 64".into(), dft(64)));
    for (name, u) in cases {
        for style in designs() {
            let mesh = decompose(&u, style);
            let err = check_mesh(&u, &mesh);
            assert!(err <= 1e-13, "{name} {style:?}: {err:e}");
        }
    }
}

fn permutation_reverse(n: usize) -> DMatrix<Complex64> {
    DMatrix::from_fn(n, n, |r, col| {
        if r + col == n - 1 {
            c(1.0, 0.0)
        } else {
            c(0.0, 0.0)
        }
    })
}

#[test]
fn identity_is_all_bar_states() {
    // T(π, φ) is diagonal, so the identity needs θ = π everywhere.
    for style in STYLES {
        let mesh = decompose(&DMatrix::identity(5, 5), style);
        for m in &mesh.mzis {
            assert!((m.theta - PI).abs() < 1e-15, "{m:?}");
        }
    }
}

#[test]
fn one_mode_is_an_empty_mesh_with_one_phase() {
    let u = DMatrix::from_element(1, 1, Complex64::from_polar(1.0, -1.0));
    for style in designs() {
        let mesh = decompose(&u, style);
        assert!(mesh.mzis.is_empty());
        assert_eq!(mesh.output_phases.len(), 1);
        assert!((mesh.output_phases[0] - (TAU - 1.0)).abs() < 1e-15);
    }
}

#[test]
fn non_unitary_input_is_rejected_with_its_norm() {
    let mut u = haar_unitary(6, &mut ChaCha8Rng::seed_from_u64(1));
    u[(2, 3)] += c(0.1, 0.0);
    let measured = unitarity_error(&u);
    let err = factor_unitary(&u, MeshDesign::CLEMENTS, UnitaryTolerance::default()).unwrap_err();
    match &err {
        FactorError::NotUnitary { error, .. } => assert_eq!(*error, measured),
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("Frobenius"), "{text}");
    assert!(text.contains(&format!("{measured:.3e}")), "{text}");
}

#[test]
fn slightly_non_unitary_input_is_projected_with_a_warning() {
    let u = haar_unitary(8, &mut ChaCha8Rng::seed_from_u64(2));
    let mut noisy = u.clone();
    noisy[(0, 0)] += c(1e-8, -2e-8);
    let tol = UnitaryTolerance {
        exact: 1e-12,
        project: 1e-6,
    };
    let (mesh, warnings) = factor_unitary(&noisy, MeshDesign::RECK, tol).unwrap();
    assert_eq!(warnings.len(), 1);
    let FactorWarning::ProjectedToUnitary {
        unitarity_error: e,
        distance,
    } = warnings[0]
    else {
        panic!("{warnings:?}");
    };
    assert!(e > 1e-12 && e < 1e-6);
    assert!(distance > 0.0 && distance < 3e-8, "{distance}");
    // The mesh is unitary and as close to the input as the projection.
    let realized = mesh.matrix();
    assert!(unitarity_error(&realized) < 1e-13);
    assert!((&realized - &noisy).norm() <= distance + 1e-13);
    // An exact unitary passes without warnings.
    let (_, none) = factor_unitary(&u, MeshDesign::RECK, tol).unwrap();
    assert!(none.is_empty());
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let tol = UnitaryTolerance::default();
    let rect = DMatrix::<Complex64>::zeros(2, 3);
    assert!(matches!(
        factor_unitary(&rect, MeshDesign::CLEMENTS, tol),
        Err(FactorError::NotSquare { rows: 2, cols: 3 })
    ));
    let empty = DMatrix::<Complex64>::zeros(0, 0);
    assert!(matches!(
        factor_unitary(&empty, MeshDesign::CLEMENTS, tol),
        Err(FactorError::Empty { .. })
    ));
    let mut nan = DMatrix::<Complex64>::identity(3, 3);
    nan[(1, 2)] = c(f64::NAN, 0.0);
    assert!(matches!(
        factor_unitary(&nan, MeshDesign::RECK, tol),
        Err(FactorError::NonFinite { row: 1, col: 2, .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn random_unitaries_round_trip(n in 1usize..40, seed in any::<u64>(), design in 0usize..6) {
        let u = haar_unitary(n, &mut ChaCha8Rng::seed_from_u64(seed));
        let style = designs()[design];
        let mesh = decompose(&u, style);
        let err = check_mesh(&u, &mesh);
        prop_assert!(err <= 1e-12, "N={} {:?}: {:e}", n, style, err);
    }
}

//! SVD, unitary×diagonal and segmented realizations of general matrices:
//! reconstruction, physical passivity, MZI counts and degenerate inputs.

use nalgebra::DMatrix;
use optc::factor::random::{ginibre, haar_unitary};
use optc::factor::{
    realize_segmented, realize_svd, realize_unitary_diag, relative_frobenius_error, svd_mzi_count,
    unitarity_error, BlockKind, FactorError, FactorWarning, Realization,
};
use optc_model::mesh::{MeshDesign, MESH_NAMES};
use optc_model::Complex64;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// The passive circuit never amplifies: its largest singular value ≤ 1.
fn assert_passive(r: &Realization) {
    let s = r.physical_matrix().singular_values();
    assert!(s.max() <= 1.0 + 1e-12, "gain > 1: {}", s.max());
}

fn svd_of(w: &DMatrix<Complex64>, style: MeshDesign) -> Realization {
    let (real, _) = realize_svd(w, style).unwrap();
    for t in &real.transmissions {
        assert!((0.0..=1.0).contains(t), "{t}");
    }
    Realization::Svd(real)
}

#[test]
fn svd_reconstructs_rectangular_and_degenerate_matrices() {
    let mut r = rng(5);
    let mut cases: Vec<(&str, DMatrix<Complex64>)> = vec![
        ("1x7", ginibre(1, 7, &mut r)),
        ("7x1", ginibre(7, 1, &mut r)),
        ("5x5", ginibre(5, 5, &mut r)),
        ("4x9", ginibre(4, 9, &mut r)),
        ("12x3", ginibre(12, 3, &mut r)),
        ("1x1", ginibre(1, 1, &mut r)),
    ];
    let a = ginibre(6, 1, &mut r);
    let b = ginibre(1, 8, &mut r);
    cases.push(("rank 1 6x8", &a * &b));
    let c = ginibre(9, 3, &mut r);
    let d = ginibre(3, 9, &mut r);
    cases.push(("rank 3 9x9", &c * &d));
    for (name, w) in cases {
        // Every layout and every cell design.
        for style in MESH_NAMES.map(|m| MeshDesign::parse(m).unwrap()) {
            let real = svd_of(&w, style);
            let err = relative_frobenius_error(&w, &real.matrix());
            assert!(err <= 1e-10, "{name} {style:?}: {err:e}");
            assert!(err.is_finite());
            assert_passive(&real);
            assert_eq!(real.mzi_count(), svd_mzi_count(w.nrows(), w.ncols()));
            assert_eq!(real.mzis_saved_vs_svd(), 0);
        }
    }
}

#[test]
fn zero_matrix_blocks_all_light_without_nan() {
    let w = DMatrix::<Complex64>::zeros(3, 5);
    let (real, warnings) = realize_svd(&w, MeshDesign::CLEMENTS).unwrap();
    assert_eq!(warnings, vec![FactorWarning::ZeroMatrix]);
    assert_eq!(real.gain, 0.0);
    assert!(real.transmissions.iter().all(|t| *t == 0.0));
    let identity = DMatrix::<Complex64>::identity(5, 5);
    for mesh in [&real.u, &real.v_dagger] {
        let m = mesh.matrix();
        assert!((m - &identity).norm() < 1e-14);
    }
    let out = Realization::Svd(real).matrix();
    assert_eq!(out.shape(), (3, 5));
    assert!(out.iter().all(|x| *x == Complex64::new(0.0, 0.0)));

    let (ud, warnings) = realize_unitary_diag(&w, MeshDesign::RECK).unwrap();
    assert_eq!(warnings, vec![FactorWarning::ZeroMatrix]);
    assert_eq!(ud.gain, 0.0);
    let (seg, warnings) = realize_segmented(&w, 2, BlockKind::Svd, MeshDesign::RECK).unwrap();
    assert_eq!(warnings, vec![FactorWarning::ZeroMatrix]);
    assert!(Realization::Segmented(seg)
        .matrix()
        .iter()
        .all(|x| x.norm() == 0.0));
}

#[test]
fn svd_gain_is_the_largest_singular_value() {
    let w = ginibre(6, 4, &mut rng(9));
    let (real, _) = realize_svd(&w, MeshDesign::CLEMENTS).unwrap();
    let sigma = w.singular_values();
    assert!((real.gain - sigma.max()).abs() < 1e-12 * sigma.max());
    assert!(real.transmissions.iter().any(|t| (t - 1.0).abs() < 1e-15));
}

#[test]
fn unitary_diag_is_exact_for_unitary_times_diagonal() {
    let u = haar_unitary(6, &mut rng(1));
    let d = [0.2, 1.5, 0.7, 0.0, 1.1, 0.4];
    let mut w = u.clone();
    for (j, dj) in d.iter().enumerate() {
        w.column_mut(j).scale_mut(*dj);
    }
    let (real, _) = realize_unitary_diag(&w, MeshDesign::CLEMENTS).unwrap();
    assert!((real.gain - 1.5).abs() < 1e-10);
    let r = Realization::UnitaryDiag(real);
    let err = relative_frobenius_error(&w, &r.matrix());
    assert!(err < 1e-9, "{err:e}");
    assert_eq!(r.mzi_count(), 15);
    assert_eq!(r.mzis_saved_vs_svd(), 15);
    assert_passive(&r);
}

#[test]
fn unitary_diag_beats_simple_guesses() {
    // The fit must be at least as good as its own start (column norms with
    // the polar factor of W) and as the best unitary alone (scaled polar).
    let w = ginibre(8, 8, &mut rng(21));
    let (real, _) = realize_unitary_diag(&w, MeshDesign::RECK).unwrap();
    let r = Realization::UnitaryDiag(real);
    let err = relative_frobenius_error(&w, &r.matrix());
    let polar = optc::factor::nearest_unitary(&w).unwrap();
    let scale = polar.dotc(&w).re / 8.0;
    let polar_err = relative_frobenius_error(&w, &(polar * Complex64::new(scale, 0.0)));
    assert!(err <= polar_err + 1e-12, "{err} vs {polar_err}");
    assert!(err > 0.0 && err < 1.0);
    assert_passive(&r);
}

#[test]
fn segmented_reconstructs_with_svd_blocks_and_reports_scale() {
    let w = ginibre(10, 7, &mut rng(33));
    let (seg, warnings) = realize_segmented(&w, 4, BlockKind::Svd, MeshDesign::CLEMENTS).unwrap();
    assert!(warnings.is_empty());
    assert_eq!((seg.block_rows, seg.block_cols), (3, 2));
    assert_eq!(seg.blocks.len(), 6);
    let largest_block = seg
        .blocks
        .iter()
        .map(|b| b.realization.gain())
        .fold(0.0, f64::max);
    assert!((seg.gain - largest_block * (6f64).sqrt()).abs() < 1e-12);
    assert!((seg.fan_out_field - 1.0 / 3f64.sqrt()).abs() < 1e-15);
    assert!((seg.fan_in_field - 1.0 / 2f64.sqrt()).abs() < 1e-15);
    let r = Realization::Segmented(seg);
    let err = relative_frobenius_error(&w, &r.matrix());
    assert!(err < 1e-10, "{err:e}");
    assert_passive(&r);
    // 6 blocks of 2 meshes of 6 MZIs against 2 meshes of 45.
    assert_eq!(r.mzi_count(), 6 * 12);
    assert_eq!(r.mzis_saved_vs_svd(), 90 - 72);
}

#[test]
fn segmented_unitary_diag_reports_error_and_saves_mzis() {
    let w = ginibre(16, 16, &mut rng(44));
    let (seg, _) = realize_segmented(&w, 4, BlockKind::UnitaryDiag, MeshDesign::RECK).unwrap();
    let r = Realization::Segmented(seg);
    let err = relative_frobenius_error(&w, &r.matrix());
    assert!(err > 1e-6 && err < 1.0, "{err}");
    assert_eq!(r.mzi_count(), 16 * 6);
    assert_eq!(r.mzis_saved_vs_svd(), 240 - 96);
    assert_passive(&r);
    for b in match &r {
        Realization::Segmented(s) => &s.blocks,
        _ => unreachable!(),
    } {
        if let Realization::UnitaryDiag(ud) = &b.realization {
            assert!(unitarity_error(&ud.mesh.matrix()) < 1e-12);
        }
    }
}

#[test]
fn bad_inputs_are_errors() {
    let w = ginibre(3, 3, &mut rng(1));
    assert!(matches!(
        realize_segmented(&w, 0, BlockKind::Svd, MeshDesign::RECK),
        Err(FactorError::BadSegment(0))
    ));
    let empty = DMatrix::<Complex64>::zeros(0, 4);
    assert!(matches!(
        realize_svd(&empty, MeshDesign::RECK),
        Err(FactorError::Empty { .. })
    ));
    let mut inf = w.clone();
    inf[(0, 1)] = Complex64::new(0.0, f64::INFINITY);
    assert!(matches!(
        realize_unitary_diag(&inf, MeshDesign::RECK),
        Err(FactorError::NonFinite { row: 0, col: 1, .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn svd_round_trip_over_random_shapes(m in 1usize..12, n in 1usize..12, seed in any::<u64>()) {
        let w = ginibre(m, n, &mut rng(seed));
        let real = svd_of(&w, MeshDesign::CLEMENTS);
        let err = relative_frobenius_error(&w, &real.matrix());
        prop_assert!(err <= 1e-10, "{}x{}: {:e}", m, n, err);
    }

    #[test]
    fn segmented_svd_round_trip(m in 1usize..14, n in 1usize..14, k in 1usize..6, seed in any::<u64>()) {
        let w = ginibre(m, n, &mut rng(seed));
        let (seg, _) = realize_segmented(&w, k, BlockKind::Svd, MeshDesign::RECK).unwrap();
        let err = relative_frobenius_error(&w, &Realization::Segmented(seg).matrix());
        prop_assert!(err <= 1e-10, "{}x{} k={}: {:e}", m, n, k, err);
    }
}

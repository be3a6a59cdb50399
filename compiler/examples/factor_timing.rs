//! Times the Clements and Reck decompositions on seeded Haar unitaries.
//! Usage: factor_timing [N ...]   (default: 64 128)
//! Prints one line per size: `N <n> clements <seconds> reck <seconds> error <max|Δ|>`,
//! each time the best of several runs. Used by bench/interferometer/run.sh.

use optc::factor::random::haar_unitary;
use optc::factor::{clements, max_abs_error, reck};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::process::ExitCode;
use std::time::Instant;

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = f();
    for _ in 0..runs {
        let start = Instant::now();
        last = f();
        best = best.min(start.elapsed().as_secs_f64());
    }
    (best, last)
}

fn main() -> ExitCode {
    let mut sizes = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.parse::<usize>() {
            Ok(n) if n >= 1 => sizes.push(n),
            _ => {
                eprintln!("error: expected sizes N ≥ 1, got {arg:?}");
                return ExitCode::from(2);
            }
        }
    }
    if sizes.is_empty() {
        sizes = vec![64, 128];
    }
    for n in sizes {
        let u = haar_unitary(n, &mut ChaCha8Rng::seed_from_u64(n as u64));
        let runs = if n >= 512 { 3 } else { 10 };
        let (tc, mc) = best_of(runs, || clements(&u));
        let (tr, mr) = best_of(runs, || reck(&u));
        let err = max_abs_error(&mc.matrix(), &u).max(max_abs_error(&mr.matrix(), &u));
        println!("N {n} clements {tc:.6e} reck {tr:.6e} error {err:.2e}");
    }
    ExitCode::SUCCESS
}

//! Gradient-code files for the `optc reduce` tests: seeded random rows of
//! N codes, their CSV, and the parsed output.

use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// `count` seeded rows of `servers` codes in [−q, q], written as CSV to
/// `path`; returns the rows.
pub fn write_random_codes(
    path: &Path,
    seed: u64,
    count: usize,
    servers: usize,
    q: i32,
) -> Vec<Vec<i32>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let rows: Vec<Vec<i32>> = (0..count)
        .map(|_| (0..servers).map(|_| rng.gen_range(-q..=q)).collect())
        .collect();
    let csv: String = rows
        .iter()
        .map(|r| r.iter().map(i32::to_string).collect::<Vec<_>>().join(",") + "\n")
        .collect();
    std::fs::write(path, csv).unwrap();
    rows
}

/// `optc reduce`'s stdout: one delivered code per line.
pub fn parse_delivered(stdout: &[u8]) -> Vec<i64> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect()
}

//! The digits data set (UCI Optical Recognition of Handwritten Digits, the
//! scikit-learn copy, CC BY 4.0; see data/digits/README.md), embedded in the
//! binary so `optc train` works from any folder, and its fixed seeded split.

use crate::error::TrainError;
use flate2::read::GzDecoder;
use rand::seq::SliceRandom;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::io::Read;

static DIGITS_GZ: &[u8] = include_bytes!("../../../../data/digits/digits.csv.gz");

/// Pixels per image (8×8) and classes.
pub const PIXELS: usize = 64;
pub const CLASSES: usize = 10;
/// The split is fixed (independent of --seed) so every run tests on the same 360.
const SPLIT_SEED: u64 = 1998;
pub const TEST_SIZE: usize = 360;

/// Images scaled to [0, 1] (pixel/16), row-major, with labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub images: Vec<f32>,
    pub labels: Vec<u32>,
}

impl Split {
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
    /// The samples at `idx`, gathered into contiguous buffers.
    pub fn gather(&self, idx: &[usize]) -> (Vec<f32>, Vec<u32>) {
        let mut x = Vec::with_capacity(idx.len() * PIXELS);
        let mut y = Vec::with_capacity(idx.len());
        for &i in idx {
            x.extend_from_slice(&self.images[i * PIXELS..(i + 1) * PIXELS]);
            y.push(self.labels[i]);
        }
        (x, y)
    }
    fn truncated(mut self, n: usize) -> Self {
        let n = n.min(self.len());
        self.images.truncate(n * PIXELS);
        self.labels.truncate(n);
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Digits {
    pub train: Split,
    pub test: Split,
}

/// Parses the embedded CSV (`optc_formats::csv_reader`): 1,797 rows of 64
/// pixels (0..16) and a label.
fn parse(text: &str) -> Result<Split, TrainError> {
    let mut images = Vec::new();
    let mut labels = Vec::new();
    let mut rows = optc_formats::csv_reader::rows(text);
    while let Some(row) = rows.next_row() {
        let row = row.map_err(|e| TrainError::Data(e.to_string()))?;
        let line = row.line;
        if row.len() != PIXELS + 1 {
            return Err(TrainError::Data(format!(
                "line {line}: {} fields, expected {}",
                row.len(),
                PIXELS + 1
            )));
        }
        for cell in row.cells() {
            let at = format!("line {line}, column {}", cell.column);
            let v: u32 = cell.text.parse().map_err(|_| {
                TrainError::Data(format!("{at}: `{}` is not an integer", cell.text))
            })?;
            if cell.field <= PIXELS {
                if v > 16 {
                    return Err(TrainError::Data(format!("{at}: pixel {v} > 16")));
                }
                images.push(v as f32 / 16.0);
            } else if (v as usize) < CLASSES {
                labels.push(v);
            } else {
                return Err(TrainError::Data(format!(
                    "{at}: label {v} is not a class (0..{CLASSES})"
                )));
            }
        }
    }
    Ok(Split { images, labels })
}

/// Loads the embedded data and splits it 1,437 train / 360 test (fixed seed);
/// `train_samples` keeps only the first that many training samples.
pub fn load(train_samples: Option<usize>) -> Result<Digits, TrainError> {
    let mut text = String::new();
    GzDecoder::new(DIGITS_GZ)
        .read_to_string(&mut text)
        .map_err(|e| TrainError::Data(format!("gzip: {e}")))?;
    let all = parse(&text)?;
    if all.len() <= TEST_SIZE {
        return Err(TrainError::Data(format!("only {} samples", all.len())));
    }
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(SPLIT_SEED));
    let (test_idx, train_idx) = order.split_at(TEST_SIZE);
    let pick = |idx: &[usize]| {
        let (images, labels) = all.gather(idx);
        Split { images, labels }
    };
    let train = pick(train_idx);
    Ok(Digits {
        train: match train_samples {
            Some(n) => train.truncated(n),
            None => train,
        },
        test: pick(test_idx),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_sizes_and_disjointness() -> Result<(), TrainError> {
        let d = load(None)?;
        assert_eq!(d.train.len(), 1437);
        assert_eq!(d.test.len(), 360);
        assert_eq!(d.train.images.len(), 1437 * PIXELS);
        assert!(d.train.images.iter().all(|&p| (0.0..=1.0).contains(&p)));
        // Every class occurs in both halves.
        for c in 0..CLASSES as u32 {
            assert!(d.train.labels.contains(&c) && d.test.labels.contains(&c));
        }
        // The split is fixed: a second load is identical.
        assert_eq!(load(None)?, d);
        assert_eq!(load(Some(100))?.train.len(), 100);
        Ok(())
    }

    #[test]
    fn malformed_lines_are_errors() {
        assert!(parse("1,2,3").is_err());
        let mut line = vec!["0"; 64].join(",");
        line.push_str(",11");
        assert!(parse(&line).is_err());
        // Errors name the line and the column.
        let good = format!("{},3\n", vec!["0"; 64].join(","));
        let bad = format!("{good}\n0,x{}", ",0".repeat(63));
        let e = parse(&bad).map(|_| ()).unwrap_err().to_string();
        assert!(
            e.ends_with("line 3, column 3: `x` is not an integer"),
            "{e}"
        );
        assert!(parse(&format!("{good}{good}")).is_ok());
    }
}

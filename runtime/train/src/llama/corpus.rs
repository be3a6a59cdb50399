//! The WikiText-2 text of the `wiki-llama` workload (Merity et al. 2016,
//! CC BY-SA 3.0; see data/wikitext-2/README.md), embedded in the binary:
//! the validation split is the training text, the test split the test text.
//! Words are whitespace-separated; every non-blank line ends with `<eos>`;
//! the vocabulary is the training text's words seen at least `min_count`
//! times, everything else becomes `<unk>`.

use crate::error::TrainError;
use flate2::read::GzDecoder;
use std::collections::HashMap;
use std::io::Read;

static TRAIN_GZ: &[u8] = include_bytes!("../../../../data/wikitext-2/valid.txt.gz");
static TEST_GZ: &[u8] = include_bytes!("../../../../data/wikitext-2/test.txt.gz");

pub const UNK: &str = "<unk>";
pub const EOS: &str = "<eos>";

/// Words of `text`: whitespace-separated, `<eos>` after every non-blank line.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .flat_map(|l| l.split_whitespace().chain(std::iter::once(EOS)))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Vocab {
    /// `<unk>`, `<eos>`, then the kept words by falling count (ties by word).
    pub words: Vec<String>,
    index: HashMap<String, u32>,
}

impl Vocab {
    /// The words of `text` seen at least `min_count` times, plus `<unk>`
    /// and `<eos>`.
    pub fn build(text: &str, min_count: usize) -> Self {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for w in words(text) {
            *counts.entry(w).or_default() += 1;
        }
        let mut kept: Vec<(&str, usize)> = counts
            .into_iter()
            .filter(|&(w, c)| c >= min_count.max(1) && w != UNK && w != EOS)
            .collect();
        kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let words: Vec<String> = [UNK, EOS]
            .into_iter()
            .chain(kept.into_iter().map(|(w, _)| w))
            .map(str::to_string)
            .collect();
        let index = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as u32))
            .collect();
        Self { words, index }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Token ids of `text` (unknown words → `<unk>`, id 0).
    pub fn encode(&self, text: &str) -> Vec<u32> {
        words(text)
            .map(|w| self.index.get(w).copied().unwrap_or(0))
            .collect()
    }
}

/// Token streams of the training and test text, and the vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct Corpus {
    pub vocab: Vocab,
    pub train: Vec<u32>,
    pub test: Vec<u32>,
}

impl Corpus {
    /// Fraction of test tokens that are `<unk>` (for the spec and summary).
    pub fn test_unk_rate(&self) -> f64 {
        self.test.iter().filter(|&&t| t == 0).count() as f64 / self.test.len().max(1) as f64
    }
}

fn gunzip(bytes: &[u8], what: &str) -> Result<String, TrainError> {
    let mut text = String::new();
    GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .map_err(|e| TrainError::Data(format!("{what}: gzip: {e}")))?;
    Ok(text)
}

/// Decodes the embedded text; the vocabulary always comes from the whole
/// training text, and `train_tokens` then keeps only the first that many
/// training tokens (quick runs).
pub fn load(min_count: usize, train_tokens: Option<usize>) -> Result<Corpus, TrainError> {
    let train_text = gunzip(TRAIN_GZ, "wikitext-2 valid")?;
    let test_text = gunzip(TEST_GZ, "wikitext-2 test")?;
    let vocab = Vocab::build(&train_text, min_count);
    let mut train = vocab.encode(&train_text);
    if let Some(n) = train_tokens {
        train.truncate(n);
    }
    let test = vocab.encode(&test_text);
    if train.len() < 2 || test.len() < 2 {
        return Err(TrainError::Data("wikitext-2: too few tokens".into()));
    }
    Ok(Corpus { vocab, train, test })
}

/// A token stream cut into non-overlapping windows: sequence i reads tokens
/// [i·T, i·T + T) and predicts tokens [i·T + 1, i·T + T + 1).
#[derive(Debug, Clone, Copy)]
pub struct Windows<'a> {
    pub tokens: &'a [u32],
    pub context: usize,
}

impl Windows<'_> {
    pub fn len(&self) -> usize {
        self.tokens.len().saturating_sub(1) / self.context.max(1)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// (inputs, targets) of the sequences `idx`, concatenated.
    pub fn gather(&self, idx: &[usize]) -> (Vec<u32>, Vec<u32>) {
        let t = self.context;
        let mut x = Vec::with_capacity(idx.len() * t);
        let mut y = Vec::with_capacity(idx.len() * t);
        for &i in idx {
            x.extend_from_slice(&self.tokens[i * t..i * t + t]);
            y.extend_from_slice(&self.tokens[i * t + 1..i * t + t + 1]);
        }
        (x, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_is_thresholded_and_ordered() {
        let text = "a b a\n \nc a b <unk>\n";
        let v = Vocab::build(text, 2);
        // a ×3, b ×2, <eos> ×2; c once → <unk>.
        assert_eq!(v.words, vec!["<unk>", "<eos>", "a", "b"]);
        assert_eq!(v.encode(text), vec![2, 3, 2, 1, 0, 2, 3, 0, 1]);
        assert_eq!(v.encode("zzz"), vec![0, 1]);
    }

    #[test]
    fn windows_shift_targets_by_one() {
        let tokens: Vec<u32> = (0..10).collect();
        let w = Windows {
            tokens: &tokens,
            context: 3,
        };
        assert_eq!(w.len(), 3);
        assert_eq!(
            w.gather(&[2, 0]),
            (vec![6, 7, 8, 0, 1, 2], vec![7, 8, 9, 1, 2, 3])
        );
    }

    #[test]
    fn embedded_corpus_sizes() -> Result<(), TrainError> {
        let c = load(8, None)?;
        // Figures quoted in spec/train.md.
        assert_eq!(c.vocab.len(), 3188);
        assert_eq!((c.train.len(), c.test.len()), (216_347, 244_102));
        // 22.8% of test tokens are <unk> (the data's own plus rare words).
        assert!((0.22..0.235).contains(&c.test_unk_rate()));
        assert_eq!(load(8, Some(1000))?.train.len(), 1000);
        Ok(())
    }
}

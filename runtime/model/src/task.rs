//! What one photonic-ADC unit resolves (spec/reducer.md): integer values on
//! its input channels, a level ℓ = their sum, and the bits of a target
//! function of ℓ. Two tasks exist:
//!
//! - `Mean`: the whole reducer over amplitude links, N channels of codes in
//!   [−Q, Q] (field q/Q), ℓ = S, target rhe(S/N) in b signed bits;
//! - `Stage`: one digit-serial stage, N PAM4 digit channels in [0, 3] and one
//!   carry channel in [0, c_max] (bipolar modulator fields, step 2/3 per
//!   level), ℓ = D + c, target ℓ itself in log2(3N + c_max + 1) unsigned bits.
//!
//! Both make the combined field affine in ℓ, so the same ADC design, tuning,
//! training, calibration and verification serve both.

use crate::contract::Contract;
use crate::digit_serial::PAM4_LEVELS;
use crate::encoding::{decode_bits, decode_unsigned, encode_bits, BitCode};
use crate::modulator::Modulator;

/// A digit-serial stage: N digit channels and one carry channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageTask {
    pub servers: usize,
    pub max_carry: i32,
}

impl StageTask {
    /// The carry remodulator's full-swing field: c_max/3, so one carry step
    /// is one digit step (2/3) of a PAM4 transmitter of unit swing.
    pub fn carry_amplitude(&self) -> f64 {
        self.max_carry as f64 / 3.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Task {
    Mean(Contract),
    Stage(StageTask),
}

impl Task {
    /// Input channels (servers; servers + carry).
    pub fn channels(&self) -> usize {
        match self {
            Task::Mean(c) => c.servers,
            Task::Stage(s) => s.servers + 1,
        }
    }

    /// The values channel `ch` can carry.
    pub fn value_range(&self, ch: usize) -> std::ops::RangeInclusive<i32> {
        match self {
            Task::Mean(c) => c.code_range(),
            Task::Stage(s) if ch < s.servers => 0..=PAM4_LEVELS - 1,
            Task::Stage(s) => 0..=s.max_carry,
        }
    }

    /// The levels ℓ: [−NQ, NQ] or [0, 3N + c_max].
    pub fn levels(&self) -> std::ops::RangeInclusive<i64> {
        match self {
            Task::Mean(c) => -c.max_sum()..=c.max_sum(),
            Task::Stage(s) => 0..=(3 * s.servers as i64 + s.max_carry as i64),
        }
    }

    pub fn level_count(&self) -> usize {
        let r = self.levels();
        (r.end() - r.start() + 1) as usize
    }

    /// Result bits.
    pub fn bits(&self) -> u32 {
        match self {
            Task::Mean(c) => c.bits,
            Task::Stage(_) => (self.level_count() as u32)
                .next_power_of_two()
                .trailing_zeros(),
        }
    }

    /// The value whose bits the unit delivers at level ℓ.
    pub fn target(&self, level: i64) -> i64 {
        match self {
            Task::Mean(c) => c.reference_from_sum(level),
            Task::Stage(_) => level,
        }
    }

    /// Bit k's square wave has period 2^(k+2)·divisor in ℓ (Gray code).
    pub fn period_divisor(&self) -> f64 {
        match self {
            Task::Mean(c) => c.servers as f64,
            Task::Stage(_) => 1.0,
        }
    }

    /// The bit pattern of the target at level ℓ.
    pub fn pattern(&self, level: i64, code: BitCode) -> u32 {
        encode_bits(self.target(level), self.bits(), code)
    }

    /// The delivered value of a bit pattern (signed for `Mean`).
    pub fn decode(&self, pattern: u32, code: BitCode) -> i64 {
        match self {
            Task::Mean(c) => decode_bits(pattern, c.bits, code),
            Task::Stage(_) => i64::from(decode_unsigned(pattern, self.bits(), code)),
        }
    }

    /// The nominal modulator of each channel (`Mean`: none, the field is q/Q).
    pub fn ideal_modulators(&self) -> Vec<Modulator> {
        match self {
            Task::Mean(_) => Vec::new(),
            Task::Stage(s) => (0..s.servers)
                .map(|_| Modulator::ideal(PAM4_LEVELS as usize, 1.0))
                .chain(std::iter::once(Modulator::ideal(
                    s.max_carry as usize + 1,
                    s.carry_amplitude(),
                )))
                .collect(),
        }
    }

    /// Each channel's modulator on chip `seed` of `params`, keyed by the
    /// input port it drives (`Mean`: none).
    pub fn modulators(
        &self,
        ports: &[String],
        seed: u64,
        params: &crate::device::DeviceParams,
    ) -> Vec<Modulator> {
        self.ideal_modulators()
            .iter()
            .zip(ports)
            .map(|(m, port)| {
                let amplitude = m.field(m.levels() as i32 - 1).re;
                Modulator::sample(m.levels(), amplitude, port, seed, params)
            })
            .collect()
    }

    /// The nominal field per level at the input side (every channel's step),
    /// and the level at which the combined nominal field is zero.
    pub fn field_per_level(&self) -> f64 {
        match self {
            Task::Mean(c) => 1.0 / c.max_code() as f64,
            Task::Stage(_) => 2.0 / 3.0,
        }
    }

    pub fn center_level(&self) -> f64 {
        let r = self.levels();
        (*r.start() + *r.end()) as f64 / 2.0
    }

    /// A canonical input with level ℓ (values spread as evenly as possible;
    /// a stage's carry takes what the digits cannot hold, at least ⌊ℓ/4⌋
    /// capped at c_max, so carries vary over the levels as in the chain).
    pub fn representative(&self, level: i64) -> Vec<i32> {
        match self {
            Task::Mean(c) => c.representative(level),
            Task::Stage(s) => {
                let n = s.servers as i64;
                let c = (level / 4).min(s.max_carry as i64).max(level - 3 * n);
                let d = level - c;
                let mut v: Vec<i32> = (0..n)
                    .map(|i| (d / n + i64::from(i < d % n)) as i32)
                    .collect();
                v.push(c as i32);
                v
            }
        }
    }

    /// Every level with its share of all inputs (multiplicity / total).
    pub fn distinct_levels(&self) -> Vec<(i64, f64)> {
        match self {
            Task::Mean(c) => {
                let sums = c.distinct_sums();
                let total: f64 = sums.iter().map(|s| s.1).sum();
                sums.into_iter().map(|(s, w)| (s, w / total)).collect()
            }
            Task::Stage(_) => {
                let mut counts = vec![1.0f64];
                for ch in 0..self.channels() {
                    let width = self.value_range(ch).count();
                    let mut next = vec![0.0; counts.len() + width - 1];
                    for (i, &c) in counts.iter().enumerate() {
                        for slot in next.iter_mut().skip(i).take(width) {
                            *slot += c;
                        }
                    }
                    counts = next;
                }
                let total: f64 = counts.iter().sum();
                counts
                    .into_iter()
                    .enumerate()
                    .map(|(l, c)| (l as i64, c / total))
                    .collect()
            }
        }
    }

    /// Number of distinct input vectors (saturating).
    pub fn inputs_count(&self) -> u128 {
        (0..self.channels()).fold(1u128, |acc, ch| {
            acc.saturating_mul(self.value_range(ch).count() as u128)
        })
    }

    /// Visits every input vector (channel 0 fastest).
    pub fn for_each_input(&self, mut visit: impl FnMut(&[i32])) {
        let ranges: Vec<_> = (0..self.channels()).map(|c| self.value_range(c)).collect();
        let mut v: Vec<i32> = ranges.iter().map(|r| *r.start()).collect();
        loop {
            visit(&v);
            let Some(i) = (0..v.len()).find(|&i| v[i] < *ranges[i].end()) else {
                return;
            };
            v[i] += 1;
            for (j, r) in ranges.iter().enumerate().take(i) {
                v[j] = *r.start();
            }
        }
    }

    /// ℓ of an input vector.
    pub fn level_of(&self, values: &[i32]) -> i64 {
        values.iter().map(|&v| v as i64).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_task_shapes() {
        let t = Task::Stage(StageTask {
            servers: 4,
            max_carry: 3,
        });
        assert_eq!(t.channels(), 5);
        assert_eq!(t.levels(), 0..=15);
        assert_eq!(t.bits(), 4);
        for l in t.levels() {
            let r = t.representative(l);
            assert_eq!(t.level_of(&r), l);
            for (ch, &v) in r.iter().enumerate() {
                assert!(t.value_range(ch).contains(&v), "{l}: {r:?}");
            }
            for code in [BitCode::Gray, BitCode::TwosComplement] {
                assert_eq!(t.decode(t.pattern(l, code), code), l);
            }
        }
        let w: f64 = t.distinct_levels().iter().map(|x| x.1).sum();
        assert!((w - 1.0).abs() < 1e-12);
        let mut n = 0;
        t.for_each_input(|_| n += 1);
        assert_eq!(n as u128, t.inputs_count());
        assert_eq!(n, 256 * 4);
    }

    #[test]
    fn stage_fields_are_affine_in_the_level() {
        let t = Task::Stage(StageTask {
            servers: 8,
            max_carry: 7,
        });
        let mods = t.ideal_modulators();
        let field = |v: &[i32]| -> f64 { v.iter().zip(&mods).map(|(&x, m)| m.field(x).re).sum() };
        for l in t.levels() {
            let f = field(&t.representative(l));
            let want = t.field_per_level() * (l as f64 - t.center_level());
            assert!((f - want).abs() < 1e-12, "{l}: {f} vs {want}");
        }
    }

    #[test]
    fn mean_task_is_the_contract() {
        let c = Contract::mean(4, 4).unwrap();
        let t = Task::Mean(c.clone());
        assert_eq!(t.levels(), -28..=28);
        assert_eq!(t.bits(), 4);
        for s in t.levels() {
            assert_eq!(t.target(s), c.reference_from_sum(s));
        }
    }
}

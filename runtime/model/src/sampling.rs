//! The seeded scheme every static error is drawn from (spec/device.md,
//! "Sampling"): instance `name` of chip `seed` gets its own sequence of
//! standard normals z₀, z₁, …, independent of every other instance and of
//! the order in which a program visits them. A device error is σ·z_j for a
//! fixed j per error kind, so enabling one error never changes another's
//! sample. Specified to the bit so another implementation reproduces a chip.

use std::f64::consts::TAU;

/// FNV-1a, 64 bit, of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64's output function of `x` (Steele, Lea, Flood 2014).
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The normals of one instance of one chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceNormals {
    key: u64,
}

impl InstanceNormals {
    pub fn new(seed: u64, name: &str) -> Self {
        Self {
            key: splitmix64(seed) ^ fnv1a64(name.as_bytes()),
        }
    }

    /// Uniform u_k = (splitmix64(key + k) >> 11)·2⁻⁵³ ∈ [0, 1).
    fn uniform(&self, k: u64) -> f64 {
        (splitmix64(self.key.wrapping_add(k)) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// z_j = √(−2·ln(1 − u_{2j}))·cos(2π·u_{2j+1}) (Box–Muller).
    pub fn z(&self, j: u64) -> f64 {
        let (a, b) = (self.uniform(2 * j), self.uniform(2 * j + 1));
        (-2.0 * (1.0 - a).ln()).sqrt() * (TAU * b).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_and_statistics() {
        // Values any implementation of spec/device.md must reproduce.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(splitmix64(0), 0xe220_a839_7b1d_cdaf);
        let n = InstanceNormals::new(7, "mzi_c000_m000");
        assert_eq!(n, InstanceNormals::new(7, "mzi_c000_m000"));
        assert_ne!(n.z(0), InstanceNormals::new(8, "mzi_c000_m000").z(0));
        assert_ne!(n.z(0), InstanceNormals::new(7, "mzi_c000_m001").z(0));
        let draws: Vec<f64> = (0..20_000).map(|j| n.z(j)).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let var = draws.iter().map(|z| (z - mean).powi(2)).sum::<f64>() / draws.len() as f64;
        assert!(
            mean.abs() < 0.03 && (var - 1.0).abs() < 0.05,
            "{mean} {var}"
        );
    }
}

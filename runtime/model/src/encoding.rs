//! Input encoding (code → field amplitude) and output decoding (detector
//! bits → code, Gray or two's complement).

use serde::{Deserialize, Serialize};

/// Server i's code q_i becomes a real field amplitude x_i = q_i / Q on
/// waveguide i (Q = 2^(b−1) − 1), so |x_i| ≤ 1 and the power per waveguide is
/// at most 1 (the unit of optical power in this model). The sign is a π phase.
pub fn encode_field(code: i32, max_code: i32) -> f64 {
    code as f64 / max_code as f64
}

/// How the b result bits encode the b-bit two's-complement result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BitCode {
    /// Bits of the reflected Gray code of the two's-complement pattern.
    Gray,
    /// Plain two's complement.
    TwosComplement,
}

/// The b-bit pattern of `value` in the given code (bit k = bit k of result).
pub fn encode_bits(value: i64, bits: u32, code: BitCode) -> u32 {
    let mask = (1u64 << bits) - 1;
    let u = (value as u64 & mask) as u32;
    match code {
        BitCode::TwosComplement => u,
        BitCode::Gray => u ^ (u >> 1),
    }
}

/// The unsigned b-bit value of a pattern (Gray decoded when `code` says so).
pub fn decode_unsigned(pattern: u32, bits: u32, code: BitCode) -> u32 {
    let mut u = pattern & ((1u32 << bits) - 1);
    if code == BitCode::Gray {
        let mut shift = 1;
        while shift < bits {
            u ^= u >> shift;
            shift <<= 1;
        }
    }
    u
}

/// Inverse of [`encode_bits`]: sign-extends the b-bit result.
pub fn decode_bits(pattern: u32, bits: u32, code: BitCode) -> i64 {
    let u = decode_unsigned(pattern, bits, code);
    let sign = 1u32 << (bits - 1);
    if u & sign != 0 {
        u as i64 - (1i64 << bits)
    } else {
        u as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_round_trip() {
        for bits in 2..=8u32 {
            let q = (1i64 << (bits - 1)) - 1;
            for v in -q..=q {
                for code in [BitCode::Gray, BitCode::TwosComplement] {
                    assert_eq!(decode_bits(encode_bits(v, bits, code), bits, code), v);
                }
            }
        }
    }

    #[test]
    fn gray_neighbours_differ_in_one_bit() {
        for v in -7i64..7 {
            let a = encode_bits(v, 4, BitCode::Gray);
            let b = encode_bits(v + 1, 4, BitCode::Gray);
            assert_eq!((a ^ b).count_ones(), 1, "{v}");
        }
    }
}

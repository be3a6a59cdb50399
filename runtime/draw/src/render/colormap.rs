//! The MZI colour map: an MZI is coloured by the power it sends to the bar
//! port, sin²(θ/2) (0 at θ = 0, the cross state; 1 at θ = π, the bar
//! state), through viridis. sin² folds θ and 2π − θ onto one colour, which
//! is right: they split power identically.

/// Viridis sampled at 0, 1/8, …, 1 (matplotlib's table); linear in between.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (0x44, 0x01, 0x54),
    (0x47, 0x2c, 0x7a),
    (0x3b, 0x51, 0x8b),
    (0x2c, 0x71, 0x8e),
    (0x21, 0x90, 0x8d),
    (0x27, 0xad, 0x81),
    (0x5c, 0xc8, 0x63),
    (0xaa, 0xdc, 0x32),
    (0xfd, 0xe7, 0x25),
];

/// `#rrggbb` of viridis at `t` (clamped to [0, 1]; NaN is 0).
pub fn viridis(t: f64) -> String {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let pos = t * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * f).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// The colour of an MZI with internal phase θ.
pub fn mzi_colour(theta: f64) -> String {
    viridis((theta / 2.0).sin().powi(2))
}

/// Dark text on light colours, light text on dark ones.
pub fn text_on(theta: f64) -> &'static str {
    if (theta / 2.0).sin().powi(2) > 0.55 {
        "#222"
    } else {
        "#fff"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn ends_and_fold() {
        assert_eq!(mzi_colour(0.0), "#440154");
        assert_eq!(mzi_colour(PI), "#fde725");
        assert_eq!(mzi_colour(0.7), mzi_colour(2.0 * PI - 0.7));
        assert_eq!(viridis(0.5), "#21908d");
        assert_eq!(viridis(f64::NAN), "#440154");
    }
}

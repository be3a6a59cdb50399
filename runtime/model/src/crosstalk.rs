//! Thermal crosstalk (spec/device.md): each heater also receives
//! `crosstalk` × the realized phase of every heater of the same role on the
//! instance directly above or below it in the same placement column (the
//! instance that ends on the mode right above it, or starts on the mode
//! right after it). The only crosstalk rule in optc.

use crate::component::Kind;

/// A heater-carrying instance on the placement grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub kind: Kind,
    pub column: usize,
    pub mode: usize,
}

/// The column neighbours of every heater-carrying instance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Crosstalk {
    /// `neighbours[i]`: instances adjacent to instance i in its column.
    neighbours: Vec<Vec<usize>>,
}

impl Crosstalk {
    /// `placed[i]` is instance i if it carries heaters and is placed.
    pub fn new(placed: &[Option<Placed>]) -> Crosstalk {
        let mut by_start = std::collections::HashMap::new();
        for (i, p) in placed.iter().enumerate() {
            if let Some(p) = p {
                by_start.insert((p.column, p.mode), i);
            }
        }
        let neighbours = placed
            .iter()
            .map(|p| {
                let Some(p) = p else {
                    return Vec::new();
                };
                let below = by_start.get(&(p.column, p.mode + p.kind.span())).copied();
                let above = (1..=2).filter_map(|s| {
                    let j = *by_start.get(&(p.column, p.mode.checked_sub(s)?))?;
                    (placed[j].map(|q| q.kind.span()) == Some(s)).then_some(j)
                });
                below.into_iter().chain(above).collect()
            })
            .collect();
        Crosstalk { neighbours }
    }

    /// The phases the heaters feel: `realized[i]` plus c × the same-role
    /// realized phases of i's neighbours. `kinds[i]` gives each slot's role.
    pub fn apply(&self, c: f64, kinds: &[Kind], realized: &[[f64; 2]]) -> Vec<[f64; 2]> {
        let mut out = realized.to_vec();
        if c == 0.0 {
            return out;
        }
        for (i, nb) in self.neighbours.iter().enumerate() {
            for &j in nb {
                self.couple(kinds, i, j, |si, sj| out[i][si] += c * realized[j][sj]);
            }
        }
        out
    }

    /// The adjoint of [`Crosstalk::apply`]: gradients with respect to the
    /// felt phases → gradients with respect to the realized ones.
    pub fn backward(&self, c: f64, kinds: &[Kind], d_felt: &[[f64; 2]]) -> Vec<[f64; 2]> {
        let mut out = d_felt.to_vec();
        if c == 0.0 {
            return out;
        }
        for (i, nb) in self.neighbours.iter().enumerate() {
            for &j in nb {
                self.couple(kinds, i, j, |si, sj| out[j][sj] += c * d_felt[i][si]);
            }
        }
        out
    }

    /// Calls `f(slot of i, slot of j)` for every pair of slots of the same role.
    fn couple(&self, kinds: &[Kind], i: usize, j: usize, mut f: impl FnMut(usize, usize)) {
        let (ri, rj) = (kinds[i].heater_roles(), kinds[j].heater_roles());
        for (si, a) in ri.iter().enumerate() {
            for (sj, b) in rj.iter().enumerate() {
                if a.is_some() && a == b {
                    f(si, sj);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(kind: Kind, column: usize, mode: usize) -> Option<Placed> {
        Some(Placed { kind, column, mode })
    }

    #[test]
    fn neighbours_touch_in_the_same_column_and_roles_match() {
        // MZIs at modes 0 and 2 of column 0, one at mode 1 of column 1, a
        // phase screen in column 2.
        let placed = vec![
            at(Kind::MZI, 0, 0),
            at(Kind::MZI, 0, 2),
            at(Kind::MZI, 1, 1),
            at(Kind::PhaseShifter, 2, 0),
            at(Kind::PhaseShifter, 2, 1),
            at(Kind::PhaseShifter, 2, 2),
        ];
        let kinds: Vec<Kind> = placed.iter().map(|p| p.unwrap().kind).collect();
        let x = Crosstalk::new(&placed);
        let realized = [
            [1.0, 2.0],
            [0.5, 0.25],
            [3.0, 1.5],
            [0.1, 0.0],
            [0.2, 0.0],
            [0.4, 0.0],
        ];
        let felt = x.apply(0.1, &kinds, &realized);
        let close =
            |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).abs() < 1e-15 && (a[1] - b[1]).abs() < 1e-15;
        assert!(close(felt[0], [1.05, 2.025]));
        assert!(close(felt[1], [0.6, 0.45]));
        assert!(close(felt[2], [3.0, 1.5]));
        assert!((felt[4][0] - (0.2 + 0.1 * (0.1 + 0.4))).abs() < 1e-15);
        // The adjoint: <apply(x), y> = <x, backward(y)>.
        let y = [
            [0.3, -0.2],
            [0.7, 0.1],
            [-0.4, 0.9],
            [0.2, 0.0],
            [-0.5, 0.0],
            [0.6, 0.0],
        ];
        let dot = |a: &[[f64; 2]], b: &[[f64; 2]]| -> f64 {
            a.iter()
                .zip(b)
                .map(|(p, q)| p[0] * q[0] + p[1] * q[1])
                .sum()
        };
        let lhs = dot(&x.apply(0.1, &kinds, &realized), &y);
        let rhs = dot(&realized, &x.backward(0.1, &kinds, &y));
        assert!((lhs - rhs).abs() < 1e-12);
    }
}

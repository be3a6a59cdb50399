//! A factor `Realization` as netlist components, on consecutive rails of a
//! `NetlistBuilder`. The global gain is made explicit: amplifiers when it is
//! above 1 (reported), attenuators when below, so the netlist realizes the
//! target matrix itself and `optc simulate --matrix` reproduces it.

use crate::factor::{Realization, SegmentedRealization};
use optc_formats::builder::{BuildError, NetlistBuilder};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum EmitError {
    #[error("netlist construction failed: {0}")]
    Build(#[from] BuildError),
}

/// Emits `r` on rails `first..first + r.ports().modes` (for segmented
/// realizations, the padded input width). Returns the rails that carry the
/// realization's `rows` used outputs, in order.
pub fn emit_realization(
    b: &mut NetlistBuilder,
    r: &Realization,
    first: usize,
    prefix: &str,
) -> Vec<usize> {
    let outputs = emit_physical(b, r, first, prefix);
    apply_gain(b, &outputs, r.gain(), prefix);
    outputs
}

/// The passive circuit (W / gain); returns the used output rails.
fn emit_physical(
    b: &mut NetlistBuilder,
    r: &Realization,
    first: usize,
    prefix: &str,
) -> Vec<usize> {
    let ports = r.ports();
    match r {
        Realization::Unitary(mesh) => {
            b.add_mesh_cell(mesh, first, prefix);
        }
        Realization::Svd(s) => {
            b.add_mesh_cell(&s.v_dagger, first, &format!("{prefix}v_"));
            b.add_attenuators(first, &s.transmissions, &format!("{prefix}sigma_"));
            b.add_mesh_cell(&s.u, first, &format!("{prefix}u_"));
        }
        Realization::UnitaryDiag(s) => {
            b.add_attenuators(first, &s.transmissions, &format!("{prefix}d_"));
            b.add_mesh_cell(&s.mesh, first, prefix);
        }
        Realization::Segmented(s) => return emit_segmented(b, s, first, prefix),
    }
    (first..first + ports.rows).collect()
}

/// Input segment j fans out 1→p to the blocks (i, j); block rows fan in q→1.
fn emit_segmented(
    b: &mut NetlistBuilder,
    s: &SegmentedRealization,
    first: usize,
    prefix: &str,
) -> Vec<usize> {
    let (k, p, q) = (s.block_size, s.block_rows, s.block_cols);
    // copies[j·k + r][i]: the copy for block row i of input rail (segment j, row r).
    let copies: Vec<Vec<usize>> = (0..q * k)
        .map(|x| {
            if p == 1 {
                vec![first + x]
            } else {
                b.add_splitter(first + x, p, &format!("{prefix}fanout_m{x}"))
            }
        })
        .collect();
    // Bring block (i, j)'s k input copies side by side at rail first + (i·q + j)·k.
    let total = b.rails().len();
    let mut order: Vec<usize> = (0..first).collect();
    let mut used = vec![false; total];
    for u in used.iter_mut().take(first) {
        *u = true;
    }
    for i in 0..p {
        for segment in copies.chunks(k) {
            for rail_copies in segment {
                let rail = rail_copies[i];
                order.push(rail);
                used[rail] = true;
            }
        }
    }
    order.extend((0..total).filter(|&x| !used[x]));
    b.permute_rails(&order);
    for block in &s.blocks {
        let at = first + (block.row * q + block.col) * k;
        emit_physical(
            b,
            &block.realization,
            at,
            &format!("{prefix}b{}_{}_", block.row, block.col),
        );
    }
    let mut outputs = Vec::with_capacity(p * k);
    for i in 0..p {
        for r in 0..k {
            let rails: Vec<usize> = (0..q).map(|j| first + (i * q + j) * k + r).collect();
            if q > 1 {
                b.add_combiner(&rails, &format!("{prefix}fanin_r{i}_m{r}"));
            }
            outputs.push(rails[0]);
        }
    }
    outputs.truncate(s.ports.rows);
    outputs
}

fn apply_gain(b: &mut NetlistBuilder, rails: &[usize], gain: f64, prefix: &str) {
    const EXACT: f64 = 1e-15;
    if (gain - 1.0).abs() <= EXACT {
        return;
    }
    if gain > 1.0 {
        for (k, &rail) in rails.iter().enumerate() {
            b.add_amplifier(rail, gain * gain, &format!("{prefix}gain_o{k}"));
        }
    } else {
        let consecutive = rails.windows(2).all(|w| w[1] == w[0] + 1);
        if let (true, Some(&start)) = (consecutive, rails.first()) {
            b.add_attenuators(
                start,
                &vec![gain * gain; rails.len()],
                &format!("{prefix}gain_"),
            );
        } else {
            for (k, &rail) in rails.iter().enumerate() {
                b.add_attenuators(rail, &[gain * gain], &format!("{prefix}gain_o{k}_"));
            }
        }
    }
}

//! The projection of a setting to 4 … 1024 servers and 0.1 … 70 B
//! parameters, and where each scheme is the fastest. Compute is scaled with
//! the parameters at a fixed number of samples per server (training FLOPs
//! ∝ P, as 6·P per token is for decoders); everything else stays as set.

use super::schemes::{evaluate, Evaluation, Scheme};
use super::setting::{Setting, StepModelError};
use serde::Serialize;

/// Servers of the projection: the powers of two 4 … 1024.
pub const SERVERS: [usize; 9] = [4, 8, 16, 32, 64, 128, 256, 512, 1024];
/// Parameter counts of the projection's table.
pub const PARAMS: [f64; 8] = [0.1e9, 0.3e9, 1e9, 3e9, 7e9, 13e9, 30e9, 70e9];
/// The crossover scan: this many log-spaced points per decade of P.
const SCAN_PER_DECADE: usize = 100;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub servers: usize,
    pub params: f64,
    pub evaluation: Evaluation,
}

/// The base setting at N servers and P parameters.
pub fn at(base: &Setting, servers: usize, params: f64) -> Setting {
    let mut s = base.clone();
    s.network.servers = servers;
    s.workload.train_flops_per_sample *= params / base.workload.params;
    s.workload.params = params;
    s
}

/// The table: every (servers, params) of `SERVERS` × `PARAMS`.
pub fn table(base: &Setting) -> Result<Vec<Point>, StepModelError> {
    let mut points = Vec::with_capacity(SERVERS.len() * PARAMS.len());
    for &servers in &SERVERS {
        for &params in &PARAMS {
            points.push(Point {
                servers,
                params,
                evaluation: evaluate(&at(base, servers, params))?,
            });
        }
    }
    Ok(points)
}

/// The sets of schemes compared for the fastest: all four, the electronic
/// ones, and those that need no switch support (host-based).
pub const COMPARISONS: [(&str, &[Scheme]); 3] = [
    ("all", &Scheme::ALL),
    (
        "electronic",
        &[Scheme::Ring, Scheme::Tree, Scheme::InSwitch],
    ),
    ("host", &[Scheme::Ring, Scheme::Tree]),
];

/// One stretch of P over which one scheme is the fastest of a comparison,
/// at N servers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Winner {
    pub among: &'static str,
    pub servers: usize,
    pub scheme: Scheme,
    pub from_params: f64,
    pub to_params: f64,
}

/// The setting at N servers along P from the table's smallest to its
/// largest count, log-spaced (`SCAN_PER_DECADE` per decade).
pub fn curve(base: &Setting, servers: usize) -> Result<Vec<Point>, StepModelError> {
    let lo = PARAMS[0].log10();
    let hi = PARAMS[PARAMS.len() - 1].log10();
    let steps = ((hi - lo) * SCAN_PER_DECADE as f64).ceil() as usize;
    (0..=steps)
        .map(|k| {
            let params = 10f64.powf(lo + (hi - lo) * k as f64 / steps as f64);
            Ok(Point {
                servers,
                params,
                evaluation: evaluate(&at(base, servers, params))?,
            })
        })
        .collect()
}

/// Each comparison's and server count's stretches of one fastest scheme
/// along the curve; a boundary is the first scanned P at which the new
/// scheme is fastest.
pub fn winners(base: &Setting) -> Result<Vec<Winner>, StepModelError> {
    let mut out = Vec::new();
    for &servers in &SERVERS {
        let curve = curve(base, servers)?;
        for (among, schemes) in COMPARISONS {
            winners_along(&curve, among, schemes, &mut out);
        }
    }
    Ok(out)
}

fn winners_along(curve: &[Point], among: &'static str, schemes: &[Scheme], out: &mut Vec<Winner>) {
    let mut current: Option<Winner> = None;
    for p in curve {
        let scheme = p.evaluation.fastest_of(schemes);
        match &mut current {
            Some(w) if w.scheme == scheme => w.to_params = p.params,
            _ => {
                out.extend(current.take());
                current = Some(Winner {
                    among,
                    servers: p.servers,
                    scheme,
                    from_params: p.params,
                    to_params: p.params,
                });
            }
        }
    }
    out.extend(current);
}

/// The table as CSV: servers, params, then per scheme its step time and
/// normalized latency, then the fastest scheme.
pub fn table_csv(points: &[Point]) -> String {
    let mut s = String::from("servers,params");
    for scheme in Scheme::ALL {
        s += &format!(",{0}_step_s,{0}_normalized", scheme.name());
    }
    s += ",fastest\n";
    for p in points {
        s += &format!("{},{}", p.servers, p.params);
        for scheme in Scheme::ALL {
            let t = p.evaluation.get(scheme);
            s += &format!(",{:.6e},{:.4}", t.step_s, t.normalized_latency);
        }
        s += &format!(",{}\n", p.evaluation.fastest().name());
    }
    s
}

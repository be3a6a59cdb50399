//! The four reduction schemes' communication times and the step time
//! (spec/model.md gives every formula). Notation: N servers, P gradient
//! elements, g bits per element in the electronic schemes, B a server's
//! aggregate bandwidth, α one hop's latency, b code bits, K elements per
//! shared scale, t one optical pass, L the OptINC cascade's passes.

use super::setting::{Setting, StepModelError};
use optc_model::digit_serial::DigitSerial;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    Ring,
    Tree,
    InSwitch,
    Optinc,
}

impl Scheme {
    pub const ALL: [Scheme; 4] = [Scheme::Ring, Scheme::Tree, Scheme::InSwitch, Scheme::Optinc];

    pub fn name(self) -> &'static str {
        match self {
            Scheme::Ring => "ring",
            Scheme::Tree => "tree",
            Scheme::InSwitch => "in_switch",
            Scheme::Optinc => "optinc",
        }
    }
}

/// Ring all-reduce of `bits` bits per server: 2(N−1) steps of
/// α + bits/(N·B). The one ring formula (the training emulation's model
/// prices its rings with it too).
pub fn ring_s(servers: usize, alpha_s: f64, bits: f64, bps: f64) -> f64 {
    if servers <= 1 {
        return 0.0;
    }
    let n = servers as f64;
    2.0 * (n - 1.0) * (alpha_s + bits / (n * bps))
}

/// Link bits one b-bit code occupies: ⌈b/2⌉ PAM4 symbols of 2 bits (each
/// base-4 digit is a symbol of its own, so an odd b wastes half a symbol).
pub fn link_bits_per_code(bits: u32) -> f64 {
    f64::from(2 * bits.div_ceil(2))
}

/// OptINC: one pass for the T shared scales (2α + t + 32T/B), one for the
/// b-bit codes (2α + L·t + bP/B); the switch averages and broadcasts in
/// flight. `alpha_s` is the latency of one way through the fabric (D hops).
pub fn optinc_s(
    servers: usize,
    alpha_s: f64,
    pass_s: f64,
    passes: usize,
    scales: f64,
    code_bits: f64,
    bps: f64,
) -> f64 {
    if servers <= 1 {
        return 0.0;
    }
    let scale_pass = 2.0 * alpha_s + pass_s + 32.0 * scales / bps;
    let code_pass = 2.0 * alpha_s + passes as f64 * pass_s + code_bits / bps;
    scale_pass + code_pass
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemeTime {
    pub scheme: Scheme,
    pub compute_s: f64,
    pub comm_s: f64,
    pub step_s: f64,
    /// step_s / ring's step_s.
    pub normalized_latency: f64,
}

/// The OptINC cascade the model assumes for N servers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cascade {
    /// Servers per unit at each level, leaves first.
    pub fan_in: Vec<usize>,
    pub units: usize,
    /// Optical passes one element takes, leaf to root (L).
    pub passes: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub server_bps: f64,
    /// Switch tiers D each way (in_switch and optinc).
    pub switch_tiers: usize,
    pub scales: f64,
    /// None for one server (nothing to reduce).
    pub cascade: Option<Cascade>,
    pub schemes: Vec<SchemeTime>,
}

impl Evaluation {
    pub fn get(&self, scheme: Scheme) -> &SchemeTime {
        // `schemes` holds all four in `Scheme::ALL` order, the enum's order.
        &self.schemes[scheme as usize]
    }

    /// The scheme with the shortest step (the first of equals).
    pub fn fastest(&self) -> Scheme {
        self.fastest_of(&Scheme::ALL)
    }

    /// The fastest of `schemes` (the first of equals).
    pub fn fastest_of(&self, schemes: &[Scheme]) -> Scheme {
        let mut best = schemes[0];
        for &s in &schemes[1..] {
            if self.get(s).step_s < self.get(best).step_s {
                best = s;
            }
        }
        best
    }
}

/// Fan-ins of F-server units for N servers, leaves first: F at every level
/// while F divides what is left, then the remaining factor at the root
/// (N ≤ F: one N-server unit).
pub fn cascade_fan_in(servers: usize, unit: usize) -> Result<Vec<usize>, StepModelError> {
    if !servers.is_power_of_two() || servers < 2 {
        return Err(StepModelError::Cascade {
            servers,
            reason: "digit-serial units serve a power of two ≥ 2 of servers (--servers)".into(),
        });
    }
    let mut fan_in = Vec::new();
    let mut left = servers;
    while left >= unit {
        fan_in.push(unit);
        left /= unit;
    }
    if left > 1 {
        fan_in.push(left);
    }
    Ok(fan_in)
}

fn cascade(s: &Setting) -> Result<Option<Cascade>, StepModelError> {
    let n = s.network.servers;
    if n <= 1 {
        return Ok(None);
    }
    let fan_in = cascade_fan_in(n, s.optical.unit_servers)?;
    let ds =
        DigitSerial::cascade(s.optical.bits, &fan_in).map_err(|e| StepModelError::Cascade {
            servers: n,
            reason: format!("{e} (set by --servers and --unit-servers)"),
        })?;
    Ok(Some(Cascade {
        units: (0..ds.levels()).map(|l| ds.units(l)).sum(),
        passes: ds.latency_passes(),
        fan_in,
    }))
}

/// Every scheme's compute, communication and step time.
pub fn evaluate(s: &Setting) -> Result<Evaluation, StepModelError> {
    s.validate()?;
    let w = &s.workload;
    let net = &s.network;
    let n = net.servers;
    let bps = net.server_bps();
    let alpha = net.hop_latency_s;
    let grad_bits = f64::from(net.grad_bits) * w.params;
    let scales = (w.params / s.optical.bucket as f64).ceil();
    let cascade = cascade(s)?;
    // Switch tiers D between a server and the top of the fabric.
    let tiers = s.switch.tiers(n.max(2)) as f64;

    let compute = w.train_flops_per_sample * w.samples_per_server
        / (s.accelerator.peak_flops * s.accelerator.utilization);
    let hidden = s.overlap * compute * 2.0 / 3.0;
    let comm = |scheme: Scheme| -> f64 {
        if n <= 1 {
            return 0.0;
        }
        match scheme {
            Scheme::Ring => ring_s(n, alpha, grad_bits, bps),
            Scheme::Tree => {
                let depth = f64::from(n.next_power_of_two().trailing_zeros());
                2.0 * depth * alpha + 2.0 * grad_bits / bps
            }
            Scheme::InSwitch => {
                2.0 * tiers * alpha
                    + tiers * s.switch.latency_s
                    + grad_bits / bps.min(s.switch.port_bps)
            }
            Scheme::Optinc => optinc_s(
                n,
                tiers * alpha,
                s.optical.pass_latency_s,
                cascade.as_ref().map_or(0, |c| c.passes),
                scales,
                link_bits_per_code(s.optical.bits) * w.params,
                bps,
            ),
        }
    };
    let step = |c: f64| compute + (c - hidden).max(0.0);
    let ring_step = step(comm(Scheme::Ring));
    let schemes = Scheme::ALL
        .iter()
        .map(|&scheme| {
            let comm_s = comm(scheme);
            let step_s = step(comm_s);
            SchemeTime {
                scheme,
                compute_s: compute,
                comm_s,
                step_s,
                normalized_latency: if ring_step > 0.0 {
                    step_s / ring_step
                } else {
                    1.0
                },
            }
        })
        .collect();
    Ok(Evaluation {
        server_bps: bps,
        switch_tiers: tiers as usize,
        scales,
        cascade,
        schemes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::step_model::setting::{Accelerator, Network, OpticalUnit, Switch, Workload};

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1e-9), "{a} vs {b}");
    }

    /// Every scheme's compute, communication (ring, tree, in_switch,
    /// optinc), step and normalized latency against the hand values.
    fn check(e: &Evaluation, compute: f64, hidden: f64, comms: [f64; 4]) {
        let step = |comm: f64| compute + (comm - hidden).max(0.0);
        for (scheme, comm) in Scheme::ALL.into_iter().zip(comms) {
            let t = e.get(scheme);
            close(t.compute_s, compute);
            close(t.comm_s, comm);
            close(t.step_s, step(comm));
            close(t.normalized_latency, step(comm) / step(comms[0]));
        }
    }

    /// Setting A: 4 servers, one unit; worked by hand in spec/model.md.
    fn setting_a() -> Setting {
        Setting {
            workload: Workload {
                name: "a".into(),
                params: 1e6,
                train_flops_per_sample: 1e9,
                samples_per_server: 10.0,
            },
            accelerator: Accelerator {
                name: "x".into(),
                peak_flops: 1e12,
                utilization: 0.5,
            },
            network: Network {
                servers: 4,
                transceivers: 2,
                transceiver_bps: 100e9,
                hop_latency_s: 1e-6,
                grad_bits: 32,
            },
            switch: Switch {
                latency_s: 2e-6,
                port_bps: 100e9,
                radix: 64,
            },
            optical: OpticalUnit {
                bits: 8,
                bucket: 100,
                pass_latency_s: 1e-7,
                unit_servers: 4,
            },
            overlap: 0.0,
        }
    }

    #[test]
    fn setting_a_by_hand() -> Result<(), StepModelError> {
        let e = evaluate(&setting_a())?;
        let c = 0.02; // 1e9 · 10 / (1e12 · 0.5)
                      // B = 2e11; ring 6·(1e-6 + 32e6/(4·2e11)).
        let ring = 6.0 * (1e-6 + 4e-5);
        // 2·⌈log2 4⌉·α + 2·32e6/B.
        let tree = 4e-6 + 3.2e-4;
        // 2α + α_sw + 32e6 / min(B, 1e11).
        let in_switch = 4e-6 + 3.2e-4;
        // T = 1e4 scales; 8 bits = 4 digit stages, 4 passes.
        let optinc = (2e-6 + 1e-7 + 32e4 / 2e11) + (2e-6 + 4e-7 + 8e6 / 2e11);
        check(&e, c, 0.0, [ring, tree, in_switch, optinc]);
        let cascade = e
            .cascade
            .as_ref()
            .map(|c| (c.fan_in.clone(), c.units, c.passes));
        assert_eq!(cascade, Some((vec![4], 1, 4)));
        assert_eq!(e.fastest(), Scheme::Optinc);
        Ok(())
    }

    /// Setting B: 16 servers in a [4, 4] cascade, bf16 gradients, overlap.
    #[test]
    fn setting_b_by_hand() -> Result<(), StepModelError> {
        let mut s = setting_a();
        s.workload = Workload {
            name: "b".into(),
            params: 2e6,
            train_flops_per_sample: 3e8,
            samples_per_server: 4.0,
        };
        s.accelerator.utilization = 1.0;
        s.network = Network {
            servers: 16,
            transceivers: 1,
            transceiver_bps: 400e9,
            hop_latency_s: 2e-6,
            grad_bits: 16,
        };
        s.switch = Switch {
            latency_s: 1e-6,
            port_bps: 1e12,
            radix: 64,
        };
        s.optical.bucket = 1000;
        s.optical.pass_latency_s = 5e-8;
        s.overlap = 0.1;
        let e = evaluate(&s)?;
        let c = 1.2e-3;
        let hidden = 0.1 * c * 2.0 / 3.0; // 8e-5
        let ring = 30.0 * (2e-6 + 3.2e7 / (16.0 * 4e11));
        let tree = 8.0 * 2e-6 + 2.0 * 3.2e7 / 4e11;
        // The port (1e12) is faster than B.
        let in_switch = 4e-6 + 1e-6 + 3.2e7 / 4e11;
        // Leaves: 4 stages; the root resolves 5 digits of a leaf's sum: 9 passes.
        let optinc = (4e-6 + 5e-8 + 32.0 * 2000.0 / 4e11) + (4e-6 + 9.0 * 5e-8 + 1.6e7 / 4e11);
        check(&e, c, hidden, [ring, tree, in_switch, optinc]);
        // OptINC's 48.7 µs hides entirely behind 80 µs of backward pass.
        close(e.get(Scheme::Optinc).step_s, c);
        let cascade = e
            .cascade
            .as_ref()
            .map(|c| (c.fan_in.clone(), c.units, c.passes));
        assert_eq!(cascade, Some((vec![4, 4], 5, 9)));
        Ok(())
    }

    /// Setting A at 256 servers behind radix-16 switches: two tiers, so
    /// the switch-based schemes pay 4α per way and in_switch two
    /// aggregations.
    #[test]
    fn switch_tiers_by_hand() -> Result<(), StepModelError> {
        let mut s = setting_a();
        s.network.servers = 256;
        s.switch.radix = 16;
        assert_eq!(s.switch.tiers(256), 2);
        assert_eq!(s.switch.tiers(257), 3);
        assert_eq!(s.switch.tiers(16), 1);
        let e = evaluate(&s)?;
        let c = 0.02;
        let ring = 510.0 * (1e-6 + 32e6 / (256.0 * 2e11));
        let tree = 16.0 * 1e-6 + 3.2e-4;
        let in_switch = 4.0 * 1e-6 + 2.0 * 2e-6 + 3.2e-4;
        // Cascade [4, 4, 4, 4]: passes 4 + 5 + 6 + 7 = 22.
        let optinc = (4e-6 + 1e-7 + 32e4 / 2e11) + (4e-6 + 22.0 * 1e-7 + 8e6 / 2e11);
        check(&e, c, 0.0, [ring, tree, in_switch, optinc]);
        assert_eq!(e.cascade.as_ref().map(|c| c.passes), Some(22));
        Ok(())
    }

    #[test]
    fn one_server_and_bad_settings() {
        let mut s = setting_a();
        s.network.servers = 1;
        let e = evaluate(&s).expect("one server is a valid setting");
        assert!(e
            .schemes
            .iter()
            .all(|t| t.comm_s == 0.0 && t.normalized_latency == 1.0));
        assert!(e.cascade.is_none());
        s.network.servers = 12;
        assert!(matches!(
            evaluate(&s),
            Err(StepModelError::Cascade { servers: 12, .. })
        ));
        let mut s = setting_a();
        s.accelerator.utilization = 1.5;
        assert!(matches!(
            evaluate(&s),
            Err(StepModelError::Range {
                what: "--utilization",
                ..
            })
        ));
        let mut s = setting_a();
        s.optical.unit_servers = 6;
        assert!(evaluate(&s).is_err());
    }

    #[test]
    fn cascades_of_four() -> Result<(), StepModelError> {
        assert_eq!(cascade_fan_in(2, 4)?, vec![2]);
        assert_eq!(cascade_fan_in(4, 4)?, vec![4]);
        assert_eq!(cascade_fan_in(32, 4)?, vec![4, 4, 2]);
        assert_eq!(cascade_fan_in(1024, 4)?, vec![4; 5]);
        assert_eq!(cascade_fan_in(64, 64)?, vec![64]);
        assert_eq!(link_bits_per_code(8), 8.0);
        assert_eq!(link_bits_per_code(7), 8.0);
        // 2-server units reach 6 levels at most: 128 servers is too deep.
        let mut s = setting_a();
        s.optical.unit_servers = 2;
        s.network.servers = 128;
        let err = evaluate(&s).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains("--unit-servers"), "{err}");
        Ok(())
    }
}

//! The digit-serial reducer end to end on its netlist: every stage exact
//! over its whole input domain on the nominal chip, and the chain against
//! the contract on seeded vectors with every extreme and tie.

use crate::passes::emitted::resolve;
use crate::reducer::design::OnnOptions;
use crate::reducer::digit_serial::build;
use crate::reducer::train::TrainOptions;
use optc_model::device::DeviceParams;
use optc_model::digit_serial::DigitSerial;
use optc_sim::reducer::digit_serial::{stage_exact, DigitSerialChip};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn training(device: DeviceParams) -> TrainOptions {
    TrainOptions {
        steps: 60,
        lr: 0.001,
        seed: 42,
        noise_aware: false,
        device,
        ..TrainOptions::default()
    }
}

/// Random codes plus the extremes and the ties of the mean.
fn vectors(chain: DigitSerial, count: usize, seed: u64) -> Vec<i32> {
    let (n, q) = (chain.servers, chain.max_code());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut v: Vec<i32> = (0..count * n).map(|_| rng.gen_range(-q..=q)).collect();
    for fill in [-q, q, 0] {
        v.extend(std::iter::repeat_n(fill, n));
    }
    // Ties: S = N·k + N/2 for several k, one server carrying the remainder.
    for k in [-q + 1, -1, 0, 1, q - 1] {
        let mut row = vec![k; n];
        row[0] += (n / 2) as i32;
        if row[0] <= q {
            v.extend(row);
        }
    }
    v
}

#[test]
fn nominal_chain_is_exact_4x8b() {
    let chain = DigitSerial::new(4, 8).unwrap();
    let device = DeviceParams::REALISTIC;
    let (net, phases, _) = build(
        "ds",
        chain,
        &device,
        &OnnOptions::default(),
        &training(device),
    )
    .unwrap();
    assert_eq!(net.digit_serial.as_ref().unwrap().stages.len(), 4);
    let (circuit, settings) = resolve(&net, &phases).unwrap();
    let chip = DigitSerialChip::new(&net, &circuit, &settings, &device.nominal(), 0).unwrap();
    for (j, s) in chip.stages.iter().enumerate() {
        let (rate, exhaustive) = stage_exact(s, 100_000).unwrap();
        assert!(exhaustive);
        assert_eq!(rate, 1.0, "stage {j}");
    }
    let ex = chip.executor(1).unwrap();
    assert!(!ex.is_direct());
    let codes = vectors(chain, 20_000, 3);
    let mut out = vec![0; codes.len() / 4];
    ex.reduce(&codes, &mut out).unwrap();
    let c = chain.contract();
    for (row, &r) in codes.chunks_exact(4).zip(&out) {
        assert_eq!(r as i64, c.reference(row), "{row:?}");
    }
}

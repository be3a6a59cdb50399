//! The device-file loader on arbitrary text (`device_file::parse`, what
//! `--device FILE` runs).
//!
//! Checks: errors point at a line that exists; accepted parameters are in
//! the documented ranges (spec/device.md), and serialized back to YAML they
//! parse to the same parameters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use optc_formats::device_file;
use optc_fuzz::assert_located;

const FILE: &str = "fuzz.device.yaml";

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let p = match device_file::parse(FILE, text) {
        Ok(p) => p,
        Err(e) => return assert_located(&e, text),
    };
    let finite = [
        p.mzi_loss_db,
        p.coupler_error,
        p.phase_error_rad,
        p.crosstalk,
        p.detector_noise,
    ];
    assert!(finite.iter().all(|x| x.is_finite()), "{p:?}");
    assert!(p.mzi_loss_db >= 0.0 && p.phase_error_rad >= 0.0 && p.detector_noise >= 0.0);
    assert!((0.0..=0.5).contains(&p.coupler_error), "{p:?}");
    assert!((0.0..=1.0).contains(&p.crosstalk), "{p:?}");
    assert!(p.phase_bits.is_none_or(|b| (1..=32).contains(&b)), "{p:?}");

    let yaml = serde_yaml::to_string(&p).expect("device parameters serialize");
    let again = device_file::parse("again.device.yaml", &yaml)
        .unwrap_or_else(|e| panic!("serialized parameters do not parse: {e}\n{yaml}"));
    assert_eq!(again, p, "does not round-trip:\n{yaml}");
});

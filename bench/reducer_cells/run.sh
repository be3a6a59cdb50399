#!/usr/bin/env bash
# Exact-match of the reducers built of each MZI cell (`cell = mzi | mzi3 |
# mzi_crossing`) on the realistic device with its coupler error σ swept:
# the compile report's figures (20 device instances, seeds 1000–1019), as
# shipped (one phase file for every chip) and each chip calibrated; the
# shipped file trained DAC-only (`noise_aware = false`, the examples) and
# error-aware (`noise_aware = true`: a freshly sampled chip every step).
# Writes docs/reducer_cells.csv and prints a row per compile; spec/reducer.md,
# "Fault-tolerant cells in the reducer", tabulates them (about 8 min on 2
# cores).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
cargo build --release -q -p optc-cli
optc="$root/target/release/optc"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The built-in `realistic` profile (spec/device.md), coupler error aside.
device() {
  cat <<DEV
device sweep {
  mzi_loss = 0.1 dB; coupler_error = $1; phase_bits = 8
  phase_error = 0.01 rad; crosstalk = 0.02
  splitter_imbalance = 0.005; splitter_loss = 0.1 dB
  source_power_error = 0.005; source_phase_error = 0.01 rad
  eo_gain_error = 0.005; eo_bias_error = 0.01 rad
  detector_noise = 1e-3; detector_offset = 1e-4
  detector_responsivity_error = 0.005
  modulator_leakage = 0.01; modulator_vpi_error = 0.01
  modulator_drive_error = 0.002; modulator_power_error = 0.005
  modulator_phase_error = 0.01 rad
}
DEV
}

# field FILE SECTION KEY: a number of the report's `reducer:` section.
field() {
  awk -v s="  $2:" -v k="    $3:" '$0 == s {on = 1; next} on && index($0, k) == 1 {print $2; exit} on && !/^    / {on = 0}' "$1"
}

csv="$root/docs/reducer_cells.csv"
echo "reducer,cell,coupler_error,noise_aware,shipped_mean,shipped_worst,calibrated_mean,calibrated_worst,ideal" > "$csv.tmp"
printf '| reducer | σ | cell | noise_aware | shipped mean / worst | calibrated mean / worst |\n|---|---|---|---|---|---|\n'
for example in optinc_4x4b optinc_8x8b; do
  for sigma in 0.005 0.02 0.05; do
    for cell in mzi mzi3 mzi_crossing; do
      for aware in false true; do
        name="${example}_${cell}_${aware}"
        src="$work/$name.optc"
        { device "$sigma"
          sed -e "s/^reducer $example {/reducer $name {/" \
              -e "s/^  device = realistic$/  device = sweep\n  cell = $cell/" \
              -e "s/^    noise_aware = false$/    noise_aware = $aware/" \
              "examples/$example.optc"; } > "$src"
        grep -q "cell = $cell" "$src" && grep -q "noise_aware = $aware" "$src" ||
          { echo "$example: no device or noise_aware line to set" >&2; exit 1; }
        "$optc" compile "$src" -o "$work/out" > /dev/null
        report="$work/out/$name.report.yaml"
        ideal=$(awk '/^  exact_match_rate:/ {print $2; exit}' "$report")
        sm=$(field "$report" exact_match_rate_device mean)
        sw=$(field "$report" exact_match_rate_device worst)
        cm=$(field "$report" exact_match_rate_device_calibrated mean)
        cw=$(field "$report" exact_match_rate_device_calibrated worst)
        echo "$example,$cell,$sigma,$aware,$sm,$sw,$cm,$cw,$ideal" >> "$csv.tmp"
        awk -v e="$example" -v c="$cell" -v s="$sigma" -v a="$aware" -v sm="$sm" -v sw="$sw" -v cm="$cm" -v cw="$cw" \
          'BEGIN {printf "| %s | %s | %s | %s | %.2f / %.2f%% | %.3f / %.2f%% |\n", e, s, c, a, 100*sm, 100*sw, 100*cm, 100*cw}'
      done
    done
  done
done
mv "$csv.tmp" "$csv"

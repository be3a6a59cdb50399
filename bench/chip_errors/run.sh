#!/usr/bin/env bash
# The error figure of spec/chip.md: Clements meshes (N = 8, 16) on chips
# with coupler errors σ ∈ [0.001, 0.1], programmed with the ideal settings
# and error-aware (optc_sim::program_chip); median of 5 chips per point.
# Writes docs/chip_errors.csv and docs/chip_errors.svg (about 2 min).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
cargo run --release -q -p optc-cli --example chip_errors -- docs

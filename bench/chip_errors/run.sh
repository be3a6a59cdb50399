#!/usr/bin/env bash
# The error figure of spec/chip.md: Clements meshes (N = 16, 64) of the
# standard, 3-splitter and MZI+crossing cells on chips with coupler errors
# σ ∈ [0.001, 0.1] (independent, and correlated within a cell), programmed
# with the ideal settings, locally corrected and error-aware
# (optc_sim::program_chip); median of 5 chips per point.
# Writes docs/chip_errors.csv and docs/chip_errors.svg (about 3.5 min).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
cargo run --release -q -p optc-cli --example chip_errors -- docs

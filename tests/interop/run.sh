#!/usr/bin/env bash
# Interop check (spec/export.md): optc's SAX and gdsfactory exports of a
# 4-mode and an 8-mode Clements mesh, a 4x4 SVD network and meshes of the
# fault-tolerant cells, checked in a Python venv with pinned sax and
# gdsfactory from PyPI.
#
#   tests/interop/run.sh            # builds optc (cargo build --release -p optc-cli)
#   OPTC_BIN=target/debug/optc tests/interop/run.sh
#
# The venv (tests/interop/venv.sh) lives in ${OPTC_CACHE_DIR:-$HOME/.cache/optc}/
# interop-venv-<hash of requirements.txt> and is reused while that file is unchanged.
# Fails loudly: any error stops the script with a nonzero status.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
die() { echo "interop FAILED: $*" >&2; exit 1; }
start=$(date +%s)

venv="$("$here/venv.sh")" || die "the interop venv could not be made"

if [[ -n "${OPTC_BIN:-}" ]]; then
  optc="$OPTC_BIN"
else
  (cd "$root" && cargo build --release -p optc-cli --quiet) || die "cargo build --release -p optc-cli failed"
  optc="$root/target/release/optc"
fi
[[ -x "$optc" ]] || die "optc binary not found at $optc"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
# dft4: 4-mode Clements; haar8: 8-mode Clements; svd4: U·Σ·V† (two meshes + attenuators).
"$optc" compile examples/linear_inline.optc -o "$work" >/dev/null || die "optc compile dft4"
"$optc" compile examples/data/haar8.npy -o "$work" >/dev/null || die "optc compile haar8"
"$optc" compile "$here/svd4.optc" -o "$work" >/dev/null || die "optc compile svd4"
names=(dft4 haar8 svd4)
for n in "${names[@]}"; do
  "$optc" export "$work/$n.netlist.yaml" --to sax -o "$work/$n.sax.yaml" >/dev/null || die "optc export $n --to sax"
  "$optc" export "$work/$n.netlist.yaml" --to gdsfactory -o "$work/$n.gf.yaml" >/dev/null || die "optc export $n --to gdsfactory"
  "$optc" simulate "$work/$n.netlist.yaml" --matrix --format json -o "$work/$n.matrix.json" || die "optc simulate $n"
  # The flat form (cells expanded) must be the same circuit.
  "$optc" export "$work/$n.netlist.yaml" --to netlist -o "$work/$n.flat.netlist.yaml" >/dev/null || die "optc export $n --to netlist"
  "$optc" simulate "$work/$n.flat.netlist.yaml" --matrix --format json -o "$work/$n.flat.matrix.json" || die "optc simulate $n (flat)"
done

"$venv/bin/python" "$here/check.py" "$work" "${names[@]}" || die "check.py reported a mismatch (see above)"

# The fault-tolerant cells (spec/device.md), gdsfactory's as two generic-PDK
# cells each (spec/export.md).
"$optc" compile "$here/cells.optc" -o "$work" >/dev/null || die "optc compile cells.optc"
cell_names=(svd4_mzi3 dft4_crossing)
for n in "${cell_names[@]}"; do
  "$optc" export "$work/$n.netlist.yaml" --to sax -o "$work/$n.sax.yaml" >/dev/null || die "optc export $n --to sax"
  "$optc" export "$work/$n.netlist.yaml" --to gdsfactory -o "$work/$n.gf.yaml" >/dev/null || die "optc export $n --to gdsfactory"
  "$optc" simulate "$work/$n.netlist.yaml" --matrix --format json -o "$work/$n.matrix.json" || die "optc simulate $n"
  "$optc" export "$work/$n.netlist.yaml" --to netlist -o "$work/$n.flat.netlist.yaml" >/dev/null || die "optc export $n --to netlist"
  "$optc" simulate "$work/$n.flat.netlist.yaml" --matrix --format json -o "$work/$n.flat.matrix.json" || die "optc simulate $n (flat)"
done
"$venv/bin/python" "$here/check.py" "$work" "${cell_names[@]}" || die "check.py reported a mismatch for the cells (see above)"

# Routed layouts (spec/layout.md): Clements 8, 16, 64; Reck 8; SVD 4; the 4×4b reducer;
# the fault-tolerant cells' SVD 4 (mzi3) and Reck 4 (mzi_crossing).
"$venv/bin/python" -c 'import numpy as np; r = np.random.default_rng(16); z = (r.standard_normal((16, 16)) + 1j * r.standard_normal((16, 16))) / np.sqrt(2); q, t = np.linalg.qr(z); np.save("'"$work"'/haar16.npy", q * (np.diag(t) / abs(np.diag(t))))'
"$optc" compile "$work/haar16.npy" -o "$work" >/dev/null || die "optc compile haar16"
"$optc" compile examples/data/haar64.npy -o "$work" >/dev/null || die "optc compile haar64"
mkdir -p "$work/reck"
"$optc" compile examples/linear_npy.optc -o "$work/reck" >/dev/null || die "optc compile reck8"
mv "$work/reck/haar8.netlist.yaml" "$work/reck8.netlist.yaml"
mv "$work/reck/haar8.phases.yaml" "$work/reck8.phases.yaml"
"$optc" compile examples/optinc_4x4b.optc -o "$work" >/dev/null || die "optc compile optinc_4x4b"
layouts=(haar8 haar16 haar64 reck8 svd4 optinc_4x4b svd4_mzi3 dft4_crossing)
for n in "${layouts[@]}"; do
  "$optc" layout "$work/$n.netlist.yaml" -o "$work/$n.gds" --python "$venv/bin/python" | tail -1 || die "optc layout $n"
  [[ -s "$work/$n.gds" ]] || die "optc layout $n wrote no GDS"
  grep -E "build_seconds" "$work/$n.layout.yaml" | sed "s/^ */layout $n: /"
  [[ -f "$work/$n.flat.netlist.yaml" ]] || "$optc" export "$work/$n.netlist.yaml" --to netlist -o "$work/$n.flat.netlist.yaml" >/dev/null || die "optc export $n --to netlist"
done
"$venv/bin/python" "$here/check_layout.py" "$work" "${layouts[@]}" || die "check_layout.py: a layout does not match its netlist (see above)"
echo "interop: done in $(( $(date +%s) - start )) s"

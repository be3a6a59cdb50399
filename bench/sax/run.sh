#!/usr/bin/env bash
# SAX against `optc simulate --matrix` on the same Clements mesh of a Haar
# unitary, at 32 and 64 modes (issue 16): SAX's time is building the circuit
# from the exported netlist (`optc export --to sax`) and evaluating its
# S-matrix once (sax.circuit + the first call, JIT compile included, as a
# user pays it); optc's is the whole `optc simulate --matrix` process. Both
# in one run, with the ratio. Uses the interop check's pinned venv.
# Usage: bench/sax/run.sh [N ...]     (default 32 64)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
sizes=("$@")
if [ "$#" -eq 0 ]; then sizes=(32 64); fi
venv="$("$root/tests/interop/venv.sh")"
(cd "$root" && cargo build --quiet --release -p optc-cli --bin optc)
optc="$root/target/release/optc"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=../wall.sh
. "$here/../wall.sh"

"$venv/bin/python" "$root/bench/whole_process/haar.py" "$work" "${sizes[@]}"
printf "%6s %12s %12s %10s %12s\n" N sax_s optc_s ratio max_abs_diff
for n in "${sizes[@]}"; do
    "$optc" compile "$work/u$n.npy" -o "$work" > /dev/null
    "$optc" export "$work/u$n.netlist.yaml" --to sax -o "$work/u$n.sax.yaml" > /dev/null
    # optc: best of 10 whole processes (the first warms the page cache).
    best=$(best_wall 10 "$optc" simulate "$work/u$n.netlist.yaml" --matrix --format json -o "$work/u$n.matrix.json")
    read -r sax diff < <("$venv/bin/python" "$here/time_sax.py" "$work/u$n.sax.yaml" "$work/u$n.matrix.json")
    awk -v n="$n" -v s="$sax" -v o="$best" -v d="$diff" \
        'BEGIN { printf "%6d %12.3f %12.4f %9.0fx %12.1e\n", n, s, o, s / o, d }'
done

#!/usr/bin/env bash
# Compares optc's Clements decomposition with interferometer.square_decomposition
# (PyPI `interferometer`, O(N^4): a full matrix product per nulling step) on
# Haar-random unitaries at N = 64 and 128, and prints the speed ratio.
# Usage: bench/interferometer/run.sh [N ...]    (from anywhere in the repo)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/bench/.venv"
sizes=("${@:-64}")
if [ "$#" -eq 0 ]; then sizes=(64 128); fi

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet interferometer numpy
fi

echo "# interferometer $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("interferometer"))'), numpy $("$venv/bin/python" -c 'import numpy; print(numpy.__version__)')"
# One BLAS thread: on a shared 2-core machine threaded BLAS oversubscribes
# the cores and slows interferometer's small matrix products down.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
py_out="$("$venv/bin/python" "$here/compare.py" "${sizes[@]}")"
echo "$py_out"

(cd "$root" && cargo build --quiet --release -p optc --example factor_timing)
rs_out="$("$root/target/release/examples/factor_timing" "${sizes[@]}")"
echo "$rs_out"

echo "# ratio = interferometer time / optc Clements time"
for n in "${sizes[@]}"; do
    py=$(echo "$py_out" | awk -v n="$n" '$2 == n {print $4}')
    rs=$(echo "$rs_out" | awk -v n="$n" '$2 == n {print $4}')
    awk -v n="$n" -v py="$py" -v rs="$rs" 'BEGIN { printf "N %d interferometer %.3f s optc %.3e s ratio %.0fx\n", n, py, rs, py / rs }'
done

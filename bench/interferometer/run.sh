#!/usr/bin/env bash
# Compares optc's Clements decomposition with interferometer.square_decomposition
# (PyPI `interferometer`, O(N^4): a full matrix product per nulling step) on
# Haar-random unitaries at N = 64 and 128, and prints the speed ratios: of
# the decompositions alone, and of interferometer's decomposition against
# the whole `optc compile` process (read .npy, decompose, place, verify by
# simulation, write netlist, phases and report), with interferometer's BLAS
# pinned to one thread and with numpy's default threads.
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
py_threads="$(env -u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS -u MKL_NUM_THREADS \
    "$venv/bin/python" "$here/compare.py" "${sizes[@]}")"
echo "# numpy's default BLAS threads:"
echo "$py_threads"

(cd "$root" && cargo build --quiet --release -p optc --example factor_timing)
rs_out="$("$root/target/release/examples/factor_timing" "${sizes[@]}")"
echo "$rs_out"

(cd "$root" && cargo build --quiet --release -p optc-cli --bin optc)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" "$root/bench/whole_process/haar.py" "$work" "${sizes[@]}"
# shellcheck source=../wall.sh
. "$here/../wall.sh"
# Whole process, best of 10.
whole() {
    best_wall 10 "$root/target/release/optc" compile "$work/u$1.npy" -o "$work/o$1"
}

echo "# ratio = interferometer time / optc time"
for n in "${sizes[@]}"; do
    py=$(echo "$py_out" | awk -v n="$n" '$2 == n {print $4}')
    pt=$(echo "$py_threads" | awk -v n="$n" '$2 == n {print $4}')
    rs=$(echo "$rs_out" | awk -v n="$n" '$2 == n {print $4}')
    wp=$(whole "$n")
    awk -v n="$n" -v py="$py" -v pt="$pt" -v rs="$rs" -v wp="$wp" 'BEGIN {
        printf "N %d interferometer %.3f s (threaded BLAS %.3f s); optc decomposition %.3e s: %.0fx; whole optc compile %.4f s: %.0fx (threaded BLAS %.0fx)\n",
            n, py, pt, rs, py / rs, wp, py / wp, pt / wp }'
done

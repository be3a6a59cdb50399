#!/usr/bin/env bash
# Whole-process cost of `optc compile` (a Haar unitary → Clements mesh,
# netlist, phases, report, verification) and `optc simulate --matrix`
# (load, validate, plan, propagate, write .npy) at N = 64 … 1024, in one
# run, with the written bytes, the peak resident memory and the fitted
# exponent of each step's growth (issue 16's measurement).
# Usage: bench/whole_process/run.sh [N ...]     (default 64 128 256 512 1024)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/bench/.venv-numpy"
sizes=("$@")
if [ "$#" -eq 0 ]; then sizes=(64 128 256 512 1024); fi

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet numpy
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" "$here/haar.py" "$work" "${sizes[@]}"
(cd "$root" && cargo build --quiet --release -p optc-cli --bin optc)
optc="$root/target/release/optc"

# shellcheck source=../wall.sh
. "$here/../wall.sh"
# Best wall seconds of RUNS runs (5 below N = 512, else 2), and the peak
# RSS (MB) of one more run under /usr/bin/time (not timed: it adds a
# process of its own).
measure() {
    local runs=$1 t
    shift
    t=$(best_wall "$runs" "$@")
    /usr/bin/time -f "%M" -o "$work/time" "$@" > /dev/null 2> "$work/err" \
        || { cat "$work/err" >&2; exit 1; }
    awk -v t="$t" '{ printf "%.4f %.0f\n", t, $1 / 1024 }' "$work/time"
}

printf "%6s %12s %10s %12s %10s %14s\n" N compile_s peak_MB simulate_s peak_MB written_MB
rows=()
for n in "${sizes[@]}"; do
    runs=5
    if [ "$n" -ge 512 ]; then runs=2; fi
    read -r c cm < <(measure "$runs" "$optc" compile "$work/u$n.npy" -o "$work/o$n")
    read -r s sm < <(measure "$runs" "$optc" simulate "$work/o$n/u$n.netlist.yaml" --matrix --format npy)
    mb=$(du -cm "$work/o$n"/u"$n".{netlist,phases}.yaml | tail -1 | cut -f1)
    printf "%6d %12.4f %10d %12.4f %10d %14d\n" "$n" "$c" "$cm" "$s" "$sm" "$mb"
    rows+=("$n $c $s")
done
# Growth exponent between consecutive sizes, and 256 → 1024 if both ran.
printf '%s\n' "${rows[@]}" | awk '
    { n[NR] = $1; c[NR] = $2; s[NR] = $3; at[$1] = NR }
    END {
        for (i = 2; i <= NR; i++)
            printf "exponent %d -> %d: compile %.2f, simulate %.2f\n", n[i-1], n[i],
                log(c[i] / c[i-1]) / log(n[i] / n[i-1]), log(s[i] / s[i-1]) / log(n[i] / n[i-1])
        if ((256 in at) && (1024 in at))
            printf "exponent 256 -> 1024: compile %.2f, simulate %.2f\n",
                log(c[at[1024]] / c[at[256]]) / log(4), log(s[at[1024]] / s[at[256]]) / log(4)
    }'

#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ and runs each for SECONDS (default
# 10), after replaying the crash regressions in fuzz/regressions/TARGET/.
# Exits non-zero if any input crashes, and prints where that input is.
# See spec/fuzzing.md.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Environment: CARGO_TARGET_DIR (default fuzz/target), OPTC_FUZZ_SANITIZER=address
# (AddressSanitizer, through RUSTC_BOOTSTRAP=1 on the stable toolchain; slower),
# OPTC_FUZZ_ARGS (more libFuzzer flags, e.g. "-jobs=2 -workers=2"),
# OPTC_FUZZ_SEED (libFuzzer's -seed; default 1, so a CI-sized run from a
# fresh clone explores the same inputs every time: a new crash there comes
# from a code change, not from chance; long runs should vary it).
set -euo pipefail

secs=${1:-10}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
all=(dsl netlist phases device matrix_npy matrix_csv codes)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi

# Nothing to install but the crate's dependencies: libfuzzer-sys builds
# libFuzzer with the machine's C++ compiler, and the coverage flags below are
# those `cargo fuzz build --sanitizer none` passes, all stable rustc options.
triple=$(rustc -vV | sed -n 's/^host: //p')
target_dir=${CARGO_TARGET_DIR:-$here/target}
flags="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
flags+=" -Cllvm-args=-sanitizer-coverage-inline-8bit-counters"
flags+=" -Cllvm-args=-sanitizer-coverage-pc-table"
flags+=" -Cllvm-args=-sanitizer-coverage-trace-compares"
flags+=" -Cllvm-args=-sanitizer-coverage-stack-depth"
flags+=" -Cllvm-args=-simplifycfg-branch-fold-threshold=0"
flags+=" --cfg fuzzing -Ccodegen-units=1"
profile=release
if [ "${OPTC_FUZZ_SANITIZER:-none}" = address ]; then
    flags+=" -Zsanitizer=address"
    export RUSTC_BOOTSTRAP=1 ASAN_OPTIONS=${ASAN_OPTIONS:-detect_odr_violation=0}
fi
bins=()
for t in "${targets[@]}"; do bins+=(--bin "$t"); done
echo "fuzz: building ${targets[*]} ($triple)"
start=$SECONDS
# --target keeps the flags off build scripts and proc macros.
RUSTFLAGS="$flags ${RUSTFLAGS:-}" CARGO_TARGET_DIR=$target_dir \
    cargo build --manifest-path "$here/Cargo.toml" --release \
    --target "$triple" "${bins[@]}"
echo "fuzz: built in $((SECONDS - start)) s"
bin=$target_dir/$triple/$profile

# Seeds: the repository's own files of each format, copied afresh each run.
seed() { # seed TARGET FILE... (missing globs are skipped)
    local dir=$here/seeds/$1
    shift
    for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/"; done
    return 0
}
snap() { # snap TARGET SNAPSHOT...: an insta snapshot's body (after its header)
    local dir=$here/seeds/$1
    shift
    for f in "$@"; do
        [ -f "$f" ] && awk 'n >= 2 { print } /^---$/ && n < 2 { n++ }' "$f" >"$dir/$(basename "$f" .snap)"
    done
    return 0
}
rm -rf "$here/seeds"
for t in "${all[@]}"; do mkdir -p "$here/seeds/$t" "$here/corpus/$t" "$here/artifacts/$t" "$here/logs"; done
shopt -s nullglob
seed dsl "$root"/examples/*.optc "$root"/tests/bad/*.optc "$root"/tests/bad_design/*.optc
seed netlist "$root"/tests/netlists/*.netlist.yaml
snap netlist "$root"/tests/snapshots/compile_examples__*.netlist.snap
seed phases "$root"/tests/netlists/*.phases.yaml
snap phases "$root"/tests/snapshots/compile_examples__*.phases.snap
seed device "$root"/examples/data/*.yaml
seed matrix_npy "$root"/examples/data/*.npy
seed matrix_csv "$root"/examples/data/*.csv "$root"/tests/bad/data/*.csv
seed codes "$root"/examples/data/codes_*.csv

failed=()
summary=()
for t in "${targets[@]}"; do
    exe=$bin/$t
    log=$here/logs/$t.log
    regressions=("$here"/regressions/"$t"/*)
    if [ ${#regressions[@]} -gt 0 ]; then
        if ! "$exe" -timeout=10 -rss_limit_mb=2048 "${regressions[@]}" >"$log.regressions" 2>&1; then
            tail -n 30 "$log.regressions"
            bad=$(sed -n 's/^Running: //p' "$log.regressions" | tail -n 1)
            echo "fuzz: $t: regression input crashes again: $bad"
            failed+=("$t: $bad")
            continue
        fi
        echo "fuzz: $t: ${#regressions[@]} regression input(s) pass"
    fi
    # libFuzzer writes new inputs to the first folder (kept between runs)
    # and reads the seeds; a crashing input goes to artifacts/TARGET/.
    # shellcheck disable=SC2086
    if "$exe" "$here/corpus/$t" "$here/seeds/$t" \
        -max_total_time="$secs" -seed="${OPTC_FUZZ_SEED:-1}" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$here/artifacts/$t/" -print_final_stats=1 \
        ${OPTC_FUZZ_ARGS:-} >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
        summary+=("$(printf '%-11s %10s runs %8s/s  cov %s' "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}")")
    else
        tail -n 40 "$log"
        crash=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
        echo "fuzz: $t: CRASH, input: ${crash:-(see $log)}"
        failed+=("$t: ${crash:-$log}")
    fi
done

[ ${#summary[@]} -gt 0 ] && printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: ${#failed[@]} target(s) failed:"
    printf '  %s\n' "${failed[@]}"
    echo "fuzz: reproduce with: $bin/TARGET INPUT; keep a fixed input as fuzz/regressions/TARGET/NAME"
    echo "fuzz: $((${#targets[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
    exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${secs} s each, no crash"
echo "fuzz: ${#targets[@]} passed, 0 failed"

# Sourced by the bench scripts: the wall time of whole processes.
#
# best_wall RUNS CMD...  prints the shortest wall time of RUNS runs of CMD,
# in seconds. The clock is bash's $EPOCHREALTIME (microseconds), read
# without starting a process, so the figure is CMD's own fork, exec and
# run; `$(date …)` after a command adds a process start (1–3 ms here) to
# every measurement. CMD's stdout is discarded; on failure its stderr is
# shown and the script exits.
best_wall() {
    local runs=$1 best="" t0 t1 us err
    shift
    err="$(mktemp)"
    for ((i = 0; i < runs; i++)); do
        t0=$EPOCHREALTIME
        "$@" > /dev/null 2> "$err" || { cat "$err" >&2; rm -f "$err"; exit 1; }
        t1=$EPOCHREALTIME
        us=$(( ${t1//[.,]/} - ${t0//[.,]/} ))
        if [ -z "$best" ] || [ "$us" -lt "$best" ]; then best=$us; fi
    done
    rm -f "$err"
    awk -v us="$best" 'BEGIN { printf "%.6f\n", us / 1e6 }'
}

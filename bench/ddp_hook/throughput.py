"""Throughput of the DDP hook's reducer call (spec/python.md, "Throughput").

Times `Reducer.reduce_into` (zero-copy int8 codes, the hook's call) and the
older `Reducer.reduce` (int64 arrays copied through bytes) on the nominal
chips of the 8- and 4-bit examples, side by side in one run, and the hook's
host-side work around the call for one 25 MB DDP bucket (quantize, stack,
dequantize; torch on CPU). Prints a table; `--json FILE` also writes it.

    bash bench/ddp_hook/run.sh [--elements 16777216] [--repeats 5]
"""

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import torch

import optc

REPO = Path(__file__).resolve().parents[2]


def best_of(repeats, fn):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--elements", type=int, default=1 << 24)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rng = np.random.default_rng(2026)
    rows = []
    for example in ("optinc_4x8b", "optinc_8x8b", "optinc_4x16b", "optinc_4x4b"):
        circuit = optc.compile(REPO / "examples" / f"{example}.optc")
        red = circuit.reducer()
        n, q = red.servers, red.max_code
        dtype = np.int8 if red.bits <= 8 else np.int16
        codes = rng.integers(-q, q + 1, size=(args.elements, n)).astype(dtype)
        out = np.empty(args.elements, dtype=dtype)
        fast, fast_med = best_of(args.repeats, lambda: red.reduce_into(codes, out, count_mismatches=False))
        counted, _ = best_of(args.repeats, lambda: red.reduce_into(codes, out))
        small = codes[: args.elements // 8]
        old, _ = best_of(max(1, args.repeats // 2), lambda: red.reduce(small))
        rows.append(
            {
                "reducer": example,
                "elements": args.elements,
                "reduce_into_M_per_s": args.elements / fast / 1e6,
                "reduce_into_median_M_per_s": args.elements / fast_med / 1e6,
                "reduce_into_counting_M_per_s": args.elements / counted / 1e6,
                "reduce_int64_M_per_s": small.shape[0] / old / 1e6,
            }
        )
    # The hook's host work around the call for one 25 MB bucket on 4 ranks
    # (no process group: the all-reduce and all-gather are left out).
    elements = 25 * 1024 * 1024 // 4
    grad = torch.randn(elements)
    red = optc.compile(REPO / "examples" / "optinc_4x8b.optc").reducer()

    def hook_work():
        scale = grad.abs().max() / 127
        codes = torch.round(grad / scale).clamp_(-127, 127).to(torch.int8)
        matrix = torch.stack([codes] * 4, dim=1).contiguous()
        delivered = torch.empty(elements, dtype=torch.int8)
        red.reduce_into(matrix.numpy(), delivered.numpy())
        return delivered.to(torch.float32) * scale

    hook, _ = best_of(args.repeats, hook_work)
    print(f"{'reducer':<14} {'reduce_into':>12} {'(median)':>10} {'+count':>10} {'int64 reduce':>13}   M elements/s")
    for r in rows:
        print(
            f"{r['reducer']:<14} {r['reduce_into_M_per_s']:>12.1f} {r['reduce_into_median_M_per_s']:>10.1f} "
            f"{r['reduce_into_counting_M_per_s']:>10.1f} {r['reduce_int64_M_per_s']:>13.1f}"
        )
    print(
        f"hook host work, one 25 MB bucket ({elements} elements, 4 ranks, 8 bits): "
        f"{hook * 1e3:.1f} ms = {elements / hook / 1e6:.1f} M elements/s; torch threads {torch.get_num_threads()}"
    )
    if args.json:
        args.json.write_text(json.dumps({"reducers": rows, "hook_bucket_s": hook, "hook_elements": elements}, indent=2))


if __name__ == "__main__":
    main()

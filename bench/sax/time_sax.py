"""Times SAX building and evaluating an exported optc netlist once, and
checks its S-matrix against optc's. Prints `seconds max_abs_difference`.
The component models are the interop check's (tests/interop/check.py)."""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "interop"))

import numpy as np  # noqa: E402
import sax  # noqa: E402
import yaml  # noqa: E402
from check import MODELS  # noqa: E402  (also enables jax float64)


def main():
    netlist = yaml.safe_load(Path(sys.argv[1]).read_text())
    expected = json.loads(Path(sys.argv[2]).read_text())
    m = np.array(expected["re"]) + 1j * np.array(expected["im"])
    t0 = time.perf_counter()
    circuit, _ = sax.circuit(netlist=netlist, models=MODELS)
    s = circuit()
    entries = {
        (i, j): complex(s[(inp, out)])
        for i, out in enumerate(expected["rows"])
        for j, inp in enumerate(expected["columns"])
    }
    seconds = time.perf_counter() - t0
    diff = max(abs(v - m[i, j]) for (i, j), v in entries.items())
    print(f"{seconds:.6f} {diff:.3e}")


if __name__ == "__main__":
    main()

"""Times interferometer.square_decomposition (PyPI `interferometer`) on
seeded Haar unitaries and checks that it reconstructs them.
Usage: python compare.py N [N ...]; prints `N <n> interferometer <seconds>`."""
import sys
import time

import numpy as np
import interferometer as itf


def haar(n, seed):
    rng = np.random.default_rng(seed)
    z = (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    d = np.diag(r)
    return q * (d / np.abs(d))


for arg in sys.argv[1:]:
    n = int(arg)
    u = haar(n, n)
    start = time.perf_counter()
    result = itf.square_decomposition(u)
    elapsed = time.perf_counter() - start
    err = np.max(np.abs(result.calculate_transformation() - u))
    print(f"N {n} interferometer {elapsed:.6e} error {err:.2e}", flush=True)

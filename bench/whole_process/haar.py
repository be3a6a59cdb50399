"""Writes seeded Haar-random unitaries uN.npy (complex128) for the sizes given."""

import sys
from pathlib import Path

import numpy as np


def haar(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    z = (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))) / np.sqrt(2.0)
    q, r = np.linalg.qr(z)
    d = np.diag(r)
    return q * (d / np.abs(d))  # Mezzadri's phase fix: Haar-distributed


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for n in map(int, sys.argv[2:]):
        np.save(out / f"u{n}.npy", haar(n, 20261202 + n))

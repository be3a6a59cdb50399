#!/usr/bin/env bash
# Sourced by python/run_tests.sh and bench/ddp_hook/run.sh: the pinned
# virtual environment of the optc Python package, created once, and the
# extension built into it (maturin, release). Sets $venv, $here and $repo.
#
# The venv lives in ${OPTC_CACHE_DIR:-$HOME/.cache/optc}/python-venv-<hash>,
# the hash of requirements-test.txt and the Python version, so torch (a
# ~540 MB wheel plus ~3 GB of CUDA runtime libraries it links even on CPU)
# is downloaded once. The extension builds in its own cargo target dir
# ($OPTC_CACHE_DIR/python-target) so it does not fight the workspace build.
# Fails loudly: any failed step exits nonzero.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cache="${OPTC_CACHE_DIR:-$HOME/.cache/optc}"
python="${PYTHON:-python3}"

command -v "$python" >/dev/null || { echo "python/env.sh: $python not found" >&2; exit 1; }
pyver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
# The extension uses the stable ABI of 3.11 (the buffer protocol).
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "python/env.sh: $python is $pyver; the optc package needs Python >= 3.11" >&2; exit 1; }
hash="$( { cat "$here/requirements-test.txt"; echo "python $pyver"; } | sha256sum | cut -c1-16)"
venv="$cache/python-venv-$hash"

if [[ ! -f "$venv/.complete" ]]; then
    echo "python/env.sh: creating $venv (one-time: downloads torch)" >&2
    rm -rf "$venv"
    mkdir -p "$cache"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --no-deps -r "$here/requirements-test.txt"
    # Import check of the environment itself, before anything of ours.
    "$venv/bin/python" -c 'import torch, torch.distributed as d; assert d.is_gloo_available()'
    touch "$venv/.complete"
fi

(
    export CARGO_TARGET_DIR="${OPTC_PYTHON_TARGET_DIR:-$cache/python-target}"
    cd "$here"
    VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" \
        "$venv/bin/maturin" develop --release --quiet
)

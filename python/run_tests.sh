#!/usr/bin/env bash
# Tests of the optc Python package (python/tests): builds the extension with
# maturin into a cached virtual environment and runs pytest. Standalone:
#   bash python/run_tests.sh [extra pytest args]
#
# The venv lives in ${OPTC_CACHE_DIR:-$HOME/.cache/optc}/python-venv-<hash>,
# the hash of requirements-test.txt and the Python version, so torch (a
# ~540 MB wheel plus ~3 GB of CUDA runtime libraries it links even on CPU)
# is downloaded once. The extension builds in its own cargo target dir
# ($OPTC_CACHE_DIR/python-target) so it does not fight the workspace build.
# Fails loudly: any failed step exits nonzero; nothing is skipped.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cache="${OPTC_CACHE_DIR:-$HOME/.cache/optc}"
python="${PYTHON:-python3}"

command -v "$python" >/dev/null || { echo "run_tests.sh: $python not found" >&2; exit 1; }
pyver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
hash="$( { cat "$here/requirements-test.txt"; echo "python $pyver"; } | sha256sum | cut -c1-16)"
venv="$cache/python-venv-$hash"

if [[ ! -f "$venv/.complete" ]]; then
    echo "run_tests.sh: creating $venv (one-time: downloads torch)" >&2
    rm -rf "$venv"
    mkdir -p "$cache"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --no-deps -r "$here/requirements-test.txt"
    # Import check of the environment itself, before anything of ours.
    "$venv/bin/python" -c 'import torch, torch.distributed as d; assert d.is_gloo_available()'
    touch "$venv/.complete"
fi

# The `optc` binary, for the tests that compare the package with the CLI.
(cd "$repo" && cargo build --quiet -p optc-cli --bin optc)
export OPTC_BIN="$repo/target/debug/optc"

export CARGO_TARGET_DIR="${OPTC_PYTHON_TARGET_DIR:-$cache/python-target}"
(
    cd "$here"
    VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" \
        "$venv/bin/maturin" develop --release --quiet
)

cd "$here"
exec "$venv/bin/python" -m pytest tests -p no:cacheprovider -q "$@"

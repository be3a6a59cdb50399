#!/usr/bin/env bash
# Throughput of the DDP hook's reducer call (bench/ddp_hook/throughput.py)
# in the Python package's pinned venv (python/env.sh builds it once).
#   bash bench/ddp_hook/run.sh [--elements N] [--repeats R] [--json FILE]
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../../python" && pwd)/env.sh"
cd "$here"
exec "$venv/bin/python" "$repo/bench/ddp_hook/throughput.py" "$@"

#!/usr/bin/env bash
# Tests of the optc Python package (python/tests): the cached venv and the
# extension (python/env.sh), the `optc` binary, then pytest. Standalone:
#   bash python/run_tests.sh [extra pytest args]
# Fails loudly: any failed step exits nonzero; nothing is skipped.
set -euo pipefail

source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"

# The `optc` binary, for the tests that compare the package with the CLI.
(cd "$repo" && cargo build --quiet -p optc-cli --bin optc)
export OPTC_BIN="$repo/target/debug/optc"

cd "$here"
exec "$venv/bin/python" -m pytest tests -p no:cacheprovider -q "$@"

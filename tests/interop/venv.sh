#!/usr/bin/env bash
# Prints the path of the pinned sax/gdsfactory venv of tests/interop,
# creating it first if needed: ${OPTC_CACHE_DIR:-$HOME/.cache/optc}/
# interop-venv-<hash of requirements.txt and the Python minor version>,
# reused while both are unchanged. Shared by tests/interop/run.sh and
# bench/sax/run.sh. Progress goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
die() { echo "interop venv FAILED: $*" >&2; exit 1; }

command -v python3 >/dev/null || die "python3 is not installed"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "python3 >= 3.11 is required (gdsfactory 9), found $(python3 --version 2>&1)"

req="$here/requirements.txt"
hash="$( (cat "$req"; python3 -c 'import sys; print(sys.version_info[:2])') | sha256sum | cut -c1-16)"
cache="${OPTC_CACHE_DIR:-$HOME/.cache/optc}"
venv="$cache/interop-venv-$hash"
if [[ ! -f "$venv/.complete" ]]; then
  echo "interop: creating $venv (pip install -r tests/interop/requirements.txt)" >&2
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv" >&2 || die "cannot create a venv at $venv"
  "$venv/bin/pip" install --quiet -r "$req" >&2 || die "pip install of $req failed"
  touch "$venv/.complete"
else
  echo "interop: reusing $venv" >&2
fi
echo "$venv"

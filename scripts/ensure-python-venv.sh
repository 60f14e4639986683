#!/usr/bin/env bash
# A venv with the newest supported grpcio and protobuf 6.x, pytest and mypy
# (packages/python/requirements-newest.txt, every version pinned), on Debian's
# /usr/bin/python3. Cached under ${FALCO_SDK_CACHE:-$HOME/.cache/falco-sdk}, keyed by
# the requirements file's hash: a new pin makes a new venv; otherwise nothing is
# downloaded. Prints the venv's python.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=packages/python/requirements-newest.txt
cache="${FALCO_SDK_CACHE:-$HOME/.cache/falco-sdk}"
key=$(sha256sum "$requirements" | cut -c1-16)
venv="$cache/python-venv-$key"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  mkdir -p "$cache"
  echo "creating $venv from $requirements" >&2
  /usr/bin/python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input -r "$requirements" >&2
  touch "$venv/.complete"
fi
echo "$venv/bin/python"

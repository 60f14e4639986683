#!/usr/bin/env bash
# packages/python's checks beyond its pytest run on Debian's python3-grpcio 1.51 and
# python3-protobuf 4.21 (the oldest supported; scripts/setup.mjs runs that one first):
#   1. mypy --strict over src/falco_sdk                      (pinned, in the venv below)
#   2. the pytest suite on the newest grpcio and protobuf 6.x (requirements-newest.txt)
#   3. a wheel (pip wheel --no-deps): falco_sdk only, never a top-level `falco` package
#      (the name of the archived official client-py)
#   4. the README's "Install from a clone": `pip install ./packages/python` into a fresh venv
#      (beside Debian's grpcio), then falco_sdk imports from outside the clone
# The venv is cached (scripts/ensure-python-venv.sh); 3 and 4 work in a temporary dir.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo; echo "-- python: $*"; }
py=$(bash scripts/ensure-python-venv.sh)

step "mypy --strict ($("$py" -m mypy --version))"
(cd packages/python && "$py" -m mypy)

step "pytest on the newest stack ($("$py" -c 'import grpc, google.protobuf as p; print("grpcio", grpc.__version__, "protobuf", p.__version__)'))"
(cd packages/python && "$py" -m pytest -q -p no:cacheprovider)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
step "wheel"
"$py" -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w "$tmp/dist" ./packages/python
rm -rf packages/python/build packages/python/src/*.egg-info
"$py" - "$tmp"/dist/*.whl <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
top = sorted({name.split("/")[0] for name in names})
expected = ["falco_sdk"] + [t for t in top if t.endswith(".dist-info")]
if top != expected:
    sys.exit(f"the wheel must hold falco_sdk only, not {top}")
for needed in ("falco_sdk/py.typed", "falco_sdk/_gen/falco/outputs_pb2.pyi", "falco_sdk/aio.py"):
    if needed not in names:
        sys.exit(f"the wheel lacks {needed}")
if not any(".dist-info/" in name and name.endswith("/LICENSE") for name in names):
    sys.exit("the wheel lacks its LICENSE (packages/python/LICENSE, the root's Apache-2.0 text)")
print(f"{sys.argv[1].rsplit('/', 1)[-1]}: {len(names)} files, top level {top}")
PY

step "README: pip install ./packages/python (fresh venv beside Debian's python3-grpcio)"
/usr/bin/python3 -m venv --system-site-packages "$tmp/user"
"$tmp/user/bin/pip" install -q --disable-pip-version-check ./packages/python
rm -rf packages/python/build packages/python/src/*.egg-info
(cd "$tmp" && "$tmp/user/bin/python" - <<'PY'
import importlib.util, sys
import falco_sdk, falco_sdk.aio
from falco_sdk.proto import outputs_pb2, version_pb2
assert falco_sdk.__file__.startswith(sys.prefix), falco_sdk.__file__
assert importlib.util.find_spec("falco") is None, "a top-level falco package was installed"
print("import falco_sdk:", falco_sdk.__file__)
PY
)

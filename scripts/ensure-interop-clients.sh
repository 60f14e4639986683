#!/usr/bin/env bash
# Real gRPC clients of several generations for the interop tests of the SDK's gRPC servers
# (packages/relay/test/interop.spec.ts), cached outside the clone under
# $FALCO_SDK_CACHE/interop (default ~/.cache/falco-sdk/interop):
#   grpcio-<v>/     a venv of Debian's /usr/bin/python3 with grpcio from PyPI: 1.56 (the last
#                   that sends :authority "localhost" on unix://) and the newest (sends the
#                   percent-encoded socket path); Debian's own python3-grpcio 1.51 is the third
#   grpc-go-<v>/    packages/relay/test/interop/go-client built at grpc-go v1.56 (client-go,
#                   falco-exporter) and the newest (packages/go's go.mod)
#   tonic           examples/rust-consumer (tonic), built into $CARGO_TARGET_DIR
# Idempotent: rebuilds only what is missing or whose source changed. Prints a JSON manifest
# of the client programs on stdout (progress goes to stderr).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
cache="${FALCO_SDK_CACHE:-$HOME/.cache/falco-sdk}/interop"
GRPCIO_VERSIONS=(1.56.2 1.85.3)
GRPC_GO_VERSIONS=(v1.56.3 v1.85.0)
mkdir -p "$cache"

python_entries=()
for v in "${GRPCIO_VERSIONS[@]}"; do
  venv="$cache/grpcio-$v"
  if ! "$venv/bin/python" -c "import grpc, sys; sys.exit(grpc.__version__ != '$v')" 2>/dev/null; then
    echo "interop: creating $venv (grpcio==$v from PyPI)" >&2
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check --only-binary=:all: "grpcio==$v" >&2
  fi
  python_entries+=("\"grpcio $v\": \"$venv/bin/python\"")
done

go_entries=()
src="$repo/packages/relay/test/interop/go-client/main.go"
for v in "${GRPC_GO_VERSIONS[@]}"; do
  dir="$cache/grpc-go-$v"
  if [ ! -x "$dir/client" ] || ! cmp -s "$src" "$dir/main.go"; then
    echo "interop: building the grpc-go $v client in $dir" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$src" "$dir/main.go"
    (
      cd "$dir"
      export GOFLAGS=-mod=mod GOTOOLCHAIN=local
      go mod init falco-sdk-interop/grpc-go >/dev/null 2>&1
      go get "google.golang.org/grpc@$v" >&2
      go build -o client . >&2
    )
  fi
  go_entries+=("\"grpc-go $v\": \"$dir/client\"")
done

echo "interop: building examples/rust-consumer (tonic)" >&2
cargo build -q -p rust-consumer >&2
tonic="${CARGO_TARGET_DIR:-$repo/target}/debug/rust-consumer"

join() { local IFS=,; echo "$*"; }
echo "{\"python\": {$(join "${python_entries[@]}")}, \"go\": {$(join "${go_entries[@]}")}, \"tonic\": \"$tonic\"}"

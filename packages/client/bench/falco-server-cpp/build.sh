#!/usr/bin/env bash
# Builds the benchmark's C++ Falco-like server (server.cc) against Debian's gRPC C++,
# once per source: the binary goes to bench/.build/falco-server-<hash>/ (gitignored), keyed by
# the hash of this script, server.cc, slots.h, slots.cc and the .proto files, and is reused while they are unchanged.
# With FALCO_SDK_CACHE set (.ci/run sets it), it goes to $FALCO_SDK_CACHE/bench-build/ instead,
# so a fresh clone reuses it.
# Prints the binary's path on stdout; build messages go to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
proto_dir="$repo/proto"
hash="$(cat "$here/build.sh" "$here/server.cc" "$here/slots.h" "$here/slots.cc" "$proto_dir"/falco/*.proto | sha256sum | cut -c1-16)"
if [ -n "${FALCO_SDK_CACHE:-}" ]; then
  build_dir="$FALCO_SDK_CACHE/bench-build"
else
  build_dir="$(cd "$here/.." && pwd)/.build"
fi
out="$build_dir/falco-server-$hash"
bin="$out/falco-bench-server"
# Also when the binary is cached (a cache may outlive the machine): it needs gRPC C++'s libraries.
"$repo/scripts/ensure-bench-deps.sh" >&2
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$build_dir"
work="$(mktemp -d "$build_dir/tmp.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "Building the benchmark's C++ server (gRPC C++ $(pkg-config --modversion grpc++))..." >&2
protoc -I "$proto_dir" -I /usr/include --cpp_out="$work" --grpc_out="$work" \
  --plugin=protoc-gen-grpc="$(command -v grpc_cpp_plugin)" \
  falco/schema.proto falco/outputs.proto falco/version.proto
# shellcheck disable=SC2046
g++ -std=c++17 -O2 -DNDEBUG -I "$work" -o "$work/falco-bench-server" \
  -I "$here" "$here/server.cc" "$here/slots.cc" "$work"/falco/*.pb.cc \
  $(pkg-config --cflags --libs grpc++ protobuf) -lpthread
mkdir -p "$out"
mv "$work/falco-bench-server" "$bin.tmp"
mv "$bin.tmp" "$bin"
# Builds of older sources are not needed any more.
find "$build_dir" -mindepth 1 -maxdepth 1 -name 'falco-server-*' ! -name "falco-server-$hash" -exec rm -rf {} +
echo "$bin"

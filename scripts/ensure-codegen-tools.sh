#!/usr/bin/env bash
# The pinned code generators that `buf generate` (buf.gen.yaml) runs as local
# plugins, beside protoc-gen-es (npm) and protoc / grpc_python_plugin (Debian,
# scripts/ensure-system-deps.sh). Installs them into .tools/bin (gitignored):
#   protoc-gen-go, protoc-gen-go-grpc   go install, from the Go module proxy
#   protoc-gen-prost, protoc-gen-tonic  cargo install --locked, from crates.io
# and staticcheck, the Go linter npm test runs on packages/go/falco and
# examples/go-consumer (go install, from the Go module proxy).
# Each build is kept per version in $FALCO_SDK_CACHE (default ~/.cache/falco-sdk),
# so a fresh clone (CI) copies them instead of compiling again.
set -euo pipefail
cd "$(dirname "$0")/.."
PROTOC_GEN_GO=v1.36.12
PROTOC_GEN_GO_GRPC=v1.6.2
PROTOC_GEN_PROST=0.5.0
PROTOC_GEN_TONIC=0.5.0
STATICCHECK=v0.8.2

cache=${FALCO_SDK_CACHE:-$HOME/.cache/falco-sdk}/tools
bin=.tools/bin
mkdir -p "$bin" "$cache"

# Arguments: only these tools (npm test: `ensure-codegen-tools.sh staticcheck`); none: all.
only=" $* "
# install NAME VERSION COMMAND...: COMMAND installs NAME into $dest/bin.
install_tool() {
  local name=$1 version=$2; shift 2
  if [ "$only" != "  " ] && [[ "$only" != *" $name "* ]]; then return; fi
  local dest="$cache/$name-$version"
  if [ ! -x "$dest/bin/$name" ]; then
    echo "installing $name $version (once per machine, into $dest)" >&2
    rm -rf "$dest.tmp" && mkdir -p "$dest.tmp/bin"
    dest="$dest.tmp" "$@" >&2
    mv "$dest.tmp" "$cache/$name-$version"
    dest="$cache/$name-$version"
  fi
  if ! cmp -s "$dest/bin/$name" "$bin/$name"; then cp "$dest/bin/$name" "$bin/$name"; fi
}
need() { command -v "$1" >/dev/null || { echo "$1 is missing: $2" >&2; exit 1; }; }

go_tool() {
  need go "install Go (https://go.dev/doc/install); protoc-gen-go and protoc-gen-go-grpc are Go modules"
  GOBIN="$dest/bin" GOFLAGS=-mod=mod go install "$1"
}
cargo_tool() {
  need cargo "install Rust with rustup; protoc-gen-prost and protoc-gen-tonic are crates"
  CARGO_TARGET_DIR="$cache/cargo-target" cargo install --quiet --locked --root "$dest" "$1"
}
install_tool protoc-gen-go "$PROTOC_GEN_GO" go_tool "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO"
install_tool protoc-gen-go-grpc "$PROTOC_GEN_GO_GRPC" go_tool \
  "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC"
install_tool staticcheck "$STATICCHECK" go_tool "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK"
install_tool protoc-gen-prost "$PROTOC_GEN_PROST" cargo_tool "protoc-gen-prost@$PROTOC_GEN_PROST"
install_tool protoc-gen-tonic "$PROTOC_GEN_TONIC" cargo_tool "protoc-gen-tonic@$PROTOC_GEN_TONIC"

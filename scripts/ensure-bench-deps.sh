#!/usr/bin/env bash
# Debian packages the client benchmark needs (not the tests): a C++ compiler and
# gRPC C++ to build its Falco-like server (packages/client/bench/falco-server-cpp).
#   g++ pkg-config                      the compiler and the flags of the libraries
#   libgrpc++-dev libprotobuf-dev       gRPC C++ (the C core Falco's own server uses) and protobuf
#   protobuf-compiler protobuf-compiler-grpc   protoc and its C++ gRPC plugin (grpc_cpp_plugin)
# Installs what is missing when run as root; otherwise says what to install.
set -euo pipefail
missing=()
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
command -v grpc_cpp_plugin >/dev/null 2>&1 || missing+=(protobuf-compiler-grpc)
[ -f /usr/include/google/protobuf/timestamp.proto ] || missing+=(libprotobuf-dev)
[ -f /usr/include/grpcpp/grpcpp.h ] || missing+=(libgrpc++-dev)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "The benchmark needs these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages for the benchmark: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# System packages the tests need, from Debian:
#   protobuf-compiler  protoc, the independent encoder/decoder of the proto conformance tests
#   python3-grpcio python3-grpc-tools  the gRPC C-core interop server (same stack as Falco's C++ server)
#   protobuf-compiler-grpc  grpc_python_plugin, buf's Python gRPC generator (same 1.51 as python3-grpcio)
#   python3-venv       the venvs of scripts/ensure-interop-clients.sh (grpcio 1.56 and the newest from PyPI)
#   python3-pytest python3-pytest-timeout  the runner of packages/python's tests (on /usr/bin/python3,
#                      beside python3-grpcio); a hung test fails instead of blocking CI
#   curl               the HTTP sender of the http receiver tests (the libcurl Falco uses)
#   prometheus         the real Prometheus that scrapes @falco-sdk/prometheus in its tests
#   chromium           headless browser that renders the noise report's HTML chart (cli tests)
#   nats-server        NATS with JetStream (2.9), the broker of @falco-sdk/nats's tests and benchmark
# Installs what is missing when run as root; otherwise says what to install.
set -euo pipefail
missing=()
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
[ -f /usr/include/google/protobuf/timestamp.proto ] || missing+=(libprotobuf-dev)
/usr/bin/python3 -c 'import grpc' >/dev/null 2>&1 || missing+=(python3-grpcio)
/usr/bin/python3 -c 'import grpc_tools.protoc' >/dev/null 2>&1 || missing+=(python3-grpc-tools)
command -v grpc_python_plugin >/dev/null 2>&1 || missing+=(protobuf-compiler-grpc)
/usr/bin/python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
/usr/bin/python3 -c 'import pytest' >/dev/null 2>&1 || missing+=(python3-pytest)
/usr/bin/python3 -c 'import pytest_timeout' >/dev/null 2>&1 || missing+=(python3-pytest-timeout)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages for the tests: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null

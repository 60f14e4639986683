#!/usr/bin/env bash
# Encodes the *.txtpb vectors with protoc (Debian's protobuf-compiler), an
# implementation independent of protobuf-es, into the *.bin files the
# conformance tests decode. Run it after changing a vector; commit both.
#   bash packages/proto/vectors/make-vectors.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
command -v protoc >/dev/null || { echo "protoc missing: apt-get install -y protobuf-compiler" >&2; exit 1; }
inc=(-I "$root/proto" -I /usr/include)
encode() { # message proto name
  protoc "${inc[@]}" --encode="$1" "$2" < "$here/$3.txtpb" > "$here/$3.bin"
  echo "$3.bin: $(wc -c < "$here/$3.bin") bytes"
}
cd "$root/proto"
encode falco.outputs.response falco/outputs.proto response-full
encode falco.outputs.response falco/outputs.proto response-legacy
encode falco.outputs.response falco/outputs.proto response-zero
encode falco.version.response falco/version.proto version-full

#!/usr/bin/env bash
# Fails when the committed generated code of any language differs from what
# `buf generate` writes from proto/ (a hand edit, a stale stub, a stray or
# missing file).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/scripts/bin:$PATH" # pnpm with or without a global one
# Every `out:` of buf.gen.yaml: TypeScript, Python, Go, Rust.
gen=(packages/proto/src/gen packages/python/src/falco_sdk/_gen packages/go/falco/gen packages/rust/src/gen)
if [ -n "$(git status --porcelain -- "${gen[@]}")" ]; then
  echo "generated code has uncommitted changes; commit or discard them before checking drift:" >&2
  git status --porcelain -- "${gen[@]}" >&2
  exit 1
fi
bash scripts/ensure-codegen-tools.sh
pnpm exec buf generate
node scripts/python-stubs-imports.mjs # the Python stubs' imports, under falco_sdk._gen
if [ -n "$(git status --porcelain -- "${gen[@]}")" ]; then
  echo "DRIFT: generated code differs from what 'buf generate' writes from proto/:" >&2
  git status --porcelain -- "${gen[@]}" >&2
  git --no-pager diff -- "${gen[@]}" | head -n 40 >&2
  echo "Fix: run 'pnpm generate' and commit the result. Generated files are never edited by hand." >&2
  exit 1
fi
for dir in "${gen[@]}"; do echo "generated code matches proto/: $dir ($(git ls-files "$dir" | wc -l) files)"; done

#!/usr/bin/env bash
# Fails when the committed generated code differs from what `buf generate`
# writes from proto/ (a hand edit, a stale stub, a stray or missing file).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/scripts/bin:$PATH" # pnpm with or without a global one
gen=packages/proto/src/gen
if [ -n "$(git status --porcelain -- "$gen")" ]; then
  echo "$gen has uncommitted changes; commit or discard them before checking drift." >&2
  exit 1
fi
pnpm exec buf generate
if [ -n "$(git status --porcelain -- "$gen")" ]; then
  echo "DRIFT: $gen differs from what 'buf generate' writes from proto/:" >&2
  git status --porcelain -- "$gen" >&2
  git --no-pager diff -- "$gen" | head -n 40 >&2
  echo "Fix: run 'pnpm generate' and commit the result. Generated files are never edited by hand." >&2
  exit 1
fi
echo "generated code matches proto/ ($(git ls-files "$gen" | wc -l) files)"

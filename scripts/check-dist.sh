#!/usr/bin/env bash
# Rebuilds dist/ into a scratch copy and fails on any difference with the committed dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
before="$(mktemp -d)"
cp -r dist "$before/dist" 2>/dev/null || mkdir -p "$before/dist"
npm run --silent build
if ! diff -r "$before/dist" dist >/dev/null; then
  echo "dist/ does not match a fresh build of src/: run 'npm run build' and commit dist/" >&2
  diff -r "$before/dist" dist | head -20 >&2 || true
  rm -rf "$before"
  exit 1
fi
rm -rf "$before"
echo "dist/ matches a fresh build"

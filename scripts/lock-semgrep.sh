#!/usr/bin/env bash
# Regenerates src/tools/semgrep-requirements.txt: semgrep at the version of src/tools/versions.json
# and its whole dependency tree, resolved once for every platform and Python >= 3.10 (a universal
# resolution: markers instead of one machine's answers), with the SHA-256 of every published file
# of each pinned version, so `pip install --require-hashes` works on Linux and macOS, amd64 and arm64.
#
#   bash scripts/lock-semgrep.sh
#
# The resolver is uv, installed at a pinned version into a throwaway virtualenv.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ver="$(node -p 'require(process.argv[1]).semgrep.version' "$here/src/tools/versions.json")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check uv==0.13.8
printf 'semgrep==%s\n' "$ver" >"$tmp/semgrep.in"
"$tmp/venv/bin/uv" pip compile --quiet --universal --generate-hashes --python-version 3.10 \
  --custom-compile-command 'bash scripts/lock-semgrep.sh' \
  "$tmp/semgrep.in" -o "$here/src/tools/semgrep-requirements.txt"
# The input file's temporary path is not worth committing.
sed -i.bak "s#$tmp/semgrep.in#semgrep==$ver (src/tools/versions.json)#" "$here/src/tools/semgrep-requirements.txt"
rm -f "$here/src/tools/semgrep-requirements.txt.bak"

#!/usr/bin/env bash
# The pre-commit framework's entry for the chaingate hook (.pre-commit-hooks.yaml): the bundled
# CLI of this checkout, on the files pre-commit passes (the staged ones).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v node >/dev/null 2>&1 || { echo "chaingate pre-commit hook: Node.js 20+ must be on PATH" >&2; exit 2; }
exec node "$here/dist/cli.js" pre-commit -- "$@"

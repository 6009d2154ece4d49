#!/usr/bin/env bash
# The one test command (README "Quick start", and .ci/run): installs what is missing, checks
# types and lint, checks dist/ matches a fresh build, and runs every test with the real tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n=== %s\n' "$*"; }

step "node dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step "pinned tools"
bash scripts/install-tools.sh

step "typecheck"
npx tsc --noEmit -p .

step "lint"
npx eslint src __tests__ scripts bench

step "dist matches a fresh build"
bash scripts/check-dist.sh

step "actionlint"
"${CHAINGATE_TOOLS_DIR:-$HOME/.cache/chaingate/tools}/bin/actionlint" .github/workflows/*.yml

step "tests"
npx jest --ci --coverage "$@"

#!/usr/bin/env bash
# Quick start: gates the two example projects offline and prints their verdicts. The vulnerable
# twin must fail (exit 1) with findings of every kind, the clean twin must pass (exit 0).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/install-tools.sh semgrep trivy
[ -f dist/cli.js ] || npm run --silent build

demo="$PWD/chaingate-out/demo"
rm -rf "$demo"
mkdir -p "$demo/trivy-cache"
# Offline advisory data from the real advisories committed under __tests__/trivy-db/.
(cd tools/trivy-db-fixture && go build -o "$demo/trivy-db-fixture" .)
"$demo/trivy-db-fixture" -input __tests__/trivy-db/advisories.json -cache-dir "$demo/trivy-cache"
node scripts/osv-from-advisories.mjs "$demo/osv"

run() { # name expected-exit
  local code=0
  node dist/cli.js scan "examples/$1" --offline --osv-db "$demo/osv" --output-dir "chaingate-out/$1" || code=$?
  if [ "$code" != "$2" ]; then
    echo "demo: examples/$1 exited $code, expected $2" >&2
    exit 1
  fi
}
export CHAINGATE_TRIVY_CACHE_DIR="$demo/trivy-cache"
run vulnerable 1
run clean 0
echo
echo "demo: examples/vulnerable failed and examples/clean passed, as they should."
echo "Reports: chaingate-out/vulnerable/ and chaingate-out/clean/ (summary.md, chaingate-result.json, chaingate.sarif)"

#!/usr/bin/env bash
# Installs the pinned scanner/signing tools chaingate orchestrates, from package
# registries only (pip, the Go module proxy, Debian apt). Idempotent: a tool whose
# pinned version is already installed is skipped. Versions live in src/tools/versions.json.
#
#   scripts/install-tools.sh [tool ...]     (default: all)
#
# Tools go to $CHAINGATE_TOOLS_DIR (default ~/.cache/chaingate/tools)/bin.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
versions="$here/src/tools/versions.json"
tools_dir="${CHAINGATE_TOOLS_DIR:-$HOME/.cache/chaingate/tools}"
bin="$tools_dir/bin"
mkdir -p "$bin"

field() { node -e 'const v=require(process.argv[1]);process.stdout.write(String(v[process.argv[2]][process.argv[3]]))' "$versions" "$1" "$2"; }
log() { printf '[install-tools] %s\n' "$*" >&2; }

have_version() { # tool binary expected-version
  local out
  [ -x "$2" ] || return 1
  case "$1" in
    semgrep) out="$("$2" --version 2>/dev/null || true)" ;;
    trivy) out="$("$2" --version 2>/dev/null | head -1 || true)" ;;
    cosign) out="$("$2" version 2>/dev/null | grep -i gitversion || true)" ;;
    crane) out="$("$2" version 2>/dev/null || true)" ;;
    actionlint) out="$("$2" --version 2>/dev/null | head -1 || true)" ;;
    pip-audit|pnpm|yarn|yarn-berry) out="$("$2" --version 2>/dev/null || true)" ;;
  esac
  [[ "$out" == *"$3"* ]]
}

install_go() { # tool
  local mod ver
  mod="$(field "$1" module)"; ver="$(field "$1" version)"
  if have_version "$1" "$bin/$1" "$ver"; then log "$1 $ver already installed"; return; fi
  log "building $1 v$ver from the Go module proxy (this takes a few minutes the first time)"
  local ldflags=""
  case "$1" in
    trivy) ldflags="-X github.com/aquasecurity/trivy/pkg/version/app.ver=$ver" ;;
    cosign) ldflags="-X sigs.k8s.io/release-utils/version.gitVersion=v$ver" ;;
    crane) ldflags="-X github.com/google/go-containerregistry/cmd/crane/cmd.Version=v$ver" ;;
    actionlint) ldflags="-X github.com/rhysd/actionlint.version=v$ver" ;;
  esac
  local experiment=""
  # Trivy 0.74 builds against encoding/json/v2, still behind an experiment flag in Go 1.25/1.26.
  [ "$1" = trivy ] && experiment="jsonv2"
  GOEXPERIMENT="$experiment" GOBIN="$bin" GOFLAGS="-trimpath" go install -ldflags "$ldflags" "$mod@v$ver"
  if ! have_version "$1" "$bin/$1" "$ver"; then
    log "warning: $1 installed but does not report version $ver"
  fi
}

install_semgrep() {
  local ver; ver="$(field semgrep version)"
  if have_version semgrep "$bin/semgrep" "$ver"; then log "semgrep $ver already installed"; return; fi
  log "installing semgrep $ver into a virtualenv"
  python3 -m venv "$tools_dir/semgrep-venv"
  "$tools_dir/semgrep-venv/bin/pip" install --quiet --disable-pip-version-check "semgrep==$ver"
  ln -sf "$tools_dir/semgrep-venv/bin/semgrep" "$bin/semgrep"
}

install_pip_audit() {
  local ver; ver="$(field pip-audit version)"
  if have_version pip-audit "$bin/pip-audit" "$ver"; then log "pip-audit $ver already installed"; return; fi
  log "installing pip-audit $ver into a virtualenv"
  python3 -m venv "$tools_dir/pip-audit-venv"
  "$tools_dir/pip-audit-venv/bin/pip" install --quiet --disable-pip-version-check "pip-audit==$ver"
  ln -sf "$tools_dir/pip-audit-venv/bin/pip-audit" "$bin/pip-audit"
}

install_npm_tool() { # pnpm | yarn | yarn-berry
  local ver pkg entry; ver="$(field "$1" version)"; pkg="$(field "$1" package)"
  if have_version "$1" "$bin/$1" "$ver"; then log "$1 $ver already installed"; return; fi
  log "installing $1 $ver with npm"
  npm install --no-save --no-audit --no-fund --prefix "$tools_dir/$1-npm" "$pkg@$ver" >/dev/null
  case "$1" in
    yarn-berry) entry="$tools_dir/$1-npm/node_modules/@yarnpkg/cli-dist/bin/yarn.js" ;;
    *) entry="$tools_dir/$1-npm/node_modules/.bin/$1" ;;
  esac
  ln -sf "$entry" "$bin/$1"
}

install_registry() {
  if [ -x /usr/bin/docker-registry ]; then log "docker-registry already installed"; return; fi
  log "installing Debian's docker-registry"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends docker-registry >/dev/null
  # The package starts a system service with its own config; tests run their own instance.
  (systemctl stop docker-registry 2>/dev/null || service docker-registry stop 2>/dev/null || true) >/dev/null 2>&1
}

want=("$@")
[ ${#want[@]} -gt 0 ] || want=(semgrep trivy cosign crane actionlint docker-registry pip-audit pnpm yarn yarn-berry)
for t in "${want[@]}"; do
  case "$t" in
    semgrep) install_semgrep ;;
    trivy|cosign|crane|actionlint) install_go "$t" ;;
    # Not installed by default: bench/audit-osv.mjs compares the audit with it.
    osv-scanner) install_go "$t" ;;
    docker-registry) install_registry ;;
    pip-audit) install_pip_audit ;;
    pnpm|yarn|yarn-berry) install_npm_tool "$t" ;;
    *) log "unknown tool: $t"; exit 2 ;;
  esac
done
log "tools in $bin"

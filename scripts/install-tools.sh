#!/usr/bin/env bash
# Installs the pinned scanner/signing tools chaingate orchestrates. Idempotent: a tool whose
# pinned version is already installed is skipped. Versions live in src/tools/versions.json
# (CHAINGATE_VERSIONS_FILE overrides it, for tests).
#
#   scripts/install-tools.sh [tool ...]     (default: all)
#
# trivy, cosign, crane: the release asset of versions.json for this OS/arch, downloaded from the
# project's release URL or from CHAINGATE_TOOLS_MIRROR (same asset names), and checked against
# the SHA-256 in versions.json before anything is unpacked or run. A mismatch, a truncated body,
# an HTTP error or a redirect loop stops the install with nothing installed (exit 1).
# CHAINGATE_INSTALL_FROM picks the path:
#   release  the verified download only
#   source   go install from the Go module proxy (verified by the Go checksum database)
#   auto     (default) the download; the source build only when the release host (or the mirror)
#            cannot be reached at all, or versions.json has no published hash for this platform
# semgrep: pip install --require-hashes of src/tools/semgrep-requirements.txt (its whole tree,
# hash-locked; pip's own PIP_INDEX_URL / PIP_FIND_LINKS / PIP_NO_INDEX pick a mirror).
# Others come from registries (pip, npm, Debian apt) as before.
#
# Tools go to $CHAINGATE_TOOLS_DIR (default ~/.cache/chaingate/tools)/bin.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
versions="${CHAINGATE_VERSIONS_FILE:-$here/src/tools/versions.json}"
[[ "$versions" == /* ]] || versions="$PWD/$versions"
tools_dir="${CHAINGATE_TOOLS_DIR:-$HOME/.cache/chaingate/tools}"
bin="$tools_dir/bin"
install_from="${CHAINGATE_INSTALL_FROM:-auto}"
mirror="${CHAINGATE_TOOLS_MIRROR:-}"
mkdir -p "$bin"

log() { printf '[install-tools] %s\n' "$*" >&2; }
die() { printf '[install-tools] error: %s\n' "$*" >&2; exit 1; }
# A failed install removes the tool's entry in bin: whatever was there is not the pinned version,
# and the gate must find the tool missing rather than run it.
fail_install() { rm -f "$bin/$1"; die "$1: $2; nothing installed"; }
# Replaces bin/NAME in one rename, so a run using the old one never sees it missing.
link_into_bin() { ln -sfn "$1" "$bin/.$2.new" && mv -f "$bin/.$2.new" "$bin/$2"; }

case "$install_from" in release|source|auto) ;; *) log "CHAINGATE_INSTALL_FROM must be release, source or auto, got '$install_from'"; exit 2 ;; esac
[ -f "$versions" ] || { log "versions file $versions not found"; exit 2; }

field() { node -e 'const v=require(process.argv[1]);process.stdout.write(String(v[process.argv[2]][process.argv[3]]))' "$versions" "$1" "$2"; }

platform() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os="$(uname -s)" ;; esac
  case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
  printf '%s-%s' "$os" "$arch"
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

have_version() { # tool binary expected-version
  local out
  [ -x "$2" ] || return 1
  case "$1" in
    trivy) out="$("$2" --version 2>/dev/null | head -1 || true)" ;;
    cosign) out="$("$2" version 2>/dev/null | grep -i gitversion || true)" ;;
    crane) out="$("$2" version 2>/dev/null || true)" ;;
    actionlint) out="$("$2" --version 2>/dev/null | head -1 || true)" ;;
    osv-scanner) out="$("$2" --version 2>/dev/null | head -1 || true)" ;;
    pip-audit|zizmor|pre-commit|pnpm|yarn|yarn-berry) out="$("$2" --version 2>/dev/null || true)" ;;
    observatory) out="$(cat "$tools_dir/observatory-npm/version" 2>/dev/null || true)" ;;
  esac
  [[ "$out" == *"$3"* ]]
}

build_go() { # tool
  local mod ver
  mod="$(field "$1" module)"; ver="$(field "$1" version)"
  command -v go >/dev/null 2>&1 || die "$1: building from source needs Go on PATH"
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

# The release asset of versions.json for this platform, one field a line: version, asset,
# sha256, member (the file inside the archive, empty for a bare binary), url. Exit 3 when this
# platform has no asset or no published hash.
release_spec() { # tool platform
  node - "$versions" "$1" "$2" "$mirror" <<'JS'
const [file, tool, plat, mirror] = process.argv.slice(2);
const t = require(file)[tool];
const a = t && t.release && t.release.assets && t.release.assets[plat];
if (!a || typeof a.sha256 !== 'string') { process.stderr.write(`${tool} ${t ? t.version : ''}: versions.json has no published SHA-256 for ${plat}${a && a.note ? ` (${a.note})` : ''}\n`); process.exit(3); }
if (!/^[0-9a-f]{64}$/.test(a.sha256) || !/^[A-Za-z0-9._-]+$/.test(a.asset) || !/^[0-9A-Za-z.+-]+$/.test(t.version)) {
  process.stderr.write(`${tool}: malformed release entry for ${plat} in ${file}\n`); process.exit(2);
}
const fill = (s) => s.replace(/\{version\}/g, t.version).replace(/\{asset\}/g, a.asset).replace(/\{tool\}/g, tool);
const url = mirror ? (mirror.includes('{asset}') ? fill(mirror) : `${mirror.replace(/\/+$/, '')}/${a.asset}`) : fill(t.release.url);
process.stdout.write([t.version, a.asset, a.sha256, t.release.binary || '', url].join('\n') + '\n');
JS
}

# Downloads url to file. Exit 0 on success, 10 when the host cannot be reached at all (no
# connection: name resolution, connect refused or timed out), 1 for any other failure.
fetch() { # url file
  local err rc=0
  err="$(curl --fail --silent --show-error --location --max-redirs 10 --connect-timeout 20 \
    --proto '=https,http' --proto-redir '=https,http' -o "$2" "$1" 2>&1)" || rc=$?
  [ "$rc" = 0 ] && return 0
  log "download of $1 failed: ${err:-curl exit $rc}"
  case "$rc" in
    5|6|7) return 10 ;;
    28) [[ "$err" == *"onnect"*"timed out"* || "$err" == *"esolving timed out"* ]] && return 10 || return 1 ;;
    *) return 1 ;;
  esac
}

install_release() { # tool
  local tool="$1" plat spec rc=0 ver asset want member url tmp got
  plat="$(platform)"
  spec="$(release_spec "$tool" "$plat")" || rc=$?
  if [ "$rc" = 3 ]; then
    [ "$install_from" = auto ] || fail_install "$tool" "no verified download for $plat; use CHAINGATE_INSTALL_FROM=source"
    log "$tool: no published hash for $plat, so no download: building from source"
    build_go "$tool"; return
  fi
  [ "$rc" = 0 ] || exit 2
  { read -r ver; read -r asset; read -r want; read -r member; read -r url; } <<<"$spec"
  tmp="$(mktemp -d "$tools_dir/.download-$tool.XXXXXX")"
  log "downloading $tool $ver: $url"
  rc=0; fetch "$url" "$tmp/$asset" || rc=$?
  if [ "$rc" = 10 ] && [ "$install_from" = auto ]; then
    rm -rf "$tmp"
    log "$tool: the release host cannot be reached at all, so building from source instead"
    build_go "$tool"; return
  fi
  [ "$rc" = 0 ] || { rm -rf "$tmp"; fail_install "$tool" "$asset could not be downloaded"; }
  got="$(sha256_of "$tmp/$asset")"
  if [ "$got" != "$want" ]; then
    rm -rf "$tmp"
    fail_install "$tool" "SHA-256 mismatch for $asset from $url: expected $want, actual $got"
  fi
  if [ -n "$member" ]; then
    tar -xzf "$tmp/$asset" -C "$tmp" "$member" || { rm -rf "$tmp"; fail_install "$tool" "$asset has no $member"; }
    mv "$tmp/$member" "$tmp/$tool.new"
  else
    mv "$tmp/$asset" "$tmp/$tool.new"
  fi
  chmod 0755 "$tmp/$tool.new"
  mv -f "$tmp/$tool.new" "$bin/$tool"
  rm -rf "$tmp"
  log "$tool $ver installed from $asset (sha256 $want)"
}

install_go_tool() { # tool
  local ver; ver="$(field "$1" version)"
  if have_version "$1" "$bin/$1" "$ver"; then log "$1 $ver already installed"; return; fi
  if [ "$install_from" = source ] || [ "$(field "$1" release)" = undefined ]; then build_go "$1"; else install_release "$1"; fi
}

install_semgrep() {
  local ver req lock_sha venv no_wheel
  ver="$(field semgrep version)"
  req="$(field semgrep requirements)"
  [[ "$req" == /* ]] || req="$here/$req"
  [ -f "$req" ] || fail_install semgrep "hash-locked requirements $req not found"
  # One venv per lock: "installed" is a link to the venv of this very lock (starting semgrep to
  # ask its version takes seconds), and a new install never touches a venv in use.
  lock_sha="$(sha256_of "$req")"
  venv="$tools_dir/semgrep-$ver-${lock_sha:0:12}"
  if [ "$(readlink "$bin/semgrep" 2>/dev/null)" = "$venv/bin/semgrep" ] && [ -f "$venv/.chaingate-complete" ]; then
    log "semgrep $ver already installed"; return
  fi
  grep -q "^semgrep==$ver " "$req" || fail_install semgrep "$req does not pin semgrep==$ver; run scripts/lock-semgrep.sh"
  no_wheel="$(node -e 'const s=require(process.argv[1]).semgrep;process.stdout.write((s["no-wheel"]||{})[process.argv[2]]||"")' "$versions" "$(platform)")"
  [ -z "$no_wheel" ] || fail_install semgrep "not installable on $(platform): $no_wheel"
  log "installing semgrep $ver into a virtualenv (pip --require-hashes, wheels only)"
  # The host's pip installs into a venv without its own pip (pip >= 22.3 has --python): seeding
  # pip into the venv costs more than the rest of the venv.
  local pip=(python3 -m pip --python "$venv/bin/python")
  rm -rf "$venv"
  python3 -m venv --without-pip "$venv"
  if ! "${pip[@]}" --version >/dev/null 2>&1; then
    "$venv/bin/python" -m ensurepip --default-pip >/dev/null
    pip=("$venv/bin/python" -m pip)
  fi
  # Wheels only: an sdist would run its build code before any check of what it installs.
  # No bytecode up front: Python compiles the modules semgrep imports on first use.
  if ! "${pip[@]}" install --quiet --disable-pip-version-check --no-compile --require-hashes --only-binary=:all: -r "$req"; then
    rm -rf "$venv"
    fail_install semgrep "pip install --require-hashes of $req failed"
  fi
  touch "$venv/.chaingate-complete"
  link_into_bin "$venv/bin/semgrep" semgrep
  # Venvs of earlier locks (not the one before versioned venvs, semgrep-venv, still in use on
  # machines that share a tools folder).
  for old in "$tools_dir"/semgrep-[0-9]*; do [ "$old" = "$venv" ] || rm -rf "$old"; done
}

install_pip_tool() { # pip-audit | zizmor | pre-commit
  local ver pkg; ver="$(field "$1" version)"; pkg="$(field "$1" package)"
  if have_version "$1" "$bin/$1" "$ver"; then log "$1 $ver already installed"; return; fi
  log "installing $1 $ver into a virtualenv"
  python3 -m venv "$tools_dir/$1-venv"
  "$tools_dir/$1-venv/bin/pip" install --quiet --disable-pip-version-check "$pkg==$ver"
  ln -sf "$tools_dir/$1-venv/bin/$1" "$bin/$1"
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

# The MDN HTTP Observatory, only for bench/headers-observatory.mjs (not installed by default).
# Its postinstall downloads Chromium's HSTS preload list and IANA's TLD list from the internet;
# scripts are skipped here and the two lists start empty: the preload list only adds a bonus for
# preloaded domains (test servers are never preloaded) and the TLD list is read by its web API only.
# Its own wrapper replaces NODE_EXTRA_CA_CERTS with a bundled CA set, so ours runs src/scan.js
# directly and a test CA can be trusted through NODE_EXTRA_CA_CERTS.
install_observatory() {
  local ver pkg root; ver="$(field observatory version)"; pkg="$(field observatory package)"
  if have_version observatory "$bin/observatory" "$ver"; then log "observatory $ver already installed"; return; fi
  log "installing the MDN HTTP Observatory $ver with npm (scripts skipped)"
  rm -rf "$tools_dir/observatory-npm"
  npm install --no-save --no-audit --no-fund --ignore-scripts --prefix "$tools_dir/observatory-npm" "$pkg@$ver" >/dev/null
  root="$tools_dir/observatory-npm/node_modules/$pkg"
  [ -f "$root/src/scan.js" ] || die "observatory: $root/src/scan.js missing after install"
  echo '{}' > "$root/conf/hsts-preload.json"
  echo '[]' > "$root/conf/tld-list.json"
  printf '#!/bin/sh\nexec node "%s/src/scan.js" "$@"\n' "$root" > "$bin/observatory"
  chmod +x "$bin/observatory"
  echo "$ver" > "$tools_dir/observatory-npm/version"
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
[ ${#want[@]} -gt 0 ] || want=(semgrep trivy cosign crane actionlint docker-registry pip-audit zizmor pre-commit pnpm yarn yarn-berry)
for t in "${want[@]}"; do
  case "$t" in
    semgrep) install_semgrep ;;
    trivy|cosign|crane|actionlint) install_go_tool "$t" ;;
    # Not installed by default: bench/audit-osv.mjs compares the audit with it.
    osv-scanner) install_go_tool "$t" ;;
    docker-registry) install_registry ;;
    pip-audit|zizmor|pre-commit) install_pip_tool "$t" ;;
    pnpm|yarn|yarn-berry) install_npm_tool "$t" ;;
    observatory) install_observatory ;;
    *) log "unknown tool: $t"; exit 2 ;;
  esac
done
log "tools in $bin"

#!/usr/bin/env bash
# Idempotent install of what the end-to-end tests need, OUTSIDE the repo:
# Debian packages (Chromium, a toolchain for code-server's native modules, ripgrep) and code-server from npm.
# Each step is skipped when already done, so CI and repeated local runs pay the cost once.
#   E2E_HOME   where code-server lives (default ${TMPDIR:-/tmp}/eql-e2e)
#   CS_VERSION code-server version (4.100.3 = VS Code 1.100.3, the engines.vscode floor of the extension)
set -euo pipefail
E2E_HOME="${E2E_HOME:-${TMPDIR:-/tmp}/eql-e2e}"
CS_VERSION="${CS_VERSION:-4.100.3}"
CS_DIR="$E2E_HOME/cs-$CS_VERSION"
T0=$(date +%s)
say() { echo "[e2e-setup $(( $(date +%s) - T0 ))s] $*"; }

missing=()
for p in chromium build-essential python3 libkrb5-dev ripgrep curl ca-certificates fonts-dejavu-core; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  # Other jobs on the machine may use apt too: serialize on a shared lock.
  flock /tmp/apt.lock $SUDO apt-get update -qq
  flock /tmp/apt.lock $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
say "apt packages present"

if [ ! -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  mkdir -p "$CS_DIR/.pack"
  cd "$CS_DIR"
  [ -f package.json ] || echo '{"name":"eql-e2e-code-server","private":true}' > package.json
  tgz="$CS_DIR/.pack/code-server-$CS_VERSION.tgz"
  [ -f "$tgz" ] || (cd .pack && npm pack --silent "code-server@$CS_VERSION" >/dev/null)
  # @vscode/ripgrep's postinstall downloads rg from GitHub (no route here): seed its cache with Debian's rg.
  rg_pkg=$(tar xzf "$tgz" -O package/lib/vscode/npm-shrinkwrap.json \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).packages["node_modules/@vscode/ripgrep"].version))')
  (cd .pack && [ -f "vscode-ripgrep-$rg_pkg.tgz" ] || npm pack --silent "@vscode/ripgrep@$rg_pkg" >/dev/null)
  rg_asset=$(tar xzf ".pack/vscode-ripgrep-$rg_pkg.tgz" -O package/lib/postinstall.js | sed -n "s/^const VERSION = '\(.*\)';/\1/p")
  cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$rg_pkg"
  mkdir -p "$cache"
  tmp=$(mktemp -d); cp "$(command -v rg)" "$tmp/rg"
  tar czf "$cache/ripgrep-$rg_asset-x86_64-unknown-linux-musl.tar.gz" -C "$tmp" rg; rm -rf "$tmp"
  say "seeded ripgrep cache $cache ($rg_asset)"
  # unsafe_perm: postinstall refuses to run as root otherwise; yes: node-pty's `npx node-gyp` would wait for a prompt.
  say "npm: installing code-server@$CS_VERSION (native modules build from source, a few minutes)"
  npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund "$tgz" > "$CS_DIR/install.log" 2>&1 \
    || { tail -40 "$CS_DIR/install.log"; exit 1; }
fi
"$CS_DIR/node_modules/.bin/code-server" --config /dev/null --version | head -1
say "code-server ready in $CS_DIR"

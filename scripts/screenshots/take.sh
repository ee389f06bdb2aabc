#!/usr/bin/env bash
# npm run screenshots — the README's feature pictures (docs/images/*.png), taken in the real VS Code
# workbench (code-server) with Chromium, over a temporary copy of test-fixtures/ (the repo is never
# written, except docs/images). Its own code-server on its own port, fresh profile, dark theme,
# stopped by a trap whatever happens.
#   SHOTS_PORT  port for this code-server (default 8831; refuses a port that is already served)
#   SHOTS_KEEP  keep the temporary run folder (logs) when set
#   SHOTS_ONLY  comma-separated image names to take (default: all)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
E2E_HOME="${E2E_HOME:-${TMPDIR:-/tmp}/eql-e2e}"
CS_BIN="${CS_BIN:-$E2E_HOME/cs-${CS_VERSION:-4.100.3}/node_modules/.bin/code-server}"
PORT="${SHOTS_PORT:-8831}"
cd "$ROOT"
T0=$(date +%s)
say() { echo "[screenshots $(( $(date +%s) - T0 ))s] $*"; }

# A server already answering on the port would put the pictures on someone else's workbench.
if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then echo "port $PORT is already served: set SHOTS_PORT" >&2; exit 1; fi
[ -x "$CS_BIN" ] || E2E_HOME="$E2E_HOME" bash scripts/e2e/setup.sh

mkdir -p "$E2E_HOME"
RUN="$(mktemp -d "$E2E_HOME/shots-XXXXXX")"
stop() {
  bash "$ROOT/scripts/e2e/stop-code-server.sh" "$RUN"
  [ -n "${SHOTS_KEEP:-}" ] && echo "run folder kept: $RUN" || rm -rf "$RUN"
}
trap stop EXIT

# The package step of `npm run package`, but the .vsix goes to our run folder (the e2e tests
# package to the repo root at the same time).
node scripts/build.mjs --production > "$RUN/build.log" 2>&1 || { cat "$RUN/build.log" >&2; exit 1; }
npx --no-install vsce package --no-dependencies -o "$RUN/eql-rule-studio.vsix" > "$RUN/package.log" 2>&1 \
  || { cat "$RUN/package.log" >&2; exit 1; }
say "packaged $RUN/eql-rule-studio.vsix"

export SHOTS_WORKSPACE="$RUN/workspace"
cp -r test-fixtures "$SHOTS_WORKSPACE"

# Settings for the pictures (start-code-server.sh keeps them): larger text, no sticky scroll or git.
mkdir -p "$RUN/user-data/User"
cat > "$RUN/user-data/User/settings.json" <<'JSON'
{
  "workbench.colorTheme": "Default Dark Modern",
  "telemetry.telemetryLevel": "off",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "window.commandCenter": false,
  "chat.commandCenter.enabled": false,
  "editor.minimap.enabled": false,
  "editor.fontSize": 14,
  "editor.lightbulb.enabled": "on",
  "editor.stickyScroll.enabled": false,
  "editor.hover.above": false,
  "editor.suggestFontSize": 13,
  "breadcrumbs.enabled": false,
  "files.autoSave": "off",
  "git.enabled": false,
  "scm.diffDecorations": "none"
}
JSON
bash scripts/e2e/start-code-server.sh "$RUN" "$PORT" "$RUN/eql-rule-studio.vsix"
say "code-server up on port $PORT"

export SHOTS_BASE_URL="http://127.0.0.1:$PORT" SHOTS_RUN="$RUN" SHOTS_OUT="${SHOTS_OUT:-$ROOT/docs/images}"
rc=0
node --import tsx scripts/screenshots/take.ts || rc=$?
[ $rc -eq 0 ] || { echo "--- code-server log (tail)"; tail -30 "$RUN/code-server.log"; }
say "done (exit $rc)"
exit $rc

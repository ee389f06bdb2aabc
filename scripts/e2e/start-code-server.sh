#!/usr/bin/env bash
# Starts code-server on 127.0.0.1 with a fresh profile and the given .vsix installed.
# Usage: start-code-server.sh <run-dir> <port> <vsix>   → writes <run-dir>/code-server.pid, waits for /healthz.
set -euo pipefail
RUN="$1"; PORT="$2"; VSIX="$3"
E2E_HOME="${E2E_HOME:-${TMPDIR:-/tmp}/eql-e2e}"
CS_BIN="${CS_BIN:-$E2E_HOME/cs-${CS_VERSION:-4.100.3}/node_modules/.bin/code-server}"
# A server already answering on the port would make the tests silently run against it.
if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then echo "port $PORT is already served" >&2; exit 1; fi
mkdir -p "$RUN/user-data/User" "$RUN/extensions"
# Our own config file, so nothing is written to ~/.config/code-server.
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$RUN/config.yaml"
# A caller may have written its own settings first (the screenshots do).
[ -f "$RUN/user-data/User/settings.json" ] || cat > "$RUN/user-data/User/settings.json" <<'JSON'
{
  "telemetry.telemetryLevel": "off",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "workbench.colorTheme": "Default Dark Modern",
  "window.commandCenter": false,
  "chat.commandCenter.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "editor.minimap.enabled": false,
  "files.autoSave": "off"
}
JSON
COMMON=(--config "$RUN/config.yaml" --user-data-dir "$RUN/user-data" --extensions-dir "$RUN/extensions")
"$CS_BIN" "${COMMON[@]}" --install-extension "$VSIX" --force > "$RUN/install.log" 2>&1 || { cat "$RUN/install.log" >&2; exit 1; }
# EXTENSIONS_GALLERY='{}' keeps the workbench off any marketplace.
EXTENSIONS_GALLERY='{}' "$CS_BIN" "${COMMON[@]}" --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --ignore-last-opened > "$RUN/code-server.log" 2>&1 &
echo $! > "$RUN/code-server.pid"
for _ in $(seq 1 120); do
  kill -0 "$(cat "$RUN/code-server.pid")" 2>/dev/null || { echo "code-server exited:" >&2; cat "$RUN/code-server.log" >&2; exit 1; }
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && exit 0
  sleep 0.5
done
echo "code-server did not answer on port $PORT within 60 s" >&2; exit 1

#!/usr/bin/env bash
# npm run test:e2e — the extension in the real VS Code workbench (code-server), driven by
# playwright-core with Debian's Chromium. Installs what is missing (setup.sh), packages the .vsix,
# runs the tests against a temporary copy of test-fixtures/, and always stops the server.
# With arguments, runs only those test/e2e/*.e2e.ts scripts (e.g. `npm run test:e2e -- test/e2e/largeDocument.e2e.ts`).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export E2E_HOME="${E2E_HOME:-${TMPDIR:-/tmp}/eql-e2e}"
cd "$ROOT"
T0=$(date +%s)
say() { echo "[e2e $(( $(date +%s) - T0 ))s] $*"; }

bash scripts/e2e/setup.sh
npm run --silent package > /dev/null
say "packaged eql-rule-studio.vsix"

mkdir -p "$E2E_HOME"
RUN="$(mktemp -d "$E2E_HOME/run-XXXXXX")"
export E2E_RUN="$RUN"
export E2E_WORKSPACE="$RUN/workspace"
cp -r test-fixtures "$E2E_WORKSPACE"
node --import tsx test/e2e/prepareWorkspace.ts "$E2E_WORKSPACE"

PORT="${E2E_PORT:-}"
if [ -z "$PORT" ]; then
  for p in $(seq 8765 8799); do curl -fsS "http://127.0.0.1:$p/healthz" >/dev/null 2>&1 || { PORT=$p; break; }; done
fi
export E2E_BASE_URL="http://127.0.0.1:$PORT"
trap 'bash "$ROOT/scripts/e2e/stop-code-server.sh" "$RUN"; [ -n "${E2E_KEEP:-}" ] || rm -rf "$RUN"' EXIT
bash scripts/e2e/start-code-server.sh "$RUN" "$PORT" "$ROOT/eql-rule-studio.vsix"
say "code-server up on $E2E_BASE_URL"

export E2E_RESULTS="${E2E_RESULTS:-$ROOT/test-results/e2e}"
mkdir -p "$E2E_RESULTS"
rc=0
set +o pipefail   # the status we want is each test script's, read from PIPESTATUS
# The editor tests first (their smoke test says whether the language server runs at all), then any
# other test/e2e/*.e2e.ts in name order, then the test/vscode suite inside the extension host.
if [ $# -gt 0 ]; then
  scripts=("$@")
else
  scripts=(test/e2e/editor.e2e.ts)
  for f in test/e2e/*.e2e.ts; do [ "$f" = test/e2e/editor.e2e.ts ] || scripts+=("$f"); done
  scripts+=(test/e2e/extensionHost.ts)
fi
outs=()
for f in "${scripts[@]}"; do
  say "$f"
  out="$RUN/$(basename "$f").out"; outs+=("$out")
  node --import tsx "$f" 2>&1 | tee "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
done
set -o pipefail
passed=$(grep -hE '^[0-9]+ passed, [0-9]+ failed' "${outs[@]}" | awk '{p+=$1} END {print p+0}')
failed=$(grep -hE '^[0-9]+ passed, [0-9]+ failed' "${outs[@]}" | awk '{f+=$3} END {print f+0}')
[ "$rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
[ $rc -eq 0 ] || { echo "--- code-server log (tail)"; tail -30 "$RUN/code-server.log"; }
say "screenshots in $E2E_RESULTS"
echo "$passed passed, $failed failed"
exit $rc

#!/usr/bin/env bash
# Stops the code-server started by start-code-server.sh: its recorded PID and that process's
# children (code-server runs a wrapper, a server and extension hosts).
RUN="$1"
[ -f "$RUN/code-server.pid" ] || exit 0
pid=$(cat "$RUN/code-server.pid")
tree() { local p="$1"; echo "$p"; for c in $(pgrep -P "$p" || true); do tree "$c"; done; }
pids=$(tree "$pid")
kill $pids 2>/dev/null || true
for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
kill -9 $pids 2>/dev/null || true
rm -f "$RUN/code-server.pid"

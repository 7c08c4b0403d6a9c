#!/usr/bin/env bash
# Check that the real Adobe `aio` CLI's runtime commands work against the local platform:
#   aio rt namespace list, aio rt action list, aio rt action get --url,
#   aio rt action invoke, aio rt activation list / get / logs
#
# The CLI (about 600 MB) is installed on first use into a cache outside node_modules, so the
# project's `npm install` stays small:  AIO_CLI_CACHE (default ~/.cache/platform-aio-cli).
#
# Usage: scripts/check-aio-cli.sh [project-dir]   (default: test/fixtures/basic-app)
set -euo pipefail
. "$(dirname "$0")/lib/start-platform.sh"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PROJECT_DIR="${1:-$ROOT/test/fixtures/basic-app}"
CACHE="${AIO_CLI_CACHE:-$HOME/.cache/platform-aio-cli}"
AIO="$CACHE/node_modules/.bin/aio"

if [ ! -x "$AIO" ]; then
  echo "installing @adobe/aio-cli into $CACHE (once; about 600 MB)..."
  mkdir -p "$CACHE"
  npm install --prefix "$CACHE" --no-save --no-audit --no-fund @adobe/aio-cli@latest >/dev/null
fi
echo "aio CLI: $("$AIO" --version 2>/dev/null | head -1)"

WORK="$(mktemp -d)"
cleanup() {
  if [ -n "${PID:-}" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

start_platform "$ROOT" "$PROJECT_DIR" "$WORK" 300 || exit 1
echo "platform: $URL namespace $NS"

# the aio CLI reads these; an empty config dir keeps the user's own aio config out of the way
export AIO_RUNTIME_APIHOST="$URL" AIO_RUNTIME_AUTH="$AUTH" AIO_RUNTIME_NAMESPACE="$NS"
export XDG_CONFIG_HOME="$WORK/config" HOME="$WORK/home" AIO_TELEMETRY_DISABLED=true
mkdir -p "$HOME" "$XDG_CONFIG_HOME"

FIRST_ACTION="$(cd "$ROOT" && node -e '
  const { loadAppConfig } = require("./platform/core/app-config");
  const a = loadAppConfig(process.argv[1]).actions;
  process.stdout.write((a.find((x) => !x.web) || a[0] || { fullName: "" }).fullName);
' -r tsx/cjs "$PROJECT_DIR")"

fail=0
run() {
  echo
  echo "\$ aio $*"
  if ! "$AIO" "$@"; then echo "!!! FAILED: aio $*"; fail=1; fi
}
run rt namespace list
run rt action list
[ -n "$FIRST_ACTION" ] && run rt action get "$FIRST_ACTION" --url
[ -n "$FIRST_ACTION" ] && run rt action invoke "$FIRST_ACTION" --blocking --result
run rt activation list
ACT="$(curl -sS -u "$AUTH" "$URL/api/v1/namespaces/_/activations?limit=1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const a=JSON.parse(s);process.stdout.write(a[0]?a[0].activationId:"")})')"
[ -n "$ACT" ] && run rt activation get "$ACT"
[ -n "$ACT" ] && run rt activation logs "$ACT"

echo
if [ "$fail" = 0 ]; then echo "aio rt commands: all OK"; else echo "aio rt commands: FAILURES above"; exit 1; fi

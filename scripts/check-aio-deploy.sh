#!/usr/bin/env bash
# npm run check:aio
#
# Drives Adobe's real aio CLI against the local platform, the way an App Builder developer
# does, for two apps: a one-action JavaScript app (test/fixtures/hello-app) and this app:
#   aio app deploy --no-publish --no-web-assets  (this app: its post-app-deploy hook onboards)
#   → curl of the deployed web action (this app: the ingestion webhook, as docs/deploy.md does)
#   → aio rt activation logs, aio rt action list <package>, aio rt action get --save-as, aio app get-url
#   → aio app undeploy --no-unpublish, and nothing of the app is left.
# Then a bundled action that logs through aio-lib-core-logging, console.log, console.error
# and process.stdout.write (test/fixtures/logging-action), created with `aio rt action create`,
# must show all four in `aio rt activation logs`.
#
# The platform runs on a free port with an empty project dir and a fresh data dir, so every
# action it serves is one the CLI deployed. The CLI is installed once into a cache outside
# node_modules, as scripts/check-deploy.sh does (same cache, same AIO_CLI_VERSION, default 10:
# CLI 11.1.2 fails `aio app deploy` for every app before any request, see docs/aio-cli.md).
#
# Ends with "N passed, N failed"; exits 1 on any failure.
set -uo pipefail
. "$(dirname "$0")/lib/start-platform.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AIO_CLI_VERSION="${AIO_CLI_VERSION:-10}"
CACHE="${AIO_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/commerce-events-integration/aio-cli@$AIO_CLI_VERSION}"
AIO="$CACHE/node_modules/.bin/aio"

step() { printf '\n== %s\n' "$*"; }
passed=0
failed=0
ok() { echo "ok   - $*"; passed=$((passed + 1)); }
bad() { echo "FAIL - $*"; failed=$((failed + 1)); }
check() { local what="$1"; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi; }

if [ ! -x "$AIO" ]; then
  step "installing @adobe/aio-cli@$AIO_CLI_VERSION into $CACHE (once; about 650 MB)"
  mkdir -p "$CACHE"
  npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error "@adobe/aio-cli@$AIO_CLI_VERSION" || exit 1
fi
echo "aio: $("$AIO" --version 2>/dev/null | tail -n 1)"

WORK="$(mktemp -d)"
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/empty"

step "starting the platform (empty project, fresh data dir)"
start_platform "$ROOT" "$WORK/empty" "$WORK" 600 || exit 1
PORT="${URL##*:}"
echo "platform: $URL namespace $NS"

# http://localhost:<port>: the CLI prints http (not https) URLs only for a localhost API host
export AIO_RUNTIME_APIHOST="http://localhost:$PORT" AIO_RUNTIME_AUTH="$AUTH" AIO_RUNTIME_NAMESPACE="$NS"
# the CLI's own config and caches stay in the cache dir, away from the user's `aio login`
export XDG_CONFIG_HOME="$CACHE/xdg/config" XDG_DATA_HOME="$CACHE/xdg/data" XDG_CACHE_HOME="$CACHE/xdg/cache"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
export AIO_TELEMETRY_DISABLED=true CI="${CI:-true}"
"$AIO" telemetry off >/dev/null 2>&1 || true

# the values `npm start` gives an app (IMS, I/O Events, Commerce stand-in URLs and the
# generated secrets of this data dir): what the deployed actions' inputs and the hook read
(cd "$ROOT" && node --require tsx/cjs -e '
  require("./platform/core/config")
    .resolveConfig({ projectDir: process.argv[1], dataDir: process.argv[2], port: Number(process.argv[3]) })
    .then((c) => { for (const [k, v] of Object.entries(c.localDefaults)) console.log(`export ${k}=${JSON.stringify(v)}`); });
' "$WORK/empty" "$WORK/data" "$PORT") >"$WORK/env.sh" || { echo "cannot read the platform's settings"; exit 1; }
# shellcheck disable=SC1091
. "$WORK/env.sh"

api() { curl -sS -u "$AUTH" "$URL/api/v1/namespaces/_/$1"; }
count() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(String(JSON.parse(s).length)))'; }
latest_activation() { api "activations?limit=1&name=$1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const a=JSON.parse(s);process.stdout.write(a[0]?a[0].activationId:"")})'; }

# ---------------------------------------------------------------- a one-action app
step "hello-app: aio app deploy"
cd "$ROOT/test/fixtures/hello-app" || exit 1
if "$AIO" app deploy --no-publish --no-web-assets >"$WORK/hello-deploy.txt" 2>&1; then ok "aio app deploy (hello-app)"; else bad "aio app deploy (hello-app)"; cat "$WORK/hello-deploy.txt"; fi
grep -q "http://localhost:$PORT/api/v1/web/$NS/hello-app/hello" "$WORK/hello-deploy.txt" && ok "deploy prints the http web URL" || bad "deploy prints the http web URL"
HELLO_URL="$("$AIO" rt action get hello-app/hello --url 2>/dev/null | tail -n 1)"
check "curl of the deployed web action" bash -c "curl -sS '$HELLO_URL?name=check' | grep -q 'hello, check'"
ACT="$(latest_activation hello)"
"$AIO" rt activation logs "$ACT" >"$WORK/hello-logs.txt" 2>&1
grep -Eq 'Z stdout: greeting check' "$WORK/hello-logs.txt" && ok "aio rt activation logs: stdout line" || bad "aio rt activation logs: stdout line"
grep -Eq 'Z stderr: a line on stderr' "$WORK/hello-logs.txt" && ok "aio rt activation logs: stderr line" || bad "aio rt activation logs: stderr line"
check "aio rt action list hello-app" bash -c "'$AIO' rt action list hello-app 2>/dev/null | grep -q 'hello-app/hello'"
# the deployed code is the zip `aio app build` made: --save-as writes that zip back
check "aio rt action get --save-as" bash -c "'$AIO' rt action get hello-app/hello --save-as '$WORK/saved.zip' && [ \"\$(head -c 2 '$WORK/saved.zip')\" = PK ]"
check "aio app get-url" bash -c "'$AIO' app get-url 2>/dev/null | grep -q 'http://localhost:$PORT/api/v1/web/$NS/hello-app/hello'"
if "$AIO" app undeploy --no-unpublish >"$WORK/hello-undeploy.txt" 2>&1; then ok "aio app undeploy (hello-app)"; else bad "aio app undeploy (hello-app)"; cat "$WORK/hello-undeploy.txt"; fi
[ "$(api actions | count)" = 0 ] && [ "$(api packages | count)" = 0 ] && ok "nothing of hello-app is left" || bad "nothing of hello-app is left"

# ---------------------------------------------------------------- this app
step "this app: aio app deploy (builds 23 actions and runs the post-app-deploy hook; about two minutes)"
cd "$ROOT" || exit 1
if "$AIO" app deploy --no-publish --no-web-assets >"$WORK/app-deploy.txt" 2>&1; then ok "aio app deploy (this app)"; else bad "aio app deploy (this app)"; tail -n 40 "$WORK/app-deploy.txt"; fi
grep -q 'Onboarding done' "$WORK/app-deploy.txt" && ok "the post-app-deploy hook ran (onboarding)" || bad "the post-app-deploy hook ran (onboarding)"
[ "$(api 'actions?limit=100' | count)" = 23 ] && ok "23 actions deployed" || bad "23 actions deployed"
WEBHOOK="$("$AIO" runtime action get ingestion/webhook --url 2>/dev/null | tail -n 1)"
curl -sS -i -X POST "$WEBHOOK" -H 'content-type: application/json' -H "x-api-key: $INGESTION_API_KEY" \
  -d '{"data":{"uid":"sku-1-v1","event":"be-observer.catalog_product_create","value":{"sku":"SKU-EXT-0001","name":"Product Created Externally","price":10,"description":"..."}}}' \
  >"$WORK/curl.txt" 2>&1
grep -q 'Event published successfully' "$WORK/curl.txt" && ok "the printed curl publishes through the deployed webhook" || { bad "the printed curl publishes through the deployed webhook"; cat "$WORK/curl.txt"; }
WEBHOOK_ACT="$(tr -d '\r' <"$WORK/curl.txt" | awk -F': ' 'tolower($1) == "x-openwhisk-activation-id" {print $2}')"
"$AIO" rt activation logs "$WEBHOOK_ACT" >"$WORK/webhook-logs.txt" 2>&1
grep -Eq 'Z (stdout|stderr): ' "$WORK/webhook-logs.txt" && ok "aio rt activation logs of the webhook (aio-lib-core-logging lines)" || bad "aio rt activation logs of the webhook"
HANDLED=""
for _ in $(seq 1 100); do
  HANDLED="$(latest_activation handler)"
  [ -n "$HANDLED" ] && break
  sleep 0.2
done
[ -n "$HANDLED" ] && ok "the event reached a deployed handler through I/O Events" || bad "the event reached a deployed handler through I/O Events"
check "aio rt action list ingestion" bash -c "'$AIO' rt action list ingestion 2>/dev/null | grep -q 'ingestion/webhook'"
"$AIO" app undeploy --no-unpublish >"$WORK/app-undeploy.txt" 2>&1
undeploy_rc=$?
# CLI 10's undeploy removes every entity of the project with its first package, then stops at
# the next package with "cannot undeploy actions for package X, as it was not deployed" (an
# aio-cli-plugin-app bug for apps with several packages, the same against I/O Runtime)
if [ "$undeploy_rc" = 0 ] || grep -q 'as it was' "$WORK/app-undeploy.txt"; then ok "aio app undeploy (this app)"; else bad "aio app undeploy (this app)"; cat "$WORK/app-undeploy.txt"; fi
[ "$(api actions | count)" = 0 ] && [ "$(api packages | count)" = 0 ] && ok "nothing of this app is left" || bad "nothing of this app is left"

# ---------------------------------------------------------------- the four ways an action logs
step "activation logs of a bundled action (aio rt action create)"
(cd "$ROOT" && node -e '
  require("esbuild").buildSync({ entryPoints: [process.argv[1]], outfile: process.argv[2], bundle: true, platform: "node", target: "node20", format: "cjs", logLevel: "silent" });
' "$ROOT/test/fixtures/logging-action/index.js" "$WORK/logging.js")
check "aio rt action create logging-check" "$AIO" rt action create logging-check "$WORK/logging.js" --kind nodejs:22
"$AIO" rt action invoke logging-check --blocking >/dev/null 2>&1
ACT="$(latest_activation logging-check)"
"$AIO" rt activation logs "$ACT" >"$WORK/logging-logs.txt" 2>&1
for line in 'stdout: .*via aio-lib-core-logging' 'stdout: via console.log' 'stderr: via console.error' 'stdout: via process.stdout.write, in two pieces'; do
  grep -Eq "Z $line" "$WORK/logging-logs.txt" && ok "aio rt activation logs: $line" || bad "aio rt activation logs: $line"
done
check "aio rt action delete logging-check" "$AIO" rt action delete logging-check

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

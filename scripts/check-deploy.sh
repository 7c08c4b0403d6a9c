#!/usr/bin/env bash
# npm run check:deploy
#
# Proves that Adobe's real CLI can build and pack this app for I/O Runtime, offline:
#   1. installs @adobe/aio-cli once into a cache directory OUTSIDE the project's node_modules
#      (it is ~650 MB; a normal `npm install` of the project never pulls it);
#   2. runs `aio app build` (webpack-config.js + ts-loader bundle the TypeScript actions) and
#      `aio app pack` on the project, with dummy AIO_* values where the project has none
#      (nothing is deployed, nothing is contacted);
#   3. prints each action's bundle size (the built .js and the deployable .zip).
#
# Settings (environment):
#   AIO_CLI_VERSION   version range to install (default 10: `aio app pack` of 11.1.2 fails for
#                     every app, because its app plugin (oclif 2) cannot load the events
#                     plugin's pre-pack hook as oclif 4 declares it: "orig.startsWith is not a
#                     function"; `aio app build` works with both)
#   AIO_CLI_CACHE     where the CLI is installed (default ${XDG_CACHE_HOME:-~/.cache}/commerce-events-integration/aio-cli@VERSION)
#   CHECK_DEPLOY_SKIP_PACK=1   only build
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AIO_CLI_VERSION="${AIO_CLI_VERSION:-10}"
CACHE="${AIO_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/commerce-events-integration/aio-cli@$AIO_CLI_VERSION}"
AIO="$CACHE/node_modules/.bin/aio"

step() { printf '\n== %s\n' "$*"; }

if [ ! -x "$AIO" ]; then
  step "installing @adobe/aio-cli@$AIO_CLI_VERSION into $CACHE (once; about 650 MB)"
  mkdir -p "$CACHE"
  npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error "@adobe/aio-cli@$AIO_CLI_VERSION"
fi

# the CLI's own config and caches stay in the cache dir, away from the user's `aio login`
export XDG_CONFIG_HOME="$CACHE/xdg/config" XDG_DATA_HOME="$CACHE/xdg/data" XDG_CACHE_HOME="$CACHE/xdg/cache"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
if [ ! -f "$CACHE/.telemetry-off" ]; then
  "$AIO" telemetry off >/dev/null 2>&1 || true
  touch "$CACHE/.telemetry-off"
fi

# dummy workspace values, only where neither .env nor the environment has them: build and
# pack read them (action URLs, namespace) but never call out with them
env_has() { [ -n "${!1:-}" ] || { [ -f "$ROOT/.env" ] && grep -Eq "^[[:space:]]*$1=.+" "$ROOT/.env"; }; }
env_has AIO_runtime_namespace || export AIO_RUNTIME_NAMESPACE="1234567-checkdeploy-stage"
env_has AIO_runtime_auth || export AIO_RUNTIME_AUTH="00000000-0000-0000-0000-000000000000:check-deploy-not-a-key"
env_has AIO_runtime_apihost || export AIO_RUNTIME_APIHOST="https://adobeioruntime.net"
# `aio app pack` wants the Developer Console project that `aio app use` writes to .aio
if [ ! -f "$ROOT/.aio" ] && [ -z "${AIO_PROJECT_ID:-}" ]; then
  export AIO_PROJECT_ID=0000000000000000000 AIO_PROJECT_NAME=checkdeploy AIO_PROJECT_ORG_ID=000000 \
    AIO_PROJECT_WORKSPACE_ID=0000000000000000001 AIO_PROJECT_WORKSPACE_NAME=Stage
fi
export CI="${CI:-true}"

cd "$ROOT"
echo "aio: $("$AIO" --version 2>/dev/null | tail -n 1)"

step "aio app build"
rm -rf dist/application
"$AIO" app build --force-build --no-web-assets 2>&1

step "action bundles"
node - "$ROOT/dist/application/actions" <<'NODE'
const fs = require('fs');
const path = require('path');
const root = process.argv[2];
if (!fs.existsSync(root)) { console.error(`no build output in ${root}`); process.exit(1); }
const rows = [];
const walk = (d) => {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else rows.push(p);
  }
};
walk(root);
const zips = rows.filter((p) => p.endsWith('.zip'));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`${'action'.padEnd(40)} ${'bundle .js'.padStart(12)} ${'.zip'.padStart(12)}`);
for (const z of zips.sort()) {
  const name = path.relative(root, z).replace(/\.zip$/, '');
  const dir = z.replace(/\.zip$/, '-temp');
  let js = 0;
  if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir)) if (f.endsWith('.js')) js += fs.statSync(path.join(dir, f)).size;
  console.log(`${name.padEnd(40)} ${(js ? kb(js) : '-').padStart(12)} ${kb(fs.statSync(z).size).padStart(12)}`);
}
if (!zips.length) { console.error('aio app build produced no action zip'); process.exit(1); }
NODE

if [ "${CHECK_DEPLOY_SKIP_PACK:-}" != "1" ]; then
  step "aio app pack"
  rm -f dist/app.zip
  if ! out="$("$AIO" app pack 2>&1)"; then
    printf '%s\n' "$out" | grep -v '^ ›   npm error  ' | head -n 40
    if printf '%s' "$out" | grep -q 'from lock file'; then
      # `aio app pack` validates the lock with `npm ci --dry-run`. npm 11 writes lock files
      # that list only this platform's optional binaries (@swc/core-*, @unrs/resolver-binding-*)
      # and then its own `npm ci` rejects them (npm/cli#4828, #8669); npm 10, the one Node 20
      # ships, accepts the same lock. Say so, then pack again with npm 10.
      echo
      echo "aio app pack: its lock check (npm ci --dry-run) fails with npm $(npm --version 2>/dev/null) because of npm's"
      echo "optional-dependency lock bug, not because of the app. Packing again with npm 10."
      NPM10="$CACHE/npm10"
      [ -x "$NPM10/node_modules/.bin/npm" ] || npm install --prefix "$NPM10" --no-audit --no-fund --loglevel=error npm@10 >/dev/null
      PATH="$NPM10/node_modules/.bin:$PATH" "$AIO" app pack 2>&1
    else
      exit 1
    fi
  else
    printf '%s\n' "$out"
  fi
  [ -f dist/app.zip ] && echo "dist/app.zip: $(wc -c < dist/app.zip | tr -d ' ') bytes"
fi

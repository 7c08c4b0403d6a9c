#!/usr/bin/env bash
# Print the path of a redis-server the end-to-end peer benchmark (bench/e2e-peer.ts) can start,
# installing Debian's `redis-server` package with apt-get when none is found. The package's
# own service is not used: the benchmark starts its own server on a random loopback port.
#   REDIS_SERVER=/path/to/redis-server overrides the search.
set -euo pipefail
for c in "${REDIS_SERVER:-}" "$(command -v redis-server 2>/dev/null || true)" /usr/bin/redis-server /usr/local/bin/redis-server; do
  if [ -n "$c" ] && [ -x "$c" ]; then
    echo "$c"
    exit 0
  fi
done
if ! command -v apt-get >/dev/null 2>&1; then
  echo "redis-server not found and apt-get is not available: install Redis and set REDIS_SERVER" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "redis-server not found; run as root (or with sudo): apt-get install -y redis-server" >&2
    exit 1
  fi
fi
echo "installing redis-server with apt-get (once)..." >&2
$SUDO apt-get update -qq >&2
# no service start from the package's scripts where policy-rc.d allows it: the benchmark runs its own
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >&2
echo /usr/bin/redis-server

#!/usr/bin/env bash
# Print the path of a redis-server the end-to-end peer benchmark (bench/e2e-peer.ts) can start,
# installing Debian's `redis-server` package with apt-get when none is found. The package's
# own service is not used: the benchmark starts its own server on a random loopback port.
#   REDIS_SERVER=/path/to/redis-server overrides the search.
set -euo pipefail
. "$(dirname "$0")/lib/apt-tool.sh"
ensure_tool redis-server "--no-install-recommends redis-server" /usr/bin/redis-server \
  "${REDIS_SERVER:-}" "$(command -v redis-server 2>/dev/null || true)" /usr/bin/redis-server /usr/local/bin/redis-server

#!/usr/bin/env bash
# Print the path of a Chromium the console's browser tests can drive (puppeteer-core),
# installing Debian's `chromium` package with apt-get when none is found.
#   CHROMIUM_PATH=/path/to/chrome overrides the search.
set -euo pipefail
for c in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$c" ] && [ -x "$c" ]; then
    echo "$c"
    exit 0
  fi
done
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium not found and apt-get is not available: install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "chromium not found; run as root (or with sudo): apt-get install -y chromium" >&2
    exit 1
  fi
fi
echo "installing chromium with apt-get (once; this takes a few minutes)..." >&2
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >&2
echo /usr/bin/chromium

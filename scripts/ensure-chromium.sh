#!/usr/bin/env bash
# Print the path of a Chromium the console's browser tests can drive (puppeteer-core),
# installing Debian's `chromium` package with apt-get when none is found.
#   CHROMIUM_PATH=/path/to/chrome overrides the search.
set -euo pipefail
. "$(dirname "$0")/lib/apt-tool.sh"
ensure_tool chromium chromium /usr/bin/chromium "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser

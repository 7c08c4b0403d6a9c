# Sourced by the ensure-*.sh scripts: find a tool one check needs, or install the Debian
# package that has it, and print its path.
#   ensure_tool NAME "apt-get install arguments" INSTALLED_PATH CANDIDATE...
# The first executable candidate wins (empty ones are skipped); otherwise, as root or with
# sudo, `apt-get install -y -qq ARGUMENTS`, then INSTALLED_PATH is printed.
ensure_tool() {
  local name="$1" install="$2" installed="$3"
  shift 3
  local c
  for c in "$@"; do
    if [ -n "$c" ] && [ -x "$c" ]; then
      echo "$c"
      return 0
    fi
  done
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$name not found and apt-get is not available: install it and point the script at it (see its header)" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "$name not found; run as root (or with sudo): apt-get install -y $install" >&2
      return 1
    fi
  fi
  echo "installing $name with apt-get (once; this can take a few minutes)..." >&2
  $sudo apt-get update -qq >&2
  # shellcheck disable=SC2086 # the install arguments are words
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $install >&2
  echo "$installed"
}

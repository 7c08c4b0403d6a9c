# Sourced by the aio CLI checks: start the platform in the background on a free port with
# hooks off, wait until it prints its summary, and set PID, URL, NS and AUTH from it.
#   start_platform ROOT PROJECT_DIR WORK TRIES   (TRIES × 0.1 s at most; output in WORK/out.txt, WORK/err.txt)
start_platform() {
  local root="$1" project="$2" work="$3" tries="$4"
  node --require tsx/cjs "$root/platform/cli.ts" start --port 0 --project-dir "$project" \
    --data-dir "$work/data" --no-watch --no-hooks >"$work/out.txt" 2>"$work/err.txt" &
  PID=$!
  for _ in $(seq 1 "$tries"); do
    grep -q 'aio rt:' "$work/out.txt" 2>/dev/null && break
    sleep 0.1
  done
  URL="$(grep -o 'platform on http://[^ ]*' "$work/out.txt" | awk '{print $3}')"
  NS="$(awk '$1 == "namespace" {print $2}' "$work/out.txt")"
  AUTH="$(awk '$1 == "auth" {print $2}' "$work/out.txt")"
  [ -n "$URL" ] || { echo "the platform did not start:"; cat "$work/out.txt" "$work/err.txt"; return 1; }
}

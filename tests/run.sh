#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: restores, installs the npm emulators the function app's
# integration tests start (Azurite, a Cosmos DB emulator), runs the whole solution's tests, and prints a last line
# "N passed, N failed". Exits non-zero when anything failed or nothing ran.
set -uo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [ ! -d node_modules/azurite ] || [ ! -d node_modules/@vercel/cosmosdb-server ]; then
  echo "installing the storage emulators (npm ci)..."
  npm ci --no-audit --no-fund >"$log" 2>&1 || { cat "$log"; echo "0 passed, 1 failed"; exit 1; }
fi

# The approval browser test drives headless Chromium (Debian package "chromium").
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium-browser ]; then
  echo "installing chromium (apt-get)..."
  { apt-get update && apt-get install -y chromium; } >"$log" 2>&1 || { tail -20 "$log"; echo "chromium could not be installed: the browser test will fail"; }
fi

echo "building..."
if ! dotnet build Rebalancing.sln -c Release -nologo -v quiet >"$log" 2>&1; then
  grep -E "error|Error" "$log" | head -50
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Rebalancing.sln -c Release --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 42, Skipped: 0, Total: 42, ..."
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "$passed passed, $failed failed"
if [ "$passed" -eq 0 ]; then
  exit 1
fi
exit "$status"

#!/usr/bin/env bash
# Measures the command-line targets of issue 7 on generated networks and prints a markdown table:
# rows, validate and plan wall times (medians of RUNS runs), rows per second, peak memory.
# Usage: engine/Rebalancing.Engine.Benchmarks/measure.sh [RUNS] [SIZE ...]   (SIZE = STORESxSKUS, default 40x1000 80x2000)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(40x1000 80x2000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet build -c Release engine/Rebalancing.Cli -nologo -v quiet >/dev/null
cli="dotnet engine/Rebalancing.Cli/bin/Release/net10.0/rebalance.dll"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "| network | rows | validate s | plan s | plan / validate | plan rows/s | plan peak MB |"
echo "|---|---|---|---|---|---|---|"
for size in "${sizes[@]}"; do
  stores=${size%x*}; skus=${size#*x}
  dir="$work/$size"
  $cli generate --stores "$stores" --skus "$skus" --out "$dir" >/dev/null
  rows=$(($(wc -l < "$dir/inventory.csv") - 1))
  : > "$work/v"; : > "$work/p"; : > "$work/m"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/t" $cli validate --snapshot "$dir" --quiet >/dev/null
    awk '{print $1}' "$work/t" >> "$work/v"
    /usr/bin/time -f "%e %M" -o "$work/t" $cli plan --snapshot "$dir" --out "$work/plan" --quiet >/dev/null
    awk '{print $1}' "$work/t" >> "$work/p"
    awk '{print $2}' "$work/t" >> "$work/m"
  done
  v=$(median < "$work/v"); p=$(median < "$work/p"); m=$(median < "$work/m")
  awk -v s="$size" -v r="$rows" -v v="$v" -v p="$p" -v m="$m" \
    'BEGIN { printf "| %s | %d | %.2f | %.2f | %.1f | %.0f | %.0f |\n", s, r, v, p, p / v, r / p, m / 1024 }'
done

#!/usr/bin/env bash
# Measures the command-line targets of issue 7 on generated networks and prints two markdown tables:
# 1. rows, validate and plan wall times (medians of RUNS runs), rows per second, peak memory;
# 2. the plan command's phases (medians, ms) from `plan --timings`: process start to the command, load, each pass,
#    attribution (the move rows and their rule checks), the rest of assembly (reasons, bound, hash) and writing the
#    three files.
# Usage: engine/Rebalancing.Engine.Benchmarks/measure.sh [RUNS] [SIZE ...]   (SIZE = STORESxSKUS, default 40x1000 80x2000)
# The command measured is the CLI as it ships: published as a native binary (ahead-of-time compiled; needs clang, or
# gcc where clang is missing). MEASURE_BUILD=r2r measures the ready-to-run publish instead (IL precompiled, the
# runtime shared: what a machine without a C toolchain publishes), MEASURE_BUILD=1 the plain `dotnet build` output
# (JIT at every start).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(40x1000 80x2000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case "${MEASURE_BUILD:-aot}" in
  1 | build)
    dotnet build -c Release engine/Rebalancing.Cli -nologo -v quiet >/dev/null
    cli="dotnet engine/Rebalancing.Cli/bin/Release/net10.0/rebalance.dll"
    build="dotnet build (JIT)" ;;
  r2r)
    dotnet publish engine/Rebalancing.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
      -o "$work/cli" -nologo -v quiet >/dev/null
    cli="$work/cli/rebalance"
    build="published ready-to-run" ;;
  aot)
    linker=()
    if ! command -v clang >/dev/null; then
      if ! command -v gcc >/dev/null; then
        echo "measure.sh: the native build needs clang or gcc; MEASURE_BUILD=r2r measures the ready-to-run one" >&2
        exit 2
      fi
      linker=(-p:CppCompilerAndLinker=gcc)
    fi
    dotnet publish engine/Rebalancing.Cli -c Release -r linux-x64 -p:PublishAot=true "${linker[@]}" \
      -o "$work/cli" -nologo -v quiet >/dev/null
    cli="$work/cli/rebalance"
    build="published native (AOT)" ;;
  *)
    echo "measure.sh: MEASURE_BUILD is aot (the default), r2r or 1" >&2
    exit 2 ;;
esac

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# timing KEY FILE: the median of KEY over the "timings: KEY=MS ..." lines in FILE
timing() { grep -o " $1=[0-9.]*" "$2" | cut -d= -f2 | median; }

summary="| network | rows | validate s | plan s | plan / validate | plan rows/s | plan peak MB |
|---|---|---|---|---|---|---|"
phases="| network | start ms | load ms | pass 1 ms | pass 2 within ms | pass 2 across ms | pass 3 ms | attribution ms | reasons, bound, hash ms | write ms |
|---|---|---|---|---|---|---|---|---|---|"
for size in "${sizes[@]}"; do
  stores=${size%x*}; skus=${size#*x}
  dir="$work/$size"
  $cli generate --stores "$stores" --skus "$skus" --out "$dir" >/dev/null
  rows=$(($(wc -l < "$dir/inventory.csv") - 1))
  : > "$work/v"; : > "$work/p"; : > "$work/m"; : > "$work/timings"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/t" $cli validate --snapshot "$dir" --quiet >/dev/null
    awk '{print $1}' "$work/t" >> "$work/v"
    /usr/bin/time -f "%e %M" -o "$work/t" $cli plan --snapshot "$dir" --out "$work/plan" --quiet --timings >/dev/null 2>> "$work/timings"
    awk '{print $1}' "$work/t" >> "$work/p"
    awk '{print $2}' "$work/t" >> "$work/m"
  done
  v=$(median < "$work/v"); p=$(median < "$work/p"); m=$(median < "$work/m")
  summary+=$'\n'$(awk -v s="$size" -v r="$rows" -v v="$v" -v p="$p" -v m="$m" \
    'BEGIN { printf "| %s | %d | %.2f | %.2f | %.1f | %.0f | %.0f |", s, r, v, p, p / v, r / p, m / 1024 }')
  grep -o 'timings:.*' "$work/timings" | awk '{w = 0; for (i = 2; i <= NF; i++) if ($i ~ /^write_/) { split($i, kv, "="); w += kv[2] } print " write=" w}' > "$work/write"
  row="| $size"
  for key in startup load pass1 pass2_within pass2_across pass3 attribution assembly; do
    row+=" | $(timing "$key" "$work/timings" | awk '{printf "%.0f", $1}')"
  done
  phases+=$'\n'"$row | $(timing write "$work/write" | awk '{printf "%.0f", $1}') |"
done
echo "build: $build"
echo
echo "$summary"
echo
echo "$phases"

#!/bin/sh
# Latency of every model fixture on each device, in one run: `jit bench --json` (static runtime,
# fused, 1 thread) per device, and the ratio to the first device. On a CPU-only machine `opencl` is
# PoCL, which runs OpenCL kernels on the same cores: the numbers show the device runtime's overhead
# (launches, copies at the plan's edges), not a GPU's speed.
# Usage: tools/compare_devices.sh [DEVICES]   (default: cpu,opencl)   from anywhere
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
devices="${1:-cpu,opencl}"
dotnet build "$root/Jit.Cli" -c Release -v q -nologo >/dev/null
jit="dotnet $root/Jit.Cli/bin/Release/net10.0/jit.dll"
header="| model |"
rule="|---|"
for dev in $(echo "$devices" | tr ',' ' '); do header="$header $dev µs |"; rule="$rule---:|"; done
echo "$header ratio to first |"
echo "$rule---:|"
for d in "$root"/Jit.Tests/fixtures/models/*/; do
  name="$(basename "$d")"
  set --
  for i in $(ls "$d" | grep '^input[0-9]*\.npy$' | sort -t t -k 2 -n); do set -- "$@" --input "$d$i"; done
  row="| $name |"
  first=""
  ratios=""
  for dev in $(echo "$devices" | tr ',' ' '); do
    us="$($jit bench "$d/model.ptmf" --device "$dev" --threads 1 --json "$@" 2>/dev/null | tail -1 | sed -n 's/.*"median_us":\([0-9.]*\).*/\1/p')"
    [ -n "$us" ] || us="n/a"
    row="$row $us |"
    if [ -z "$first" ]; then first="$us"; elif [ "$us" != "n/a" ] && [ "$first" != "n/a" ]; then
      ratios="$ratios $(awk -v a="$us" -v b="$first" 'BEGIN { printf "%.1f", a / b }')"
    fi
  done
  echo "$row$ratios |"
done

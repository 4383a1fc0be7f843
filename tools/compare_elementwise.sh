#!/bin/sh
# The elementwise fixture's math, ours (the compiled TE kernel, Jit.Benchmarks `elementwise`)
# against PyTorch 1.13 eager and TorchScript (tools/bench_elementwise_pytorch.py), both on
# 1 thread, in the same run. Prints medians in microseconds and speedups (> 1: we are faster).
# Usage: tools/compare_elementwise.sh [RUNS]      (from anywhere; needs /usr/bin/python3 with torch)
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-21}"
python="${PYTHON:-/usr/bin/python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

dotnet build "$root/Jit.Benchmarks" -c Release -v q -nologo >/dev/null
dotnet "$root/Jit.Benchmarks/bin/Release/net10.0/Jit.Benchmarks.dll" elementwise --runs "$runs" --threads 1 | sort > "$tmp/ours.tsv"
"$python" "$root/tools/bench_elementwise_pytorch.py" --runs "$runs" | sort > "$tmp/torch.tsv"

echo "median microseconds per forward, 1 thread, float32"
join -t "$(printf '\t')" "$tmp/ours.tsv" "$tmp/torch.tsv" | awk -F '\t' '
  BEGIN { printf "%-10s %10s %12s %8s %12s %8s\n", "shape", "ours", "torch-eager", "speedup", "torchscript", "speedup" }
  { printf "%-10s %10.2f %12.2f %8.2f %12.2f %8.2f\n", $1, $2, $3, $3 / $2, $4, $4 / $2 }'

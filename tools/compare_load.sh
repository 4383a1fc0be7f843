#!/bin/sh
# Load time, ours against PyTorch's: JitModule.Load + MethodGraph("forward") (Jit.Benchmarks `time`)
# and torch's two flatbuffer loaders (tools/bench_load_pytorch.py), medians of many loads from
# memory, on the PTMF fixtures and a generated ~21 MB model. Prints a table of medians and ratios
# (ratio > 1: PyTorch's loader takes longer than ours).
# Usage: tools/compare_load.sh [RUNS]      (from anywhere; needs /usr/bin/python3 with torch)
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-50}"
python="${PYTHON:-/usr/bin/python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

dotnet build "$root/Jit.Benchmarks" -c Release -v q -nologo >/dev/null
bench="dotnet $root/Jit.Benchmarks/bin/Release/net10.0/Jit.Benchmarks.dll"
$bench generate "$tmp/big.ptmf"
set -- "$root"/Jit.Tests/fixtures/ptmf/*.ptmf "$tmp/big.ptmf"

$bench time --runs "$runs" "$@" | sort > "$tmp/ours.tsv"
"$python" "$root/tools/bench_load_pytorch.py" --runs "$runs" "$@" | sort > "$tmp/torch.tsv"

echo "median of $runs loads, microseconds (ours: JitModule.Load + MethodGraph(\"forward\"))"
join -t "$(printf '\t')" "$tmp/ours.tsv" "$tmp/torch.tsv" | awk -F '\t' '
  BEGIN { printf "%-16s %10s %12s %8s %14s %8s\n", "model", "ours", "lite", "ratio", "jit_module", "ratio" }
  function ratio(t, o) { return (t == "nan" || o == 0) ? "-" : sprintf("%.2f", t / o) }
  { printf "%-16s %10.1f %12s %8s %14s %8s\n", $1, $2, $3, ratio($3, $2), $4, ratio($4, $2) }'

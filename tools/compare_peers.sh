#!/bin/sh
# Latency, ours against our peers, on every model fixture (Jit.Tests/fixtures/models/*) at 1 and 2
# intra-op threads, in one run: `jit bench --json --threads T` (static runtime, CPU) next to PyTorch
# 1.13 eager (no_grad), torch.jit.freeze + optimize_for_inference, PyTorch's static runtime
# (torch._C._jit_to_static_module), and ONNX Runtime (npm onnxruntime-node; each model exported by
# torch.onnx.export, graphOptimizationLevel 'all', intraOpNumThreads T). Every peer is checked
# against the fixture's outputs first; a runner that fails says "n/a" and why. Each figure is the
# median single-call latency in µs after warm-up, over at least SECONDS seconds and 200 runs.
# Prints a markdown table (ratio ours / best peer: lower is better; geometric means per thread
# count) and, on the last line, the same as JSON.
# Usage: tools/compare_peers.sh [SECONDS] [THREADS...]   (defaults: 1; 1 2)  from anywhere; needs
#        /usr/bin/python3 with torch (or $PYTHON), node + npm (installs tools/peers/node_modules once)
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-1}"
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- 1 2
threads="$*"
python="${PYTHON:-/usr/bin/python3}"
peers="$root/tools/peers"
onnx="$root/out/peers"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export GLOG_minloglevel=2 PYTHONWARNINGS=ignore

if [ ! -d "$peers/node_modules/onnxruntime-node" ]; then
  # The CPU build is in the npm package; skip the optional CUDA download of its install script.
  (cd "$peers" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error >&2)
fi
dotnet build "$root/Jit.Cli" -c Release -v q -nologo >/dev/null
jit="dotnet $root/Jit.Cli/bin/Release/net10.0/jit.dll"
echo "exporting ONNX models to out/peers" >&2
"$python" "$peers/export_onnx.py" "$onnx" 2>"$tmp/export.log" || { cat "$tmp/export.log" >&2; exit 1; }

for t in $threads; do
  for d in "$root"/Jit.Tests/fixtures/models/*/; do
    name="$(basename "$d")"
    echo "ours: $name, $t thread(s)" >&2
    set --
    for i in $(ls "$d" | grep '^input[0-9]*\.npy$' | sort -t t -k 2 -n); do set -- "$@" --input "$d$i"; done
    if $jit bench "$d/model.ptmf" "$@" --threads "$t" --json >"$tmp/ours.txt" 2>&1; then
      tail -n 1 "$tmp/ours.txt" | "$python" -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps({"model": sys.argv[1], "threads": int(sys.argv[2]), "ours": r["median_us"]}))' "$name" "$t"
    else
      "$python" -c 'import json,sys; print(json.dumps({"model": sys.argv[1], "threads": int(sys.argv[2]), "ours": None, "errors": {"ours": sys.argv[3]}}))' "$name" "$t" "$(tail -n 1 "$tmp/ours.txt")"
    fi
  done >>"$tmp/results.jsonl"
  echo "PyTorch, $t thread(s)" >&2
  "$python" "$peers/bench_pytorch.py" --threads "$t" --seconds "$seconds" 2>>"$tmp/torch.log" >>"$tmp/results.jsonl"
  echo "ONNX Runtime, $t thread(s)" >&2
  node "$peers/bench_ort.mjs" --threads "$t" --seconds "$seconds" "$onnx" >>"$tmp/results.jsonl"
done
"$python" "$peers/table.py" "$tmp/results.jsonl"

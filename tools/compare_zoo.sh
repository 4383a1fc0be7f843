#!/bin/sh
# Latency and correctness on the model zoo (tools/zoo/models.py: torchvision at 1x3x224x224, a small
# ViT, a text TransformerEncoder), ours against PyTorch 1.13 (eager, and torch.jit.freeze +
# optimize_for_inference) and ONNX Runtime (npm onnxruntime-node, opset 13, graphOptimizationLevel
# 'all'), at 1 and 2 intra-op threads, one model at a time. Ours is `jit run` checked against
# PyTorch's outputs (max abs and rel error; "ok" within rtol 1e-4 + atol 1e-4 x max|output|), then
# `jit bench` (median latency, bytes allocated per steady-state run). PyTorch's BLAS (OpenBLAS,
# installed when missing so the peer is at its best) is held to the same thread count.
# Prints a markdown table (ours / best peer, lower is better; geometric means per thread count)
# and, on the last line, the same as JSON.
# Usage: tools/compare_zoo.sh [SECONDS] [THREADS...]   (defaults: 2; 1 2)   MODELS="a b" picks models;
#        ZOO=DIR reads/writes the zoo elsewhere than out/zoo (exported when a model is missing there)
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-2}"
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- 1 2
threads="$*"
python="${PYTHON:-/usr/bin/python3}"
zoo="${ZOO:-$root/out/zoo}"
models="${MODELS:-$("$python" -c 'import sys; sys.path.insert(0, sys.argv[1]); from models import MODELS; print(" ".join(MODELS))' "$root/tools/zoo" 2>/dev/null)}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export GLOG_minloglevel=2 PYTHONWARNINGS=ignore

sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
"$python" -c "import torchvision" 2>/dev/null || $sudo apt-get install -y -qq python3-torchvision >/dev/null
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || $sudo apt-get install -y -qq libopenblas0-pthread >/dev/null
if [ ! -d "$root/tools/peers/node_modules/onnxruntime-node" ]; then
  (cd "$root/tools/peers" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error >&2)
fi
missing=""
for m in $models; do [ -f "$zoo/$m/model.ptmf" ] && [ -f "$zoo/onnx/$m.json" ] || missing="$missing $m"; done
if [ -n "$missing" ]; then
  echo "exporting to $zoo:$missing" >&2
  "$python" "$root/tools/zoo/export.py" --out "$zoo" $missing 2>"$tmp/export.log" || { cat "$tmp/export.log" >&2; exit 1; }
fi
dotnet build "$root/Jit.Cli" -c Release -v q -nologo >/dev/null

for t in $threads; do
  echo "ours, $t thread(s)" >&2
  "$python" "$root/tools/zoo/bench_ours.py" --jit "dotnet $root/Jit.Cli/bin/Release/net10.0/jit.dll" --threads "$t" --dir "$zoo" $models >>"$tmp/results.jsonl"
  echo "PyTorch, $t thread(s)" >&2
  OPENBLAS_NUM_THREADS="$t" OMP_NUM_THREADS="$t" "$python" "$root/tools/zoo/bench_torch.py" --threads "$t" --seconds "$seconds" --dir "$zoo" $models 2>>"$tmp/torch.log" >>"$tmp/results.jsonl"
  echo "ONNX Runtime, $t thread(s)" >&2
  node "$root/tools/peers/bench_ort.mjs" --threads "$t" --seconds "$seconds" --min-runs 10 "$zoo/onnx" $models >>"$tmp/results.jsonl"
done
"$python" "$root/tools/peers/table.py" "$tmp/results.jsonl"

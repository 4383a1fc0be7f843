#!/bin/bash
# The one prepared check for a lent GPU machine (the device tool): it has the NVIDIA driver, the
# CUDA toolkit and PyTorch 2.x, but no .NET, so a self-contained build travels with the command.
#
#   scripts/gpu-check.sh pack   here: publishes the tests and the jit CLI self-contained for
#                               linux-x64 and packs them (plus Debian's Vulkan loader) as
#                               artifacts/gpu-check.tar.xz (about 40 MB; the carry limit is 64 MiB)
#   scripts/gpu-check.sh run    there, from the repository root, carrying artifacts/gpu-check.tar.xz:
#                               1. the conformance suite on cuda:0 (and on vulkan when the machine
#                                  has a Vulkan driver),
#                               2. jit check of every model fixture on cpu, cuda:0 (and vulkan),
#                               3. one table: every fixture's latency on cuda:0 (plan edges included,
#                                  and --resident) and on vulkan, next to PyTorch eager on the same
#                                  GPU; fused elementwise bandwidth next to the device copy bandwidth.
#                               About 6-8 minutes. Each phase has its own timeout and the table is
#                               printed whatever fails before it.
#
# The device tool call (one call; leave time to rerun once):
#   run(command="bash scripts/gpu-check.sh run", carry=["artifacts/gpu-check.tar.xz"], timeout_s=560)
#
# A dry run on a machine with no GPU (PoCL's opencl standing in for cuda:0, PyTorch on the CPU):
#   GPU_CHECK_DEVICE=opencl GPU_CHECK_TORCH_DEVICE=cpu GPU_CHECK_PYTHON=/usr/bin/python3 scripts/gpu-check.sh run
#
# Vulkan there: NVIDIA's driver ships the ICD (/usr/share/vulkan/icd.d/nvidia_icd.json or
# /etc/vulkan/icd.d); the loader libvulkan.so.1 is often missing, so the pack carries Debian's and
# LD_LIBRARY_PATH points at it when the system has none.
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
archive="artifacts/gpu-check.tar.xz"

pack() {
  set -e
  local out="artifacts/gpu-check"
  rm -rf "$out" "$archive"
  dotnet publish Jit.Tests -c Release -r linux-x64 --self-contained -o "$out/bin" -v q -nologo
  mkdir -p "$out/lib"
  local loader
  loader="$(ldconfig -p | sed -n 's/.*libvulkan\.so\.1 (libc6,x86-64) => //p' | head -1)"
  if [ -n "$loader" ]; then cp -L "$loader" "$out/lib/libvulkan.so.1"; fi
  tar -C "$out" --exclude='*.pdb' -cf - . | xz -T0 -6 > "$archive"
  rm -rf "$out"
  ls -la "$archive"
}

# The median µs of `jit bench --json`, or n/a.
bench_us() {
  timeout 60 "$bin/jit" bench "$@" --json 2>/dev/null | tail -1 | sed -n 's/.*"median_us":\([0-9.]*\).*/\1/p' | grep . || echo n/a
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }

run() {
  local device="${GPU_CHECK_DEVICE:-cuda:0}" torch_device="${GPU_CHECK_TORCH_DEVICE:-cuda:0}" python="${GPU_CHECK_PYTHON:-python3}"
  local work="${TMPDIR:-/tmp}/gpu-check"
  rm -rf "$work" && mkdir -p "$work/bin"
  echo "== machine"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
  if [ -f "$archive" ]; then
    tar -C "$work/bin" -xJf "$archive"
    bin="$work/bin/bin"
  else
    echo "no $archive: using the build in Jit.Tests/bin (a dry run)"
    bin="$root/Jit.Tests/bin/Release/net10.0"
  fi
  export JIT_CACHE_DIR="$work/cache"
  if ! ldconfig -p | grep -q 'libvulkan\.so\.1' && [ -f "$work/bin/lib/libvulkan.so.1" ]; then
    export LD_LIBRARY_PATH="$work/bin/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
  local devices="cpu,$device" vulkan=""
  local probe=Jit.Tests/fixtures/models/mlp
  if "$bin/jit" run "$probe/model.ptmf" --input "$probe/input0.npy" --device vulkan >/dev/null 2>&1; then vulkan="vulkan"; devices="$devices,vulkan"; fi
  echo "devices: $devices"

  echo "== conformance on $device${vulkan:+ and vulkan}"
  local classes=(-class Jit.Tests.Conformance.CudaDeviceConformanceTests -class Jit.Tests.Runtime.CudaReplayTests)
  [ "$device" = "cuda:0" ] || classes=(-class Jit.Tests.Conformance.OpenCLConformanceTests)
  [ -n "$vulkan" ] && classes+=(-class Jit.Tests.Conformance.VulkanConformanceTests -class Jit.Tests.Runtime.VulkanReplayTests)
  (cd "$bin" && timeout 240 ./Jit.Tests "${classes[@]}" -noColor -noLogo 2>&1 | grep -E '\[FAIL\]|Total:|Failed |Error' | head -40)

  echo "== jit check"
  for d in Jit.Tests/fixtures/models/*/; do
    set --
    for i in $(ls "$d" | grep '^input[0-9]*\.npy$' | sort -t t -k 2 -n); do set -- "$@" --input "$d$i"; done
    echo "$(basename "$d"):"
    timeout 60 "$bin/jit" check "$d/model.ptmf" --devices "$devices" "$@" 2>&1 | tail -n +3
  done

  echo "== PyTorch eager on $torch_device"
  timeout 150 "$python" tools/gpu/bench_torch.py --device "$torch_device" > "$work/torch.jsonl" 2>"$work/torch.err" || tail -5 "$work/torch.err"
  cat "$work/torch.jsonl"

  echo "== latency (median µs; ratio = ours / PyTorch eager, below 1 is faster)"
  echo "| model | $device | $device --resident | $device --no-graphs | ${vulkan:-vulkan} | torch eager | ratio | resident ratio |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for d in Jit.Tests/fixtures/models/*/; do
    local name ours resident nographs vk torch
    name="$(basename "$d")"
    set --
    for i in $(ls "$d" | grep '^input[0-9]*\.npy$' | sort -t t -k 2 -n); do set -- "$@" --input "$d$i"; done
    ours="$(bench_us "$d/model.ptmf" --device "$device" "$@")"
    resident="$(bench_us "$d/model.ptmf" --device "$device" --resident "$@")"
    nographs="$(bench_us "$d/model.ptmf" --device "$device" --no-graphs "$@")"
    vk="n/a"; [ -n "$vulkan" ] && vk="$(bench_us "$d/model.ptmf" --device vulkan "$@")"
    torch="$(sed -n "s/.*\"model\": \"$name\", \"torch_eager_us\": \([0-9.]*\).*/\1/p" "$work/torch.jsonl")"
    [ -n "$torch" ] || torch="n/a"
    echo "| $name | $ours | $resident | $nographs | $vk | $torch | $(ratio "$ours" "$torch") | $(ratio "$resident" "$torch") |"
  done

  echo "== bandwidth"
  local elements=67108864 graph=tools/gpu/scale.ir
  [ "$device" = "cuda:0" ] || { elements=4194304; sed "s/67108864/$elements/" tools/gpu/scale.ir > "$work/scale.ir"; graph="$work/scale.ir"; }
  "$python" -c "import numpy as np; np.save('$work/x.npy', np.random.default_rng(0).standard_normal($elements, dtype=np.float32))"
  local us
  us="$(bench_us "$graph" --device "$device" --resident --input "$work/x.npy")"
  echo "fused elementwise (x * 2 + 0.5, $elements floats, one read and one write) on $device: $us µs, $(awk -v u="$us" -v n="$elements" 'BEGIN { if (u == "n/a") print "n/a"; else printf "%.1f", 8 * n / u / 1000 }') GB/s"
  grep copy_gbs "$work/torch.jsonl" || true
}

case "${1:-}" in
  pack) pack ;;
  run) run ;;
  *) sed -n '2,30p' "$0"; exit 2 ;;
esac

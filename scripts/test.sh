#!/usr/bin/env bash
# Runs the whole test suite. Installs the Debian packages the tests use when they are missing:
# flatc (FlatBuffers fixtures), PyTorch 1.13 (the oracle for round-trip checks) and an OpenCL
# runtime (the ICD loader libOpenCL.so.1 with PoCL's CPU device, clinfo to inspect it), and clang-14,
# which compiles every rendered OpenCL C kernel of the lowering table as a syntax check,
# spirv-tools, whose spirv-val validates every emitted SPIR-V module, and Vulkan on the CPU (the
# loader libvulkan.so.1, Mesa's lavapipe driver, and the Khronos validation layer the Vulkan
# tests turn on: any validation message fails them). Tests that
# need a missing tool skip with a message saying so; everything else runs on committed fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v flatc >/dev/null 2>&1 || need+=(flatbuffers-compiler)
/usr/bin/python3 -c "import torch, numpy" >/dev/null 2>&1 || need+=(python3-torch python3-numpy)
command -v clang-14 >/dev/null 2>&1 || need+=(clang-14)
command -v spirv-val >/dev/null 2>&1 || need+=(spirv-tools)
for pkg in ocl-icd-libopencl1 pocl-opencl-icd clinfo libvulkan1 mesa-vulkan-drivers vulkan-validationlayers; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "scripts/test.sh: installing ${need[*]}"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null; }; then
    echo "scripts/test.sh: warning: could not install ${need[*]}; the tests that need them will skip" >&2
  fi
fi

dotnet test Jit.sln -c Release --logger "console;verbosity=normal" "$@"

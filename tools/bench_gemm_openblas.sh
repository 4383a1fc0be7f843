#!/usr/bin/env bash
# Float32 GEMM GFLOP/s, ours (aten::mm through the CPU backend) against OpenBLAS's cblas_sgemm,
# at 1 and 2 threads, median of RUNS runs each. Installs Debian's libopenblas-dev when missing
# (the benchmark's only use of it). Usage: tools/bench_gemm_openblas.sh [RUNS] [SIZES...]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(128 512 1024)

if [ ! -e /usr/include/x86_64-linux-gnu/cblas.h ] && [ ! -e /usr/include/cblas.h ] && ! ls /usr/include/*/cblas.h >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y libopenblas-dev >/dev/null; else sudo apt-get install -y libopenblas-dev >/dev/null; fi
fi
# OpenBLAS 0.3.21 (Debian 12) does not know newer Xeons (Emerald Rapids, family 6 model 207) and
# falls back to its SSE3 "Prescott" kernels; on an AVX-512 CPU ask for its SkylakeX kernels so
# the comparison is against its best code. An OPENBLAS_CORETYPE already set wins.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && grep -qw avx512f /proc/cpuinfo; then export OPENBLAS_CORETYPE=SkylakeX; fi
echo "OpenBLAS core type: ${OPENBLAS_CORETYPE:-auto}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/bench_openblas" tools/bench_gemm_openblas.c -lopenblas
dotnet build Jit.Benchmarks -c Release -v quiet -nologo >/dev/null
ours=(dotnet Jit.Benchmarks/bin/Release/net10.0/Jit.Benchmarks.dll gemm --runs "$runs")

printf '%-6s %-8s %-14s %-14s %s\n' size threads ours_GFLOPs openblas_GFLOPs ratio
for threads in 1 2; do
    mapfile -t mine < <("${ours[@]}" --threads "$threads" "${sizes[@]}")
    mapfile -t theirs < <(OPENBLAS_NUM_THREADS="$threads" "$work/bench_openblas" "r$runs" "${sizes[@]}")
    for i in "${!sizes[@]}"; do
        o=$(echo "${mine[$i]}" | awk '{print $3}')
        b=$(echo "${theirs[$i]}" | awk '{print $2}')
        printf '%-6s %-8s %-14s %-14s %s\n' "${sizes[$i]}" "$threads" "$o" "$b" "$(awk -v o="$o" -v b="$b" 'BEGIN{printf "%.2f", o/b}')"
    done
done

#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU and a CUDA toolkit (nvcc, cmake; ninja if any):
# configures and builds the core and deepinside_cuda_test (native/test/cuda_test.cpp) for one
# architecture in a scratch directory, runs the test (GPU against CPU: agreement and timings), then
# a shorter run under compute-sanitizer's memcheck when it is installed.
#
#   bash native/cuda/device-check.sh
#
# Environment: OUT (where the logs go; default /tmp/di-cuda-out), BUILD (default
# /tmp/di-cuda-build), CUDA_ARCH (default 90: H100), MEMCHECK=0 to skip the sanitizer run.
# Logs: build.log, cuda-test.log, memcheck.log. Exit status: the test's.
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-/tmp/di-cuda-out}"
build="${BUILD:-/tmp/di-cuda-build}"
arch="${CUDA_ARCH:-90}"
mkdir -p "$out"
export PATH="$PATH:/usr/local/cuda/bin"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

{
  echo "== machine"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || echo "nvidia-smi failed"
  nvcc --version 2>&1 | tail -n 2
  echo "cores: $(nproc)"
} | tee "$out/build.log"

gen=()
command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
t0=$(now)
cmake -S "$root" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DDEEPINSIDE_CUDA=1 \
  -DCMAKE_CUDA_ARCHITECTURES="$arch" >>"$out/build.log" 2>&1
rc=$?
t1=$(now)
if [ $rc -eq 0 ]; then
  cmake --build "$build" --target deepinside_cuda_test -j "$(nproc)" >>"$out/build.log" 2>&1
  rc=$?
fi
t2=$(now)
echo "== build: configure $(secs "$t0" "$t1") s, compile $(secs "$t1" "$t2") s (sm_$arch), status $rc" | tee -a "$out/build.log"
if [ $rc -ne 0 ]; then
  tail -n 60 "$out/build.log"
  exit $rc
fi

echo "== deepinside_cuda_test"
timeout 150 "$build/deepinside_cuda_test" >"$out/cuda-test.log" 2>&1
rc=$?
cat "$out/cuda-test.log"
echo "== deepinside_cuda_test exit status $rc"

if [ "${MEMCHECK:-1}" != 0 ] && command -v compute-sanitizer >/dev/null 2>&1; then
  echo "== compute-sanitizer --tool memcheck deepinside_cuda_test --quick"
  timeout 60 compute-sanitizer --tool memcheck --leak-check no "$build/deepinside_cuda_test" --quick \
    >"$out/memcheck.log" 2>&1
  mrc=$?
  grep -E "ERROR SUMMARY|========= (Invalid|Program hit|Error)|passed, " "$out/memcheck.log" | head -n 20
  echo "== memcheck exit status $mrc (124: cut short by the time limit)"
fi
exit $rc

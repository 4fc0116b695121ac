#!/usr/bin/env bash
# Builds the libFuzzer target native/fuzz/fuzz_core.cpp (the whole C ABI, with ASan and UBSan)
# and runs it.
#
#   bash native/fuzz/run.sh [SECONDS] [-- EXTRA_LIBFUZZER_FLAGS...]
#
#   SECONDS   how long to fuzz (default 600); 0 only builds
#
# Environment:
#   FUZZ_DIR      work directory (default /tmp/deepinside-fuzz): the binary, the log, crash artefacts
#   FUZZ_CORPUS   corpus directory (default $FUZZ_DIR/corpus); kept between runs, so a later run
#                 resumes where the last one stopped
#   FUZZ_JOBS     parallel fuzzing processes (default 1)
#   CXX           the compiler (default: clang++, else the newest clang++-NN found)
#   FUZZ_KNOWN_ISSUES=1  also check the behaviours reported as known issues (see fuzz_core.cpp)
#
# Needs clang with libFuzzer and the sanitizer runtimes (Debian: apt-get install -y clang
# libclang-rt-14-dev, or the clang-NN / libclang-rt-NN-dev of the installed version). Reproduce a
# crash with: $FUZZ_DIR/fuzz_core $FUZZ_DIR/artifacts/crash-...
# The summary (executions, coverage, corpus, crashes) is printed at the end; the full log is in
# $FUZZ_DIR/fuzz.log.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${1:-600}"
shift || true
[ "${1:-}" = "--" ] && shift
extra=("$@")

fuzz_dir="${FUZZ_DIR:-/tmp/deepinside-fuzz}"
corpus="${FUZZ_CORPUS:-$fuzz_dir/corpus}"
jobs="${FUZZ_JOBS:-1}"
mkdir -p "$fuzz_dir/artifacts" "$corpus"

cxx="${CXX:-}"
if [ -z "$cxx" ]; then
  if command -v clang++ >/dev/null 2>&1; then
    cxx=clang++
  else
    cxx="$(compgen -c clang++- 2>/dev/null | sort -t- -k2 -n | tail -1 || true)"
  fi
fi
if [ -z "$cxx" ] || ! command -v "$cxx" >/dev/null 2>&1; then
  echo "native/fuzz/run.sh: clang++ not found (Debian: apt-get install -y clang libclang-rt-14-dev)" >&2
  exit 2
fi

bin="$fuzz_dir/fuzz_core"
cd "$root"
echo "native/fuzz/run.sh: building $bin with $("$cxx" --version | head -1)" >&2
# -ffp-contract=off as in the real builds (no FMA contraction: the same arithmetic as the addon).
"$cxx" -std=c++17 -O2 -g -fno-omit-frame-pointer -ffp-contract=off \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -DFUZZ_KNOWN_ISSUES="${FUZZ_KNOWN_ISSUES:-0}" \
  -Inative/include \
  native/src/*.cpp native/test/reference_maxflow.cpp native/fuzz/fuzz_core.cpp \
  -o "$bin.tmp"
mv "$bin.tmp" "$bin"
[ "$seconds" = 0 ] && exit 0

log="$fuzz_dir/fuzz.log"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
echo "native/fuzz/run.sh: fuzzing for ${seconds}s, corpus $corpus ($(ls "$corpus" | wc -l) inputs), log $log" >&2
start=$(date +%s)
set +e
flags=(-max_total_time="$seconds" -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 -max_len=8192
       -artifact_prefix="$fuzz_dir/artifacts/" "${extra[@]}")
if [ "$jobs" -gt 1 ]; then
  # -fork keeps going after a crash and reports every one
  "$bin" "${flags[@]}" -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 "$corpus" >"$log" 2>&1
else
  "$bin" "${flags[@]}" "$corpus" >"$log" 2>&1
fi
rc=$?
set -e
elapsed=$(( $(date +%s) - start ))

echo "==== libFuzzer summary (exit code $rc, ${elapsed}s wall) ===="
# the last status line: executions, coverage (cov: edges, ft: features), corpus, exec/s
grep -E '^#[0-9]+' "$log" | tail -2
grep -E '^stat::' "$log" || true
crashes=$(ls "$fuzz_dir/artifacts" 2>/dev/null | grep -Ec '^(crash|leak|timeout|oom)-' || true)
echo "corpus: $(ls "$corpus" | wc -l) inputs in $corpus"
echo "artefacts (crash/leak/timeout/oom) in $fuzz_dir/artifacts: $crashes"
if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant violated' "$log"; then
  echo "---- first finding ----"
  grep -m1 -B2 -A30 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant violated' "$log"
fi
exit "$rc"

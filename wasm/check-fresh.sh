#!/usr/bin/env bash
# Fails (exit 1) when the committed wasm/deepinside-core.mjs is not what wasm/build.sh makes from
# the current sources. First builds twice (from a snapshot of the sources, in two directories) and
# checks that the two builds are byte-identical, so a difference means stale sources, not a
# nondeterministic toolchain (exit 3 if it is the latter).
#
#   bash wasm/check-fresh.sh
#
# Exit codes: 0 fresh; 1 stale (rebuild with `bash wasm/build.sh` and commit the result);
# 2 emcc missing or the build failed; 3 emcc's output is not reproducible.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
committed="$root/wasm/deepinside-core.mjs"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if ! command -v emcc >/dev/null 2>&1; then
  echo "wasm/check-fresh.sh: emcc not found (Debian: apt-get install -y emscripten); cannot check wasm/deepinside-core.mjs" >&2
  exit 2
fi
# Build from a snapshot of the sources (edits made meanwhile cannot mix into one build), twice,
# from two different directories (the output must not depend on where the checkout lies).
mkdir -p "$tmp/a/native" "$tmp/a/wasm"
cp -R "$root/native/include" "$root/native/src" "$tmp/a/native/"
cp "$root/wasm/build.sh" "$root/wasm/glue.c" "$tmp/a/wasm/"
cp -R "$tmp/a" "$tmp/second-checkout"
for i in 1 2; do
  src="$tmp/a"
  [ "$i" = 2 ] && src="$tmp/second-checkout"
  if ! bash "$src/wasm/build.sh" "$tmp/build$i.mjs" 2>"$tmp/build$i.log"; then
    cat "$tmp/build$i.log" >&2
    echo "wasm/check-fresh.sh: the build failed" >&2
    exit 2
  fi
done
if ! cmp -s "$tmp/build1.mjs" "$tmp/build2.mjs"; then
  echo "wasm/check-fresh.sh: two builds of the same sources differ: emcc's output is not reproducible here" >&2
  cmp "$tmp/build1.mjs" "$tmp/build2.mjs" >&2 || true
  exit 3
fi
if [ ! -f "$committed" ]; then
  echo "wasm/check-fresh.sh: wasm/deepinside-core.mjs is missing; run 'bash wasm/build.sh' and commit it" >&2
  exit 1
fi
if ! cmp -s "$tmp/build1.mjs" "$committed"; then
  echo "wasm/check-fresh.sh: wasm/deepinside-core.mjs is STALE: it differs from a fresh build of native/src and wasm/glue.c" >&2
  echo "  committed: $(wc -c < "$committed") bytes, $(head -n2 "$committed" | tail -n1)" >&2
  echo "  fresh:     $(wc -c < "$tmp/build1.mjs") bytes, $(head -n2 "$tmp/build1.mjs" | tail -n1)" >&2
  echo "  rebuild with 'bash wasm/build.sh' and commit wasm/deepinside-core.mjs" >&2
  exit 1
fi
echo "wasm/check-fresh.sh: wasm/deepinside-core.mjs is fresh ($(wc -c < "$committed") bytes; two builds byte-identical)"

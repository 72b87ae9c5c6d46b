#!/usr/bin/env bash
# Times the official SIMD scripts (simd/ and relaxed-simd/, 65 files) under Switchyard and under
# the OCaml reference interpreter, side by side: wall time of the whole set, best of N runs
# (default 3), each engine checked to pass every script. Usage:
#   tools/bench-simd.sh [RUNS]
# The reference is $REFINTERP, else /tmp/refinterp/wasm, else it is built there from
# ../shared/reference-interpreter (needs Debian's ocaml, dune and menhir; see its SOURCE.md).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
suite=${SWITCHYARD_SPEC_TESTS:-../shared/spec-tests}/core
files=("$suite"/simd/*.wast "$suite"/relaxed-simd/*.wast)
ref=${REFINTERP:-/tmp/refinterp/wasm}
if [[ ! -x $ref ]]; then
  src=../shared/reference-interpreter
  [[ -d $src ]] || { echo "no reference interpreter at $ref nor $src" >&2; exit 2; }
  rm -rf /tmp/refinterp && cp -r "$src" /tmp/refinterp && chmod -R u+w /tmp/refinterp
  make -C /tmp/refinterp >/dev/null
  ref=/tmp/refinterp/wasm
fi
cargo build --release --quiet
sy=target/release/switchyard

switchyard_once() { "$sy" run -q "${files[@]}" >/dev/null; }
reference_once() {
  local f
  for f in "${files[@]}"; do "$ref" "$f" </dev/null >/dev/null || { echo "reference fails $f" >&2; return 1; }; done
}
# the reference's process start-up, as many times as there are files (an empty script)
empty=$(mktemp --suffix=.wast)
startup_once() {
  local f
  for f in "${files[@]}"; do "$ref" "$empty" </dev/null >/dev/null; done
}
# best wall time of $runs runs, in seconds
best() {
  local fn=$1 best="" t0 t1 t i
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s.%N); "$fn"; t1=$(date +%s.%N)
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
    if [[ -z $best ]] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  printf '%.2f' "$best"
}
s=$(best switchyard_once)
r=$(best reference_once)
u=$(best startup_once)
rm -f "$empty"
echo "SIMD scripts: ${#files[@]} files, best of $runs runs (wall seconds)"
echo "| engine | time |"
echo "|---|---|"
echo "| switchyard ($sy) | $s |"
echo "| OCaml reference ($ref, one process per file) | $r |"
echo "| of which the reference's start-up (${#files[@]} empty scripts) | $u |"
if awk -v s="$s" -v r="$r" 'BEGIN { exit !(s <= r) }'; then echo "switchyard is not slower"; else echo "switchyard is SLOWER"; exit 1; fi

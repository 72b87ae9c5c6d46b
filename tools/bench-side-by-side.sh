#!/usr/bin/env bash
# The benchmark programs of testsuite/bench/ side by side: Switchyard, the OCaml reference
# interpreter and, where installed, wasmtime and V8 (tools/.engines/), on the same programs.
# With --suite, also every official script (../shared/spec-tests/core/, SIMD included) under
# Switchyard and under the reference, one process per file each. Usage:
#
#   tools/bench-side-by-side.sh [--runs R] [--n N] [--suite] [--no-programs]
#
# Each program exports `run depth n live` (see its header). It runs twice per engine, as a
# one-assertion script, with n = N (N / 20 under the reference, 10 N under Switchyard, wasmtime
# and V8, so that each runs for half a second or more: the CPU times have a resolution of 10 ms)
# and with n = 0; the cost of one operation is the CPU time
# (user + sys of the process: start-up, parsing, compiling and the setup cancel out) of the
# first minus that of the second, divided by the number of operations. Best of R runs (default
# 3). An engine that cannot run a program (another design, an unimplemented instruction) shows
# why. Prints Markdown tables; docs/performance.md has the numbers of the last run.
#
# The reference is $REFINTERP, else /tmp/refinterp/wasm (see tools/bench-simd.sh to build it).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3 n=1000000 suite=0 programs=1
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --n) n=$2; shift 2 ;;
    --suite) suite=1; shift ;;
    --no-programs) programs=0; shift ;;
    *) echo "usage: $0 [--runs R] [--n N] [--suite] [--no-programs]" >&2; exit 2 ;;
  esac
done
sy=${SWITCHYARD:-target/release/switchyard}
[[ -x $sy ]] || cargo build --release --quiet
ref=${REFINTERP:-/tmp/refinterp/wasm}
wasmtime=tools/.engines/bin/wasmtime
node=tools/.engines/bin/node26
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# CPU seconds (user + sys) of one command, or "fail" (its output is in $tmp/last.out).
cpu() {
  if /usr/bin/time -f '%U %S' -o "$tmp/time" "$@" </dev/null >"$tmp/last.out" 2>&1; then
    awk '{ printf "%.4f", $1 + $2 }' "$tmp/time"
  else
    echo fail
  fi
}

# The best of $runs CPU times of a command, or "fail".
best() {
  local b="" t i
  for ((i = 0; i < runs; i++)); do
    t=$(cpu "$@")
    [[ $t == fail ]] && { echo fail; return; }
    if [[ -z $b ]] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
  done
  echo "$b"
}

# The command that runs script $1 (.wast) under engine $2.
engine_cmd() {
  local f=$1
  case $2 in
    switchyard) echo "$sy" run -q "$f" ;;
    reference) echo "$ref" "$f" ;;
    wasmtime) echo "$wasmtime" wast -W stack-switching=y,function-references=y,exceptions=y,gc=y "$f" ;;
    v8)
      "$sy" convert -o "${f%.wast}.js" "$f" >/dev/null 2>&1
      echo "$node" --experimental-wasm-wasmfx "${f%.wast}.js"
      ;;
  esac
}

# A V8 script run "passes" only when its last line says so (node exits 0 on a failed assertion).
passed() {
  case $1 in
    v8) grep -q '"failed":0' "$tmp/last.out" ;;
    *) true ;;
  esac
}

engines=(switchyard)
[[ -x $ref ]] && engines+=(reference)
[[ -x $wasmtime ]] && engines+=(wasmtime)
[[ -x $node ]] && engines+=(v8)

if ((programs)); then
  echo "Programs of testsuite/bench/, n = $n (compute: 10 n iterations), best of $runs runs;"
  echo "ns per operation, CPU time. Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  printf '| program | one operation |'; printf ' %s |' "${engines[@]}"; echo
  printf '|---|---|'; printf -- '---|%.0s' "${engines[@]}"; echo
  # name | file | design | depth | n | live | operations per n | what one operation is
  while IFS='|' read -r name file design depth reps live per what; do
    printf '| %s | %s |' "$name" "$what"
    for e in "${engines[@]}"; do
      if [[ $design != typed-cont && $e != switchyard ]]; then
        printf ' - |'
        continue
      fi
      # Each engine runs for half a second or more: the reference interpreter is about 100
      # times slower than Switchyard, the compilers 10 times faster or more. (`compute` runs
      # 10 n iterations already: under Switchyard that is 0.6 s at N = 1,000,000.)
      case $e in
        reference) m=$(((reps + 19) / 20)) ;;
        wasmtime | v8) m=$((reps * 10)) ;;
        *) if [[ $name == compute ]]; then m=$reps; else m=$((reps * 10)); fi ;;
      esac
      for k in full setup; do
        local_n=$m
        [[ $k == setup ]] && local_n=0
        {
          echo ";;! design = \"$design\""
          cat "testsuite/bench/$file"
          echo "(assert_return (invoke \"run\" (i32.const $depth) (i32.const $local_n) (i32.const $live)) (i32.const $local_n))"
        } >"$tmp/$k.wast"
      done
      # shellcheck disable=SC2046
      t_full=$(best $(engine_cmd "$tmp/full.wast" "$e"))
      passed "$e" || t_full=fail
      # shellcheck disable=SC2046
      t_setup=$(best $(engine_cmd "$tmp/setup.wast" "$e"))
      if [[ $t_full == fail || $t_setup == fail ]]; then
        printf ' fails |'
      else
        awk -v a="$t_full" -v b="$t_setup" -v ops=$((m * per)) \
          'BEGIN { d = a - b; if (d < 0) d = 0; printf " %.1f |", d * 1e9 / ops }'
      fi
    done
    echo
  done <<EOF
compute|compute.wat|typed-cont|0|$((n * 10))|0|12|Wasm instruction (i32.add loop)
call|call.wat|typed-cont|10|$n|0|1|call + return
resume|resume.wat|typed-cont|10|$n|10|1|suspend/resume round trip
switch|switch.wat|typed-cont|10|$n|10|2|switch
perform|perform.wat|effect-handlers|10|$n|10|1|perform/continue round trip
stack.switch|stack-switch.wat|raw-stacks|10|$n|10|2|stack.switch
EOF
  echo
fi

if ((suite)); then
  [[ -x $ref ]] || { echo "no reference interpreter at $ref" >&2; exit 2; }
  core=${SWITCHYARD_SPEC_TESTS:-../shared/spec-tests}/core
  mapfile -t files < <(find "$core" -name '*.wast' | sort)
  total_s=0 total_r=0 worst="" worst_ratio=0 slower=0
  : >"$tmp/suite.tsv"
  for f in "${files[@]}"; do
    s=$(best "$sy" run -q "$f")
    r=$(best "$ref" "$f")
    [[ $s == fail || $r == fail ]] && { echo "$f: switchyard $s, reference $r" >&2; }
    [[ $s == fail ]] && s=0
    [[ $r == fail ]] && r=0
    # A file that seems slower under Switchyard is measured again, 20 runs of each in one timed
    # loop: a script of 50-100 ms is a few ticks of the 10 ms CPU clock, and best of R runs can
    # come out either way.
    if awk -v s="$s" -v r="$r" 'BEGIN { exit !(s > r && (s > 0.02 || r > 0.02)) }'; then
      s=$(cpu bash -c 'for i in $(seq 20); do "$@" >/dev/null 2>&1 || exit 1; done' _ "$sy" run -q "$f")
      r=$(cpu bash -c 'for i in $(seq 20); do "$@" >/dev/null 2>&1 || exit 1; done' _ "$ref" "$f")
      [[ $s != fail ]] && s=$(awk -v t="$s" 'BEGIN { printf "%.4f", t / 20 }')
      [[ $r != fail ]] && r=$(awk -v t="$r" 'BEGIN { printf "%.4f", t / 20 }')
      [[ $s == fail ]] && s=0
      [[ $r == fail ]] && r=0
      echo "$f: measured again over 20 runs: switchyard $s s, reference $r s" >&2
    fi
    echo -e "$f\t$s\t$r" >>"$tmp/suite.tsv"
  done
  awk -F'\t' -v load="$(cut -d' ' -f1-3 /proc/loadavg)" -v runs="$runs" '
    { s += $2; r += $3; n++
      # Files under 20 ms in both are start-up noise; the rest are compared one by one.
      if ($3 > 0 && ($2 > 0.02 || $3 > 0.02) && $2 / $3 > worst) { worst = $2 / $3; wf = $1; ws = $2; wr = $3 }
      if ($2 > $3 && ($2 > 0.02 || $3 > 0.02)) slower++ }
    END {
      printf "Official suite: %d scripts, one process per script and engine, best of %d runs,\n", n, runs
      printf "CPU seconds (user + sys). Load average at the end: %s.\n\n", load
      printf "| | Switchyard | reference | ratio |\n|---|---|---|---|\n"
      printf "| whole suite | %.2f | %.2f | %.3f |\n", s, r, s / r
      printf "| worst file (%s) | %.3f | %.3f | %.2f |\n\n", wf, ws, wr, worst
      printf "Files (over 20 ms in either) where Switchyard is the slower: %d (a file that seemed\n", slower
      printf "so in best of %d runs is measured again as the mean of 20).\n", runs }' "$tmp/suite.tsv"
  if [[ -n ${SUITE_TSV:-} ]]; then cp "$tmp/suite.tsv" "$SUITE_TSV"; fi
fi

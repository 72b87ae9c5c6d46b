#!/usr/bin/env bash
# Host instructions per operation of `switchyard bench`'s cases, counted by valgrind's
# callgrind: unlike times, they do not depend on the machine's speed or load, so they compare
# two builds exactly. Usage:
#
#   tools/bench-instructions.sh [--first-versions] [CASE...]
#
# For each case (default: one of each kind at depth 10 with 10 live continuations), runs
# `switchyard bench --in-process --runs 1 --n N --case CASE` under callgrind at N = 10,000 and
# N = 60,000 and prints (Ir(60,000) - Ir(10,000)) / 50,000 operations (a switch case counts
# two operations per n, compute twelve). With --first-versions, runs instead the first versions
# of the benchmark programs (commit f9a0eda, counted loops around each operation) as
# `switchyard run` scripts, for comparisons with the numbers of the first round
# (docs/performance.md). $SWITCHYARD names the binary (default target/release/switchyard).
set -euo pipefail
cd "$(dirname "$0")/.."
sy=${SWITCHYARD:-target/release/switchyard}
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }
first=0
if [[ ${1:-} == --first-versions ]]; then first=1; shift; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Ir of one command.
ir() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

if ((first)); then
  # program | design | operations per n
  while IFS='|' read -r prog design per; do
    git show "f9a0eda:testsuite/bench/$prog.wat" >"$tmp/$prog.wat"
    for n in 10000 60000; do
      {
        echo ";;! design = \"$design\""
        cat "$tmp/$prog.wat"
        echo "(assert_return (invoke \"run\" (i32.const 10) (i32.const $n) (i32.const 10)) (i32.const $n))"
      } >"$tmp/run-$n.wast"
    done
    a=$(ir "$sy" run "$tmp/run-10000.wast")
    b=$(ir "$sy" run "$tmp/run-60000.wast")
    echo "$prog.wat (first version): $(((b - a) / (50000 * per))) host instructions per operation"
  done <<EOF
resume|typed-cont|1
switch|typed-cont|2
perform|effect-handlers|1
stack-switch|raw-stacks|2
call|typed-cont|1
EOF
  exit 0
fi

(($#)) || set -- compute call/d10 resume/d10/l10 switch/d10/l10 perform/d10/l10 stack.switch/d10/l10
for case in "$@"; do
  case $case in
    switch/* | stack.switch/*) per=2 ;;
    compute) per=12 ;;
    *) per=1 ;;
  esac
  a=$(ir "$sy" bench --in-process --runs 1 --n 10000 --case "$case")
  b=$(ir "$sy" bench --in-process --runs 1 --n 60000 --case "$case")
  echo "$case: $(((b - a) / (50000 * per))) host instructions per operation"
done

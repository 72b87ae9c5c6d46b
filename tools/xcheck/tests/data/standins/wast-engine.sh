#!/bin/sh
# Stand-in for an engine with a `.wast` command line that stops at the first failing directive
# (binaryen's wasm-shell, `wasmtime wast`): it does not run the modules, it goes through the
# directives (one per line, each starting in column 1) and acts on the export names they call.
#   --dialect=binaryen|wasmtime  how it reports progress and failures (default binaryen)
#   "crash"     binaryen: Aborted() and exit 1; wasmtime: a panic, exit 101
#   "fatal"     binaryen's run-time `Fatal:` and exit 1
#   "limit"     binaryen's `exceeded host limit`
#   "deep"      wasmtime's call stack exhausted
#   "overflow"  node's RangeError after echoing the (long) source line of the throw
#   "hang"      never answers;  "slow": takes 0.4 s
#   "get"       returns 0 instead of 1 when no directive calls "inc" any more (left out)
#   "wrong"     an assertion on it fails: returns 2
# A bare `(invoke ...)` (a replayed directive) only fails on "crash", "fatal", "hang".
# With STANDIN_LOG set, each command line is appended to that file.
dialect=binaryen
for a; do
  case "$a" in --dialect=*) dialect=${a#--dialect=} ;; esac
  last=$a
done
[ -n "$STANDIN_LOG" ] && echo "wast-engine $*" >>"$STANDIN_LOG"
has_inc=0
grep -q '(invoke[^"]*"[a-z_]*inc' "$last" && has_inc=1
n=0
fail() { # message
  if [ "$dialect" = wasmtime ]; then
    echo "Error: failed to run script file '$last'" >&2
    echo "" >&2; echo "Caused by:" >&2
    echo "    0: failed directive on $last:$line" >&2
    echo "    1: $1" >&2
  else
    echo "$1"
  fi
  exit 1
}
while IFS= read -r text; do
  n=$((n + 1))
  case "$text" in "("*) ;; *) continue ;; esac
  line=$n
  if [ "$dialect" = wasmtime ]; then
    echo "DEBUG wasmtime_wast: running directive on $last:$line" >&2
  else
    echo "$n CHECKING [line: $line]"
  fi
  name=$(printf '%s' "$text" | sed -n 's/.*(invoke[^"]*"\([a-z_]*\)".*/\1/p')
  bare=0
  case "$text" in "(invoke"*) bare=1 ;; esac
  case "$name" in
    *crash*)
      if [ "$dialect" = wasmtime ]; then
        echo "thread 'main' panicked at crates/environ/src/types.rs:1338:
called \`Option::unwrap()\` on a \`None\` value" >&2
        exit 101
      fi
      echo "Aborted()" >&2; echo "RuntimeError: Aborted(). Build with -sASSERTIONS for more info." >&2; exit 1 ;;
    *fatal*) echo "Fatal: expected (tuple i32 i32), seeing i32 from"; echo "(suspend \$e)"; exit 1 ;;
    *hang*) exec sleep 60 ;;
    *slow*) sleep 0.4 ;;
  esac
  [ $bare = 1 ] && continue
  case "$name" in
    *limit*) fail "expected 1, got exceeded host limit" ;;
    *deep*) fail "wasm trap: call stack exhausted" ;;
    *overflow*)
      echo "$last:2" >&2
      printf 'var Module=typeof Module!="undefined"?Module:{};%05000d function abort(what){what=`Aborted(${what})`}\n' 0 >&2
      echo "                                    ^" >&2; echo "" >&2
      echo "RangeError: Maximum call stack size exceeded" >&2
      echo "    at wasm://wasm/0123abcd:wasm-function[812]:0x3f2a1" >&2
      exit 7 ;;
    *get*) [ $has_inc = 0 ] && fail "expected 1, got 0" ;;
    *wrong*) fail "expected 1, got 2" ;;
  esac
done <"$last"
exit 0

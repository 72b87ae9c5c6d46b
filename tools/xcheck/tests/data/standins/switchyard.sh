#!/bin/sh
# Stand-in for `switchyard run --quiet --json-lines - FILE`: one JSON line per directive (one
# per line, each starting in column 1) as soon as it has "run"; a directive invoking an export
# named "...hang..." never ends, one invoking "...wrong..." fails.
for last; do :; done
[ -n "$STANDIN_LOG" ] && echo "switchyard $*" >>"$STANDIN_LOG"
n=0
while IFS= read -r text; do
  n=$((n + 1))
  case "$text" in "("*) ;; *) continue ;; esac
  kind=${text#(}; kind=${kind%% *}
  name=$(printf '%s' "$text" | sed -n 's/.*(invoke[^"]*"\([a-z_]*\)".*/\1/p')
  case "$name" in *hang*) exec sleep 60 ;; esac
  status=passed
  case "$kind" in
    module) actual=instantiated ;;
    assert_trap) actual='trap \"unreachable\"' ;;
    *) actual='[]' ;;
  esac
  case "$name" in *wrong*) status=failed; actual='trap \"unreachable\"' ;; esac
  echo "{\"path\": \"$last\", \"line\": $n, \"kind\": \"$kind\", \"status\": \"$status\", \"expected\": \"\", \"actual\": \"$actual\"}"
done <"$last"
echo "PASS $last"

#!/bin/sh
# Stand-in for a JS engine (V8) running the file `xcheck js` makes: it does not run the
# modules, it acts on the names of the exports each directive calls.
#   a name with "crash"  kills the process with SIGTRAP, as V8 does on `switch`;
#   a name with "hang"   never answers;
#   a name with "get"    returns 0 instead of 1 when an earlier directive was left out
#                        (its state was never made: a knock-on effect);
#   a name with "wrong"  returns 2 where the script expects something else;
#   anything else        does what the script expects.
# Directives listed in XCHECK_SKIP are reported as not run. With STANDIN_LOG set, each
# command line is appended to that file.
for last; do :; done
[ -n "$STANDIN_LOG" ] && echo "js-engine $*" >>"$STANDIN_LOG"
awk -v skip=",$XCHECK_SKIP," '
function out(cat, detail, passes) {
  printf "{\"i\":%s,\"line\":%s,\"kind\":%s,\"category\":\"%s\",\"detail\":\"%s\",\"passes\":%s}\n", i, line, kind, cat, detail, passes
  fflush()
}
/^xc\.run\(/ {
  s = $0; sub(/^xc\.run\(/, "", s)
  split(s, a, ", ")
  i = a[1]; line = a[2]; kind = a[3]
  match(s, /\], "[a-z]+"/); expect = substr(s, RSTART + 4, RLENGTH - 5)
  if (index(skip, "," i ",")) { skipped = 1; out("unsupported", "skipped", "null"); next }
  if ($0 ~ /xc\.call\([0-9]+, "[a-z_]*crash/) { crashed = 1; exit 3 }
  if ($0 ~ /xc\.call\([0-9]+, "[a-z_]*hang/) { crashed = 1; exit 4 }
  if ($0 ~ /xc\.call\([0-9]+, "[a-z_]*get/ && skipped) { out("return", "i32:0", "false"); next }
  if ($0 ~ /xc\.call\([0-9]+, "[a-z_]*wrong/) { out("return", "i32:2", "false"); next }
  out(expect, "", "true")
}
END { if (!crashed) print "{\"done\":true}" }
' "$last"
case $? in
  3) echo "# Fatal error in , line 0" >&2; echo "# unimplemented code" >&2; kill -TRAP $$ ;;
  4) exec sleep 60 ;;
  0) exit 0 ;;
  *) exit 1 ;;
esac

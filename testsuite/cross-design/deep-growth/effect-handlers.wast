;;! design = "effect-handlers"
;;! call-depth = 10000
;; A loop of n ticks, each answered by a clause that counts it. `fold` counts on the way back
;; out, `(i32.add (continue $k) (i32.const 1))`: the `continue` is not in tail position, so the
;; clause's handler entry stays below the reinstalled handle and every tick adds one: 1,000
;; ticks run 1,000 entries deep, and 20,000 (`fold-deep`) exhaust the 10,000-activation budget.
;; `flat` counts in a local and continues in tail position (`continue-tail`): constant space.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func (result i32)))
  (type $k (cont $ft))
  (tag $tick)

  (func $ticks (param $n i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (perform $tick)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l))))

  (func $fold (param $n i32) (result i32)
    (handle (result i32)
      (do (call $ticks (local.get $n)) (i32.const 0))
      (on $tick $k (i32.add (continue $k) (i32.const 1)))))

  (func $report (param $r i32) (result i32) (call $print (local.get $r)) (local.get $r))
  (func (export "fold") (param $n i32) (result i32) (call $report (call $fold (local.get $n))))
  (func (export "fold-deep") (result i32) (call $report (call $fold (i32.const 20000))))
  (func (export "flat") (param $n i32) (result i32)
    (local $c i32)
    (handle (result i32)
      (do (call $ticks (local.get $n)) (call $report (local.get $c)))
      (on $tick $k
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (continue $k))))
)

(assert_return (invoke "fold" (i32.const 1000)) (i32.const 1000))
(assert_exhaustion (invoke "fold-deep") "call stack exhausted")
(assert_return (invoke "flat" (i32.const 1000)) (i32.const 1000))
(assert_return (invoke "flat" (i32.const 20000)) (i32.const 20000))

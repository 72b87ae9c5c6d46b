;;! design = "raw-stacks"
;;! call-depth = 10000
;; A loop of n ticks, each a switch to the root, which counts it and switches back. Switches
;; are flat (no parent, nothing nested), so the loop runs in constant space however the root
;; counts: `fold` and `flat` are the same program here, and `fold-deep` (20,000 ticks with a
;; 10,000-activation budget) returns 20,000.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (rec
    (type $body (stack (ref $root)))
    (type $root (stack (param i32) (ref null $body))))   ;; 0: tick, 1: done
  (type $bodyN (stack (param i32) (ref $root)))

  (func $ticks (param $n i32) (param $back (ref $root))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $back (stack.switch $root (i32.const 0) (local.get $back)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (stack.switch_retire $root (i32.const 1) (local.get $back)))

  (func $count (param $n i32) (result i32)
    (local $b (ref null $body)) (local $c i32)
    (local.set $b (stack.bind $bodyN $body (local.get $n) (stack.new $bodyN $ticks)))
    (loop $l
      (stack.switch $body (local.get $b))
      (local.set $b)
      (if (then (return (local.get $c))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $l))
    (unreachable))

  (func $report (param $r i32) (result i32) (call $print (local.get $r)) (local.get $r))
  (func (export "fold") (param $n i32) (result i32) (call $report (call $count (local.get $n))))
  (func (export "fold-deep") (result i32) (call $report (call $count (i32.const 20000))))
  (func (export "flat") (param $n i32) (result i32) (call $report (call $count (local.get $n))))
)

(assert_return (invoke "fold" (i32.const 1000)) (i32.const 1000))
(assert_return (invoke "fold-deep") (i32.const 20000))
(assert_return (invoke "flat" (i32.const 1000)) (i32.const 1000))
(assert_return (invoke "flat" (i32.const 20000)) (i32.const 20000))

;;! design = "typed-cont"
;;! call-depth = 10000
;; A loop of n ticks, each answered by a handler that counts it. In typed-cont every suspension
;; leaves the `resume` for the handler's label, outside it, so the handler loop runs in constant
;; space however it counts: `fold` and `flat` are the same program here, and `fold-deep`
;; (20,000 ticks with a 10,000-activation budget) returns 20,000.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func))
  (type $ct (cont $ft))
  (type $ftN (func (param i32)))
  (type $ctN (cont $ftN))
  (tag $tick)

  (func $ticks (param $n i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (suspend $tick)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l))))
  (elem declare func $ticks)

  (func $count (param $n i32) (result i32)
    (local $k (ref null $ct)) (local $c i32)
    (local.set $k (cont.bind $ctN $ct (local.get $n) (cont.new $ctN (ref.func $ticks))))
    (loop $l
      (block $on_tick (result (ref $ct))
        (resume $ct (on $tick $on_tick) (local.get $k))
        (return (local.get $c)))
      (local.set $k)
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

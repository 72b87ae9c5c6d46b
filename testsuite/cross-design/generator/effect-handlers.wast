;;! design = "effect-handlers"
;; Generators with deep handlers, pull style: a clause parks the generator's continuation in a
;; slot (the slot is a local of $start, which the clause can read wherever the handle lives)
;; and returns the value; `next` continues it. Cancellation is discontinue $cancel. Same
;; exports, transcript and results as raw-stacks.wast and typed-cont.wast in this folder.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func (result i32)))
  (type $k (cont $ft))
  (tag $yield (param i32))
  (tag $cancel)

  (table $slots 2 (ref null $k))
  (global $finished (mut i32) (i32.const 0))

  (func $count (param $n i32)
    (local $i i32)
    (block $done
      (try_table (catch $cancel $done)
        (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (perform $yield (local.get $i))
          (br $l))))
    (global.set $finished (i32.add (global.get $finished) (i32.const 1))))

  ;; the first value, or -1 if there is none; the generator is parked in $slots[slot]
  (func $start (param $n i32) (param $slot i32) (result i32)
    (local $c (ref null $k))
    (handle (result i32)
      (do (call $count (local.get $n)) (i32.const -1))
      (on $yield $k
        (local.set $c)
        (table.set $slots (local.get $slot) (local.get $c)))))
  (func $next (param $slot i32) (result i32)
    (continue $k (table.get $slots (local.get $slot))))
  (func $cancel (param $slot i32)
    (drop (discontinue $k $cancel (table.get $slots (local.get $slot)))))

  (func (export "sum") (param $n i32) (result i32)
    (local $sum i32) (local $c (ref null $k))
    (handle (result i32)
      (do (call $count (local.get $n)) (local.get $sum))
      (on $yield $k
        (local.set $c)
        (local.set $sum (i32.add (local.get $sum)))
        (continue $k (local.get $c)))))

  (func (export "first") (param $n i32) (param $want i32) (result i32)
    (local $v i32) (local $seen i32)
    (local.set $v (call $start (local.get $n) (i32.const 0)))
    (block $stop
      (loop $l
        (br_if $stop (i32.lt_s (local.get $v) (i32.const 0)))
        (call $print (local.get $v))
        (local.set $seen (i32.add (local.get $seen) (i32.const 1)))
        (if (i32.ge_u (local.get $seen) (local.get $want))
          (then (call $cancel (i32.const 0)) (br $stop)))
        (local.set $v (call $next (i32.const 0)))
        (br $l)))
    (local.get $seen))

  (func (export "finished") (result i32) (global.get $finished))

  (func (export "zip") (param $n i32) (param $m i32) (result i32)
    (local $x i32) (local $y i32) (local $acc i32)
    (local.set $x (call $start (local.get $n) (i32.const 0)))
    (local.set $y (call $start (local.get $m) (i32.const 1)))
    (block $done
      (loop $l
        (br_if $done (i32.lt_s (local.get $x) (i32.const 0)))
        (br_if $done (i32.lt_s (local.get $y) (i32.const 0)))
        (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $x) (local.get $y))))
        (local.set $x (call $next (i32.const 0)))
        (local.set $y (call $next (i32.const 1)))
        (br $l)))
    (local.get $acc))
)

(assert_return (invoke "sum" (i32.const 0)) (i32.const 0))
(assert_return (invoke "sum" (i32.const 1)) (i32.const 1))
(assert_return (invoke "sum" (i32.const 10)) (i32.const 55))
(assert_return (invoke "sum" (i32.const 1000)) (i32.const 500500))
(assert_return (invoke "sum" (i32.const 100000)) (i32.const 705082704))
(assert_return (invoke "finished") (i32.const 5))
;; prints 1 2 3
(assert_return (invoke "first" (i32.const 10) (i32.const 3)) (i32.const 3))
(assert_return (invoke "finished") (i32.const 6))
;; prints 1 2
(assert_return (invoke "first" (i32.const 2) (i32.const 5)) (i32.const 2))
(assert_return (invoke "finished") (i32.const 7))
(assert_return (invoke "zip" (i32.const 3) (i32.const 5)) (i32.const 14))

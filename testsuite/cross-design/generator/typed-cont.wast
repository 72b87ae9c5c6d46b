;;! design = "typed-cont"
;; Generators with typed continuations: the generator suspends $yield v to its resumer;
;; the consumer resumes it with the handler listed again every time; cancellation is
;; resume_throw $cancel at the yield. Same exports, transcript and results as
;; raw-stacks.wast and effect-handlers.wast in this folder.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $gft (func))
  (type $gct (cont $gft))
  (type $gftN (func (param i32)))
  (type $gctN (cont $gftN))
  (tag $yield (param i32))
  (tag $cancel)

  (global $finished (mut i32) (i32.const 0))

  ;; yields 1, 2, ..., n; a $cancel at a yield ends it early
  (func $count (param $n i32)
    (local $i i32)
    (block $done
      (try_table (catch $cancel $done)
        (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (suspend $yield (local.get $i))
          (br $l))))
    (global.set $finished (i32.add (global.get $finished) (i32.const 1))))
  (elem declare func $count)

  (func $make (param $n i32) (result (ref $gct))
    (cont.bind $gctN $gct (local.get $n) (cont.new $gctN (ref.func $count))))

  (func (export "sum") (param $n i32) (result i32)
    (local $k (ref null $gct)) (local $sum i32)
    (local.set $k (call $make (local.get $n)))
    (loop $l
      (block $on_yield (result i32 (ref $gct))
        (resume $gct (on $yield $on_yield) (local.get $k))
        (return (local.get $sum)))
      (local.set $k)
      (local.set $sum (i32.add (local.get $sum)))
      (br $l))
    (unreachable))

  (func (export "first") (param $n i32) (param $want i32) (result i32)
    (local $k (ref null $gct)) (local $seen i32)
    (local.set $k (call $make (local.get $n)))
    (block $stop
      (loop $l
        (br_if $stop (i32.ge_u (local.get $seen) (local.get $want)))
        (block $on_yield (result i32 (ref $gct))
          (resume $gct (on $yield $on_yield) (local.get $k))
          (local.set $k (ref.null $gct))
          (br $stop))
        (local.set $k)
        (call $print)
        (local.set $seen (i32.add (local.get $seen) (i32.const 1)))
        (br $l)))
    (if (i32.eqz (ref.is_null (local.get $k)))
      (then (resume_throw $gct $cancel (local.get $k))))
    (local.get $seen))

  (func (export "finished") (result i32) (global.get $finished))

  (func (export "zip") (param $n i32) (param $m i32) (result i32)
    (local $a (ref null $gct)) (local $b (ref null $gct))
    (local $x i32) (local $y i32) (local $acc i32)
    (local.set $a (call $make (local.get $n)))
    (local.set $b (call $make (local.get $m)))
    (block $done
      (loop $l
        (block $ya (result i32 (ref $gct))
          (resume $gct (on $yield $ya) (local.get $a))
          (br $done))
        (local.set $a)
        (local.set $x)
        (block $yb (result i32 (ref $gct))
          (resume $gct (on $yield $yb) (local.get $b))
          (br $done))
        (local.set $b)
        (local.set $y)
        (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $x) (local.get $y))))
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

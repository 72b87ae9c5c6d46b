;;! design = "effect-handlers"
;; A TinyGo-style scheduler with deep handlers. The main loop (the host's stack) pops the run
;; queue: a goroutine that never ran is started under a fresh handle ($run); a goroutine that
;; yielded is a continuation and is continued. The clause only parks the continuation and
;; returns, so the loop runs in constant space; the handle's code outlives $run's frame.
;; Same transcript as testsuite/raw-stacks/scheduler.wast.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func))
  (type $k (cont $ft))
  (tag $yield)

  ;; run queue: continuation (null: not started yet) + id + steps per slot
  (table $qk 4096 (ref null $k))
  (memory 1)
  (global $head (mut i32) (i32.const 0))
  (global $tail (mut i32) (i32.const 0))
  (global $log (mut i64) (i64.const 0))
  (global $steps (mut i32) (i32.const 0))
  (global $quiet (mut i32) (i32.const 0))

  (func $enqueue (param $c (ref null $k)) (param $id i32) (param $steps i32)
    (table.set $qk (global.get $tail) (local.get $c))
    (i32.store (i32.shl (global.get $tail) (i32.const 3)) (local.get $id))
    (i32.store offset=4 (i32.shl (global.get $tail) (i32.const 3)) (local.get $steps))
    (global.set $tail (i32.and (i32.add (global.get $tail) (i32.const 1)) (i32.const 4095))))

  (func $note (param $id i32)
    (global.set $steps (i32.add (global.get $steps) (i32.const 1)))
    (if (i32.eqz (global.get $quiet))
      (then
        (call $print (local.get $id))
        (global.set $log
          (i64.add (i64.mul (global.get $log) (i64.const 10))
                   (i64.extend_i32_u (local.get $id)))))))

  (func $go (param $id i32) (param $steps i32)
    (call $enqueue (ref.null $k) (local.get $id) (local.get $steps)))

  (func $worker (param $id i32) (param $steps i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $steps)))
        (call $note (local.get $id))
        (if (i32.and (i32.eq (local.get $id) (i32.const 1)) (i32.eqz (local.get $i)))
          (then (call $go (i32.const 4) (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (perform $yield)
        (br $l))))

  ;; start a goroutine under its own handle; a yield parks it at the end of the queue
  (func $run (param $id i32) (param $steps i32)
    (handle
      (do (call $worker (local.get $id) (local.get $steps)))
      (on $yield $k
        (call $enqueue (i32.const 0) (i32.const 0)))))

  (func $schedule
    (local $c (ref null $k)) (local $slot i32)
    (block $empty
      (loop $l
        (br_if $empty (i32.eq (global.get $head) (global.get $tail)))
        (local.set $slot (global.get $head))
        (global.set $head (i32.and (i32.add (local.get $slot) (i32.const 1)) (i32.const 4095)))
        (local.set $c (table.get $qk (local.get $slot)))
        (table.set $qk (local.get $slot) (ref.null $k))
        (if (ref.is_null (local.get $c))
          (then
            (call $run
              (i32.load (i32.shl (local.get $slot) (i32.const 3)))
              (i32.load offset=4 (i32.shl (local.get $slot) (i32.const 3)))))
          (else (continue $k (local.get $c))))
        (br $l))))

  (func (export "main") (result i64)
    (global.set $log (i64.const 0))
    (call $go (i32.const 1) (i32.const 2))
    (call $go (i32.const 2) (i32.const 1))
    (call $go (i32.const 3) (i32.const 3))
    (call $schedule)
    (global.get $log))

  (func (export "many") (param $n i32) (param $k i32) (result i32)
    (local $i i32)
    (global.set $quiet (i32.const 1))
    (global.set $steps (i32.const 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $go (i32.add (local.get $i) (i32.const 5)) (local.get $k))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (call $schedule)
    (global.set $quiet (i32.const 0))
    (global.get $steps))

  (func (export "queue-empty") (result i32)
    (i32.eq (global.get $head) (global.get $tail)))
)

;; prints 1 2 3 4 1 3 3
(assert_return (invoke "main") (i64.const 1234133))
(assert_return (invoke "queue-empty") (i32.const 1))
(assert_return (invoke "many" (i32.const 1000) (i32.const 10)) (i32.const 10000))
(assert_return (invoke "many" (i32.const 2000) (i32.const 1)) (i32.const 2000))
(assert_return (invoke "queue-empty") (i32.const 1))

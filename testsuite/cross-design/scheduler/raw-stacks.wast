;;! design = "raw-stacks"
;; A TinyGo-style scheduler: the root stack runs the run queue; every goroutine is a stack that
;; yields (a blocking operation) by switching to the scheduler's reference it was handed, and
;; ends with stack.switch_retire. `go f()` is stack.new + stack.bind + enqueue, from anywhere.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (rec
    (type $sched (stack (param i32) (ref null $task)))   ;; (0 = yielded | 1 = finished, task)
    (type $task (stack (ref $sched))))
  (type $taskArgs (stack (param i32 i32) (ref $sched)))  ;; (id, steps) still to bind

  (table $q 2048 (ref null $task))
  (global $head (mut i32) (i32.const 0))
  (global $tail (mut i32) (i32.const 0))
  (global $log (mut i64) (i64.const 0))
  (global $steps (mut i32) (i32.const 0))
  (global $quiet (mut i32) (i32.const 0))

  (func $enqueue (param $t (ref null $task))
    (table.set $q (global.get $tail) (local.get $t))
    (global.set $tail (i32.and (i32.add (global.get $tail) (i32.const 1)) (i32.const 2047))))
  (func $dequeue (result (ref null $task))
    (table.get $q (global.get $head))
    (table.set $q (global.get $head) (ref.null $task))
    (global.set $head (i32.and (i32.add (global.get $head) (i32.const 1)) (i32.const 2047))))

  (func $note (param $id i32)
    (global.set $steps (i32.add (global.get $steps) (i32.const 1)))
    (if (i32.eqz (global.get $quiet))
      (then
        (call $print (local.get $id))
        (global.set $log
          (i64.add (i64.mul (global.get $log) (i64.const 10))
                   (i64.extend_i32_u (local.get $id)))))))

  ;; go worker(id, steps)
  (func $go (param $id i32) (param $steps i32)
    (call $enqueue
      (stack.bind $taskArgs $task (local.get $id) (local.get $steps)
        (stack.new $taskArgs $worker))))

  (func $worker (param $id i32) (param $steps i32) (param $s (ref $sched))
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $steps)))
        (call $note (local.get $id))
        ;; goroutine 1 starts goroutine 4 on its first step
        (if (i32.and (i32.eq (local.get $id) (i32.const 1)) (i32.eqz (local.get $i)))
          (then (call $go (i32.const 4) (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $s (stack.switch $sched (i32.const 0) (local.get $s)))   ;; yield
        (br $l)))
    (stack.switch_retire $sched (i32.const 1) (local.get $s)))

  ;; the scheduler loop, on the root stack
  (func $run
    (local $t (ref null $task))
    (block $empty
      (loop $l
        (br_if $empty (i32.eq (global.get $head) (global.get $tail)))
        (stack.switch $task (call $dequeue))
        (local.set $t)
        (if (i32.eqz) (then (call $enqueue (local.get $t))))
        (br $l))))

  (func (export "main") (result i64)
    (global.set $log (i64.const 0))
    (call $go (i32.const 1) (i32.const 2))
    (call $go (i32.const 2) (i32.const 1))
    (call $go (i32.const 3) (i32.const 3))
    (call $run)
    (global.get $log))

  (func (export "many") (param $n i32) (param $k i32) (result i32)
    (local $i i32)
    (global.set $quiet (i32.const 1))
    (global.set $steps (i32.const 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; ids from 5 upward, so that no goroutine spawns
        (call $go (i32.add (local.get $i) (i32.const 5)) (local.get $k))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (call $run)
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

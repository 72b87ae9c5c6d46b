;;! design = "typed-cont"
;; A TinyGo-style scheduler with typed continuations: goroutines are continuations made by
;; cont.new + cont.bind; a yield is `suspend $yield`; the main loop resumes the next one with
;; the handler and requeues it when it yields. Same transcript and results as the other two.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func))
  (type $ct (cont $ft))
  (type $ftArgs (func (param i32 i32)))
  (type $ctArgs (cont $ftArgs))
  (tag $yield)

  (table $q 4096 (ref null $ct))
  (global $head (mut i32) (i32.const 0))
  (global $tail (mut i32) (i32.const 0))
  (global $log (mut i64) (i64.const 0))
  (global $steps (mut i32) (i32.const 0))
  (global $quiet (mut i32) (i32.const 0))

  (func $enqueue (param $c (ref null $ct))
    (table.set $q (global.get $tail) (local.get $c))
    (global.set $tail (i32.and (i32.add (global.get $tail) (i32.const 1)) (i32.const 4095))))
  (func $dequeue (result (ref null $ct))
    (table.get $q (global.get $head))
    (table.set $q (global.get $head) (ref.null $ct))
    (global.set $head (i32.and (i32.add (global.get $head) (i32.const 1)) (i32.const 4095))))

  (func $note (param $id i32)
    (global.set $steps (i32.add (global.get $steps) (i32.const 1)))
    (if (i32.eqz (global.get $quiet))
      (then
        (call $print (local.get $id))
        (global.set $log
          (i64.add (i64.mul (global.get $log) (i64.const 10))
                   (i64.extend_i32_u (local.get $id)))))))

  (func $go (param $id i32) (param $steps i32)
    (call $enqueue
      (cont.bind $ctArgs $ct (local.get $id) (local.get $steps)
        (cont.new $ctArgs (ref.func $worker)))))
  (elem declare func $worker)

  (func $worker (param $id i32) (param $steps i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $steps)))
        (call $note (local.get $id))
        (if (i32.and (i32.eq (local.get $id) (i32.const 1)) (i32.eqz (local.get $i)))
          (then (call $go (i32.const 4) (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (suspend $yield)
        (br $l))))

  (func $schedule
    (block $empty
      (loop $l
        (br_if $empty (i32.eq (global.get $head) (global.get $tail)))
        (block $on_yield (result (ref $ct))
          (resume $ct (on $yield $on_yield) (call $dequeue))
          (br $l))
        (call $enqueue)
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

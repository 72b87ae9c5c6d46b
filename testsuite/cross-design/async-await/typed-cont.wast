;;! design = "typed-cont"
;; async/await with typed continuations: a task is a continuation; `await p` suspends $await p;
;; the event loop files the continuation under the promise and resumes it with the value the
;; host resolved. Same host, transcript and results as the other two.

(module $host
  (memory 1)
  (global $count (mut i32) (i32.const 0))
  (global $sp (mut i32) (i32.const 0))
  ;; argument of promise p at 4 * p; the pending stack at 0x1000
  (func (export "fetch") (param $x i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $count))
    (global.set $count (i32.add (local.get $p) (i32.const 1)))
    (i32.store (i32.shl (local.get $p) (i32.const 2)) (local.get $x))
    (i32.store (i32.add (i32.const 0x1000) (i32.shl (global.get $sp) (i32.const 2))) (local.get $p))
    (global.set $sp (i32.add (global.get $sp) (i32.const 1)))
    (local.get $p))
  (func (export "poll") (result i32)
    (if (i32.eqz (global.get $sp)) (then (return (i32.const -1))))
    (global.set $sp (i32.sub (global.get $sp) (i32.const 1)))
    (i32.load (i32.add (i32.const 0x1000) (i32.shl (global.get $sp) (i32.const 2)))))
  (func (export "value") (param $p i32) (result i32)
    (i32.mul (i32.load (i32.shl (local.get $p) (i32.const 2))) (i32.const 10))))
(register "host" $host)

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (func $fetch (import "host" "fetch") (param i32) (result i32))
  (func $poll (import "host" "poll") (result i32))
  (func $value (import "host" "value") (param i32) (result i32))
  (type $ft (func (param i32) (result i32)))
  (type $k (cont $ft))
  (tag $await (param i32) (result i32))

  (table $waiting 64 (ref null $k))
  (global $results (mut i32) (i32.const 0))

  ;; tasks take a dummy start value, so that new and suspended tasks have one type
  (func $taskA (param i32) (result i32)
    (i32.add
      (suspend $await (call $fetch (i32.const 1)))
      (suspend $await (call $fetch (i32.const 2)))))
  (func $taskB (param i32) (result i32)
    (suspend $await (call $fetch (i32.const 5))))
  (elem declare func $taskA $taskB)

  ;; runs a task until it awaits (file it under the promise) or finishes (record its result)
  (func $step (param $c (ref null $k)) (param $v i32)
    (local $r i32)
    (block $on_await (result i32 (ref $k))
      (local.set $r (resume $k (on $await $on_await) (local.get $v) (local.get $c)))
      (call $print (local.get $r))
      (global.set $results
        (i32.add (i32.mul (global.get $results) (i32.const 1000)) (local.get $r)))
      (return))
    (local.set $c)
    (table.set $waiting (local.get $c)))

  (func (export "main") (result i32)
    (local $p i32) (local $c (ref null $k))
    (global.set $results (i32.const 0))
    (call $step (cont.new $k (ref.func $taskA)) (i32.const 0))
    (call $step (cont.new $k (ref.func $taskB)) (i32.const 0))
    (block $idle
      (loop $l
        (local.set $p (call $poll))
        (br_if $idle (i32.lt_s (local.get $p) (i32.const 0)))
        (local.set $c (table.get $waiting (local.get $p)))
        (table.set $waiting (local.get $p) (ref.null $k))
        (call $step (local.get $c) (call $value (local.get $p)))
        (br $l)))
    (global.get $results))
)

;; B finishes first (50), then A (10 + 20); prints 50 30
(assert_return (invoke "main") (i32.const 50030))
(assert_return (invoke "main") (i32.const 50030))

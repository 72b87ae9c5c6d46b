;;! design = "raw-stacks"
;; async/await over host-resolved promises. The "host" below hands out promise ids and
;; resolves the most recent pending promise first (LIFO), with value 10 * argument. The event
;; loop is the root stack; `await p` switches to it with (0, p); a finished task retires with
;; (1, result).

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
  (rec
    (type $loop (stack (param i32 i32) (ref null $task)))  ;; (0, promise) | (1, result)
    (type $task (stack (param i32) (ref $loop))))          ;; resumed with the promise's value

  (table $waiting 64 (ref null $task))
  (global $results (mut i32) (i32.const 0))

  (func $await (param $p i32) (param $l (ref $loop)) (result i32 (ref $loop))
    (stack.switch $loop (i32.const 0) (local.get $p) (local.get $l)))

  ;; a = await fetch(1); b = await fetch(2); return a + b
  (func $taskA (param i32) (param $l (ref $loop))
    (local $a i32)
    (call $await (call $fetch (i32.const 1)) (local.get $l))
    (local.set $l) (local.set $a)
    (call $await (call $fetch (i32.const 2)) (local.get $l))
    (local.set $l)
    (local.set $a (i32.add (local.get $a)))
    (stack.switch_retire $loop (i32.const 1) (local.get $a) (local.get $l)))
  ;; return await fetch(5)
  (func $taskB (param i32) (param $l (ref $loop))
    (local $b i32)
    (call $await (call $fetch (i32.const 5)) (local.get $l))
    (local.set $l)
    (local.set $b)
    (stack.switch_retire $loop (i32.const 1) (local.get $b) (local.get $l)))

  ;; runs a task until it awaits (remember it under its promise) or finishes
  (func $step (param $t (ref null $task)) (param $v i32)
    (local $payload i32) (local $next (ref null $task))
    (stack.switch $task (local.get $v) (local.get $t))
    (local.set $next)
    (local.set $payload)
    (if (i32.eqz)
      (then (table.set $waiting (local.get $payload) (local.get $next)))
      (else
        (call $print (local.get $payload))
        (global.set $results
          (i32.add (i32.mul (global.get $results) (i32.const 1000)) (local.get $payload))))))

  (func (export "main") (result i32)
    (local $p i32) (local $t (ref null $task))
    (global.set $results (i32.const 0))
    (call $step (stack.new $task $taskA) (i32.const 0))
    (call $step (stack.new $task $taskB) (i32.const 0))
    (block $idle
      (loop $l
        (local.set $p (call $poll))
        (br_if $idle (i32.lt_s (local.get $p) (i32.const 0)))
        (local.set $t (table.get $waiting (local.get $p)))
        (table.set $waiting (local.get $p) (ref.null $task))
        (call $step (local.get $t) (call $value (local.get $p)))
        (br $l)))
    (global.get $results))
)

;; B finishes first (50), then A (10 + 20); prints 50 30
(assert_return (invoke "main") (i32.const 50030))
(assert_return (invoke "main") (i32.const 50030))

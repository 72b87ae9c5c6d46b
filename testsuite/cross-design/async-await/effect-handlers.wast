;;! design = "effect-handlers"
;; async/await over host-resolved promises with deep handlers. `await p` performs $await p;
;; the clause files the continuation under the promise and gives -1 ("not finished yet") to
;; whoever ran the task; a finished task's handle returns its result. The event loop continues
;; the task whose promise the host resolved. Same host and transcript as
;; testsuite/raw-stacks/async-await.wast.

(module $host
  (memory 1)
  (global $count (mut i32) (i32.const 0))
  (global $sp (mut i32) (i32.const 0))
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
  (type $task (func (result i32)))
  (tag $await (param i32) (result i32))

  (table $waiting 64 (ref null $k))
  (global $results (mut i32) (i32.const 0))

  (func $taskA (result i32)
    (i32.add
      (perform $await (call $fetch (i32.const 1)))
      (perform $await (call $fetch (i32.const 2)))))
  (func $taskB (result i32)
    (perform $await (call $fetch (i32.const 5))))
  (elem declare func $taskA $taskB)

  (func $finish (param $r i32)
    (if (i32.ge_s (local.get $r) (i32.const 0))
      (then
        (call $print (local.get $r))
        (global.set $results
          (i32.add (i32.mul (global.get $results) (i32.const 1000)) (local.get $r))))))

  ;; runs a new task until its first await (-1) or its end (its result)
  (func $spawn (param $f (ref $task)) (result i32)
    (handle (result i32)
      (do (call_ref $task (local.get $f)))
      (on $await $k
        (table.set $waiting)
        (i32.const -1))))

  (func (export "main") (result i32)
    (local $p i32) (local $c (ref null $k))
    (global.set $results (i32.const 0))
    (call $finish (call $spawn (ref.func $taskA)))
    (call $finish (call $spawn (ref.func $taskB)))
    (block $idle
      (loop $l
        (local.set $p (call $poll))
        (br_if $idle (i32.lt_s (local.get $p) (i32.const 0)))
        (local.set $c (table.get $waiting (local.get $p)))
        (table.set $waiting (local.get $p) (ref.null $k))
        (call $finish (continue $k (call $value (local.get $p)) (local.get $c)))
        (br $l)))
    (global.get $results))
)

;; B finishes first (50), then A (10 + 20); prints 50 30
(assert_return (invoke "main") (i32.const 50030))
(assert_return (invoke "main") (i32.const 50030))

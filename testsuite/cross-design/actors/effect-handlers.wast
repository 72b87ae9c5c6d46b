;;! design = "effect-handlers"
;; Erlang-style actors with deep handlers: `receive` on an empty mailbox performs $block; the
;; clause parks the continuation in the actor's slot and returns to the main loop. A token
;; travels once around a ring of N actors. Same transcript as testsuite/raw-stacks/actors.wast.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func))
  (type $k (cont $ft))
  (tag $block (param i32))                 ;; the id of the actor that blocks

  ;; mailboxes at 4 * id (value + 1; 0 = empty); started flags at 0x30000 + id;
  ;; run queue of ids: 32768 slots at 0x10000
  (memory 4)
  (table $parked 32768 (ref null $k))
  (global $n (mut i32) (i32.const 0))
  (global $result (mut i32) (i32.const 0))
  (global $head (mut i32) (i32.const 0))
  (global $tail (mut i32) (i32.const 0))
  (global $switches (mut i32) (i32.const 0))

  (func $enqueue (param $id i32)
    (i32.store (i32.add (i32.const 0x10000) (i32.shl (global.get $tail) (i32.const 2)))
      (local.get $id))
    (global.set $tail (i32.and (i32.add (global.get $tail) (i32.const 1)) (i32.const 32767))))
  (func $dequeue (result i32)
    (i32.load (i32.add (i32.const 0x10000) (i32.shl (global.get $head) (i32.const 2))))
    (global.set $head (i32.and (i32.add (global.get $head) (i32.const 1)) (i32.const 32767))))

  (func $send (param $to i32) (param $v i32)
    (i32.store (i32.shl (local.get $to) (i32.const 2)) (i32.add (local.get $v) (i32.const 1)))
    (call $enqueue (local.get $to)))

  (func $receive (param $id i32) (result i32)
    (local $v i32)
    (block $got
      (loop $wait
        (br_if $got (i32.load (i32.shl (local.get $id) (i32.const 2))))
        (perform $block (local.get $id))
        (br $wait)))
    (local.set $v (i32.sub (i32.load (i32.shl (local.get $id) (i32.const 2))) (i32.const 1)))
    (i32.store (i32.shl (local.get $id) (i32.const 2)) (i32.const 0))
    (local.get $v))

  (func $actor (param $id i32)
    (local $v i32)
    (loop $l
      (local.set $v (call $receive (local.get $id)))
      (if (i32.eq (local.get $id) (i32.sub (global.get $n) (i32.const 1)))
        (then
          (global.set $result (i32.add (local.get $v) (i32.const 1)))
          (call $print (global.get $result))
          (return)))
      (call $send (i32.add (local.get $id) (i32.const 1)) (i32.add (local.get $v) (i32.const 1)))
      (br $l)))

  (func $start (param $id i32)
    (handle
      (do (call $actor (local.get $id)))
      (on $block $k (table.set $parked))))

  (func (export "ring") (param $n i32) (result i32)
    (local $i i32) (local $id i32) (local $c (ref null $k))
    (global.set $n (local.get $n))
    (global.set $result (i32.const 0))
    (global.set $head (i32.const 0))
    (global.set $tail (i32.const 0))
    (global.set $switches (i32.const 0))
    (memory.fill (i32.const 0) (i32.const 0) (i32.shl (local.get $n) (i32.const 2)))
    (memory.fill (i32.const 0x30000) (i32.const 0) (local.get $n))
    (table.fill $parked (i32.const 0) (ref.null $k) (local.get $n))
    (block $spawned
      (loop $l
        (br_if $spawned (i32.ge_u (local.get $i) (local.get $n)))
        (call $enqueue (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (call $send (i32.const 0) (i32.const 0))
    (block $empty
      (loop $l
        (br_if $empty (i32.eq (global.get $head) (global.get $tail)))
        (local.set $id (call $dequeue))
        (if (i32.eqz (i32.load8_u (i32.add (i32.const 0x30000) (local.get $id))))
          (then
            ;; first time: start it under its own handle
            (i32.store8 (i32.add (i32.const 0x30000) (local.get $id)) (i32.const 1))
            (global.set $switches (i32.add (global.get $switches) (i32.const 1)))
            (call $start (local.get $id))
            (br $l)))
        (local.set $c (table.get $parked (local.get $id)))
        (table.set $parked (local.get $id) (ref.null $k))
        (br_if $l (ref.is_null (local.get $c)))
        (global.set $switches (i32.add (global.get $switches) (i32.const 1)))
        (continue $k (local.get $c))
        (br $l)))
    (global.get $result))

  (func (export "switches") (result i32) (global.get $switches))
  (func (export "blocked") (result i32)
    (local $i i32) (local $c i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (global.get $n)))
        (if (i32.eqz (ref.is_null (table.get $parked (local.get $i))))
          (then (local.set $c (i32.add (local.get $c) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $c))
)

(assert_return (invoke "ring" (i32.const 1)) (i32.const 1))
(assert_return (invoke "ring" (i32.const 5)) (i32.const 5))
(assert_return (invoke "blocked") (i32.const 4))
(assert_return (invoke "ring" (i32.const 10000)) (i32.const 10000))
(assert_return (invoke "blocked") (i32.const 9999))
(assert_return (invoke "switches") (i32.const 19999))

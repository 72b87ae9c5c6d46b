;;! design = "raw-stacks"
;; Erlang-style actors: N processes, each a stack blocked in `receive` (a switch to the
;; scheduler on the root). A token travels once around a ring: actor i receives v and sends
;; v + 1 to actor i + 1; the last actor records the result and retires. The other actors stay
;; blocked in receive when the run queue drains.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (rec
    (type $sched (stack (param i32) (ref null $actor)))  ;; (id of the actor that blocked, it)
    (type $actor (stack (ref $sched))))
  (type $actorArgs (stack (param i32) (ref $sched)))

  ;; mailboxes: one i32 per actor at 4 * id (value + 1; 0 = empty);
  ;; run queue of actor ids: 32768 slots at 0x10000
  (memory 3)
  (table $actors 32768 (ref null $actor))
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

  ;; receive: block until the mailbox is full, then take the message
  (func $receive (param $id i32) (param $s (ref $sched)) (result i32 (ref $sched))
    (local $v i32)
    (block $got
      (loop $wait
        (br_if $got (i32.load (i32.shl (local.get $id) (i32.const 2))))
        (local.set $s (stack.switch $sched (local.get $id) (local.get $s)))
        (br $wait)))
    (local.set $v (i32.sub (i32.load (i32.shl (local.get $id) (i32.const 2))) (i32.const 1)))
    (i32.store (i32.shl (local.get $id) (i32.const 2)) (i32.const 0))
    (local.get $v)
    (local.get $s))

  (func $actor (param $id i32) (param $s (ref $sched))
    (local $v i32)
    (loop $l
      (call $receive (local.get $id) (local.get $s))
      (local.set $s)
      (local.set $v)
      (if (i32.eq (local.get $id) (i32.sub (global.get $n) (i32.const 1)))
        (then
          (global.set $result (i32.add (local.get $v) (i32.const 1)))
          (call $print (global.get $result))
          (stack.switch_retire $sched (i32.const -1) (local.get $s))))
      (call $send (i32.add (local.get $id) (i32.const 1)) (i32.add (local.get $v) (i32.const 1)))
      (br $l)))

  (func (export "ring") (param $n i32) (result i32)
    (local $i i32) (local $id i32) (local $a (ref null $actor))
    (global.set $n (local.get $n))
    (global.set $result (i32.const 0))
    (global.set $head (i32.const 0))
    (global.set $tail (i32.const 0))
    (global.set $switches (i32.const 0))
    (memory.fill (i32.const 0) (i32.const 0) (i32.shl (local.get $n) (i32.const 2)))
    ;; spawn
    (block $spawned
      (loop $l
        (br_if $spawned (i32.ge_u (local.get $i) (local.get $n)))
        (table.set $actors (local.get $i)
          (stack.bind $actorArgs $actor (local.get $i) (stack.new $actorArgs $actor)))
        (call $enqueue (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (call $send (i32.const 0) (i32.const 0))
    ;; schedule
    (block $empty
      (loop $l
        (br_if $empty (i32.eq (global.get $head) (global.get $tail)))
        (local.set $id (call $dequeue))
        (local.set $a (table.get $actors (local.get $id)))
        (table.set $actors (local.get $id) (ref.null $actor))
        (br_if $l (ref.is_null (local.get $a)))
        (global.set $switches (i32.add (global.get $switches) (i32.const 1)))
        (stack.switch $actor (local.get $a))
        (local.set $a)
        (local.set $id)
        (if (i32.eqz (ref.is_null (local.get $a)))
          (then (table.set $actors (local.get $id) (local.get $a))))
        (br $l)))
    (global.get $result))

  (func (export "switches") (result i32) (global.get $switches))
  (func (export "blocked") (result i32)
    ;; how many actors are still blocked in receive
    (local $i i32) (local $c i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (global.get $n)))
        (if (i32.eqz (ref.is_null (table.get $actors (local.get $i))))
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
;; every actor is switched to twice (its spawn entry, where its message is already waiting,
;; then the entry its sender queued, where it blocks again), except the last one, which retires
(assert_return (invoke "switches") (i32.const 19999))

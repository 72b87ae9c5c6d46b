;;! design = "effect-handlers"
;; Cancellation with deep handlers.
;; - discontinue raises $cancel at the worker's perform site: the worker unwinds through its own
;;   handlers (closing its resource) and its handle finishes with an acknowledgement.
;; - dropping the continuation runs nothing: no cleanup happens (the analogue of
;;   raw-stacks' stack.release; but a dropped reference is not consumed, see "cancel-dropped").
;; Same numbers as testsuite/raw-stacks/cancellation.wast where the designs agree.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func (result i32)))
  (type $k (cont $ft))
  (tag $wait (param i32))                  ;; reports progress, waits for "go on"
  (tag $cancel (param i32))

  (global $open (mut i32) (i32.const 0))
  (global $cleaned (mut i32) (i32.const 0))
  (global $w (mut (ref null $k)) (ref.null $k))
  (table $ws 0 (ref null $k))

  (func $pause (param $progress i32) (perform $wait (local.get $progress)))
  (func $step (param $progress i32) (call $pause (i32.add (local.get $progress) (i32.const 1))))
  (func $worker (result i32)
    (local $progress i32)
    (global.set $open (i32.add (global.get $open) (i32.const 1)))
    (block $cancelled (result i32)
      (try_table (catch $cancel $cancelled)
        (loop $l
          (call $step (local.get $progress))
          (local.set $progress (i32.add (local.get $progress) (i32.const 1)))
          (br $l)))
      (unreachable))
    (global.set $open (i32.sub (global.get $open) (i32.const 1)))
    (call $print (local.get $progress))   ;; the cleanup reports how far it got
    (global.set $cleaned (i32.add (global.get $cleaned) (i32.const 1)))
    (i32.add (local.get $progress)))

  ;; run a new worker to its first wait; the clause parks it in $w
  (func $start
    (drop
      (handle (result i32)
        (do (call $worker))
        (on $wait $k (global.set $w) (drop) (i32.const 0)))))
  (func $go-on
    (drop (continue $k (global.get $w))))

  (func (export "cancel") (param $k i32) (result i32)
    (local $i i32)
    (call $start)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
        (call $go-on)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (discontinue $k $cancel (i32.const 1000) (global.get $w)))

  (func (export "drop") (param $k i32) (result i32)
    (local $i i32)
    (call $start)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
        (call $go-on)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (global.set $w (ref.null $k))
    (global.get $open))

  (func (export "cancel-twice") (result i32)
    (local $c (ref null $k))
    (call $start)
    (local.set $c (global.get $w))
    (drop (discontinue $k $cancel (i32.const 1) (local.get $c)))
    (discontinue $k $cancel (i32.const 1) (local.get $c)))
  ;; a reference that someone dropped is still good for whoever else holds it
  (func (export "cancel-dropped") (result i32)
    (local $c (ref null $k))
    (call $start)
    (local.set $c (global.get $w))
    (global.set $w (ref.null $k))
    (discontinue $k $cancel (i32.const 1) (local.get $c)))
  (func (export "cancel-null") (result i32)
    (discontinue $k $cancel (i32.const 1) (ref.null $k)))

  (func (export "cancel-all") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (drop (table.grow $ws (ref.null $k) (local.get $n)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $start)
        (table.set $ws (local.get $i) (global.get $w))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (i32.add (local.get $sum)
            (discontinue $k $cancel (local.get $i) (table.get $ws (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $sum))

  (func (export "open") (result i32) (global.get $open))
  (func (export "cleaned") (result i32) (global.get $cleaned))
)

(assert_return (invoke "cancel" (i32.const 0)) (i32.const 1000))
(assert_return (invoke "cancel" (i32.const 5)) (i32.const 1005))
(assert_return (invoke "open") (i32.const 0))
(assert_return (invoke "cleaned") (i32.const 2))
(assert_return (invoke "drop" (i32.const 3)) (i32.const 1))
(assert_return (invoke "cleaned") (i32.const 2))
(assert_trap (invoke "cancel-twice") "continuation already consumed")
(assert_return (invoke "cancel-dropped") (i32.const 1))
(assert_trap (invoke "cancel-null") "null continuation reference")
(assert_return (invoke "cancel-all" (i32.const 100)) (i32.const 4950))
(assert_return (invoke "cleaned") (i32.const 104))

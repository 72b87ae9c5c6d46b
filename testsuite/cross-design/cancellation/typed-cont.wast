;;! design = "typed-cont"
;; Cancellation with typed continuations: resume_throw raises $cancel at the worker's suspend;
;; the worker cleans up and returns its acknowledgement to the resume_throw. Dropping the
;; continuation runs nothing. Same exports as the other two; see README.md for the traps.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func (result i32)))
  (type $ct (cont $ft))
  (tag $wait (param i32))
  (tag $cancel (param i32))

  (global $open (mut i32) (i32.const 0))
  (global $cleaned (mut i32) (i32.const 0))
  (global $w (mut (ref null $ct)) (ref.null $ct))
  (table $ws 0 (ref null $ct))

  (func $pause (param $progress i32) (suspend $wait (local.get $progress)))
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
  (elem declare func $worker)

  ;; run the worker (new or parked) to its next wait and park it in $w
  (func $run (param $c (ref null $ct))
    (block $on_wait (result i32 (ref $ct))
      (drop (resume $ct (on $wait $on_wait) (local.get $c)))
      (return))
    (global.set $w)
    (drop))
  (func $start (call $run (cont.new $ct (ref.func $worker))))
  (func $go-on (call $run (global.get $w)))

  (func (export "cancel") (param $k i32) (result i32)
    (local $i i32)
    (call $start)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
        (call $go-on)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (resume_throw $ct $cancel (i32.const 1000) (global.get $w)))

  (func (export "drop") (param $k i32) (result i32)
    (local $i i32)
    (call $start)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
        (call $go-on)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (global.set $w (ref.null $ct))
    (global.get $open))

  (func (export "cancel-twice") (result i32)
    (local $c (ref null $ct))
    (call $start)
    (local.set $c (global.get $w))
    (drop (resume_throw $ct $cancel (i32.const 1) (local.get $c)))
    (resume_throw $ct $cancel (i32.const 1) (local.get $c)))
  (func (export "cancel-dropped") (result i32)
    (local $c (ref null $ct))
    (call $start)
    (local.set $c (global.get $w))
    (global.set $w (ref.null $ct))
    (resume_throw $ct $cancel (i32.const 1) (local.get $c)))
  (func (export "cancel-null") (result i32)
    (resume_throw $ct $cancel (i32.const 1) (ref.null $ct)))

  (func (export "cancel-all") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (drop (table.grow $ws (ref.null $ct) (local.get $n)))
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
            (resume_throw $ct $cancel (local.get $i) (table.get $ws (local.get $i)))))
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

;;! design = "raw-stacks"
;; Cancellation with raw stacks: stack.switch_throw raises $cancel at the worker's pending
;; switch; the worker cleans up and retires into the canceller with its acknowledgement.
;; "drop" uses stack.release: nothing runs on the worker. Same exports as the other two; see
;; README.md for the traps.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (rec
    (type $co (stack (param i32) (ref null $ge)))   ;; the canceller receives progress / acks
    (type $ge (stack (param i32) (ref $co))))       ;; a worker receives "go on"
  (tag $cancel (param i32 (ref $co)))

  (global $open (mut i32) (i32.const 0))            ;; resources currently open
  (global $cleaned (mut i32) (i32.const 0))         ;; cleanups that ran

  ;; works in steps; between steps it waits for "go on"; holds a resource meanwhile.
  ;; the waiting happens two calls deep, so a cancel unwinds frames.
  (func $wait (param $progress i32) (param $back (ref $co)) (result i32 (ref $co))
    (stack.switch $co (local.get $progress) (local.get $back)))
  (func $step (param $progress i32) (param $back (ref $co)) (result i32 (ref $co))
    (call $wait (i32.add (local.get $progress) (i32.const 1)) (local.get $back)))
  (func $worker (param $x i32) (param $back (ref $co))
    (local $progress i32)
    (global.set $open (i32.add (global.get $open) (i32.const 1)))
    (block $cancelled (result i32 (ref $co))
      (try_table (catch $cancel $cancelled)
        (loop $l
          (call $step (local.get $progress) (local.get $back))
          (local.set $back) (drop)
          (local.set $progress (i32.add (local.get $progress) (i32.const 1)))
          (br $l)))
      (unreachable))
    ;; cleanup: close the resource, acknowledge with code + progress
    (local.set $back)
    (global.set $open (i32.sub (global.get $open) (i32.const 1)))
    (call $print (local.get $progress))   ;; the cleanup reports how far it got
    (global.set $cleaned (i32.add (global.get $cleaned) (i32.const 1)))
    (i32.add (local.get $progress))
    (local.get $back)
    (stack.switch_retire $co))

  ;; start a worker, let it make k steps, then cancel it with code 1000
  (func (export "cancel") (param $k i32) (result i32)
    (local $w (ref null $ge)) (local $i i32)
    (local.set $w (stack.new $ge $worker))
    (block $done
      (loop $l
        (stack.switch $ge (i32.const 0) (local.get $w))
        (local.set $w) (drop)
        (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (stack.switch_throw $ge $cancel (i32.const 1000) (local.get $w))
    (drop))

  ;; the same, but drop the worker with stack.release: its resource stays open
  (func (export "drop") (param $k i32) (result i32)
    (local $w (ref null $ge)) (local $i i32)
    (local.set $w (stack.new $ge $worker))
    (block $done
      (loop $l
        (stack.switch $ge (i32.const 0) (local.get $w))
        (local.set $w) (drop)
        (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (stack.release $ge (local.get $w))
    (global.get $open))

  (func (export "cancel-twice") (result i32)
    (local $w (ref null $ge))
    (stack.switch $ge (i32.const 0) (stack.new $ge $worker))
    (local.set $w) (drop)
    (stack.switch_throw $ge $cancel (i32.const 1) (local.get $w)) (drop) (drop)
    (stack.switch_throw $ge $cancel (i32.const 1) (local.get $w)) (drop))
  ;; a reference that someone dropped is still good for whoever else holds a copy
  (func (export "cancel-dropped") (result i32)
    (local $w (ref null $ge)) (local $copy (ref null $ge))
    (stack.switch $ge (i32.const 0) (stack.new $ge $worker))
    (local.set $w) (drop)
    (local.set $copy (local.get $w))
    (local.set $w (ref.null $ge))
    (stack.switch_throw $ge $cancel (i32.const 1) (local.get $copy)) (drop))
  (func (export "cancel-null") (result i32)
    (stack.switch_throw $ge $cancel (i32.const 1) (ref.null $ge)) (drop))

  ;; start n workers, then cancel them all; returns the sum of the acknowledgements
  (func (export "cancel-all") (param $n i32) (result i32)
    (local $i i32) (local $sum i32) (local $w (ref null $ge))
    (table.grow $ws (ref.null $ge) (local.get $n)) (drop)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (stack.switch $ge (i32.const 0) (stack.new $ge $worker))
        (local.set $w) (drop)
        (table.set $ws (local.get $i) (local.get $w))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (stack.switch_throw $ge $cancel (local.get $i) (table.get $ws (local.get $i)))
        (drop)
        (local.set $sum (i32.add (local.get $sum)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $sum))
  (table $ws 0 (ref null $ge))

  (func (export "open") (result i32) (global.get $open))
  (func (export "cleaned") (result i32) (global.get $cleaned))
)

;; k steps: progress k, ack = 1000 + k
(assert_return (invoke "cancel" (i32.const 0)) (i32.const 1000))
(assert_return (invoke "cancel" (i32.const 5)) (i32.const 1005))
(assert_return (invoke "open") (i32.const 0))
(assert_return (invoke "cleaned") (i32.const 2))
(assert_return (invoke "drop" (i32.const 3)) (i32.const 1))
(assert_return (invoke "cleaned") (i32.const 2))
(assert_trap (invoke "cancel-twice") "stack already consumed")
(assert_return (invoke "cancel-dropped") (i32.const 1))
(assert_trap (invoke "cancel-null") "null stack reference")
(assert_return (invoke "cancel-all" (i32.const 100)) (i32.const 4950))
(assert_return (invoke "cleaned") (i32.const 104))

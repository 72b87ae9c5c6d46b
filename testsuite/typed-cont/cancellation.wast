;; Cancellation: a supervisor steps tasks round-robin and, when its budget runs out,
;; aborts the unfinished ones with resume_throw. Tasks hold a resource and release it in a
;; catch_all_ref cleanup that lets the exception go on, so nothing leaks.

(module
  (type $tf (func (result i32)))
  (type $tk (cont $tf))
  (type $wf (func (param i32) (result i32)))
  (type $wk (cont $wf))

  (tag $tick)
  (tag $inner)
  (tag $cancel)

  (global $open (mut i32) (i32.const 0))
  (global $cleanups (mut i32) (i32.const 0))

  (func $acquire (global.set $open (i32.add (global.get $open) (i32.const 1))))
  (func $release (global.set $open (i32.sub (global.get $open) (i32.const 1))))

  ;; Takes n steps holding a resource; returns n.
  (func $worker (param $n i32) (result i32)
    (local $i i32)
    (call $acquire)
    (block $aborted (result exnref)
      (try_table (catch_all_ref $aborted)
        (loop $step
          (if (i32.lt_u (local.get $i) (local.get $n))
            (then
              (suspend $tick)
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $step)))))
      (call $release)
      (return (local.get $i)))
    (call $release)
    (global.set $cleanups (i32.add (global.get $cleanups) (i32.const 1)))
    (throw_ref))
  (elem declare func $worker)

  (table $tasks 4 (ref null $tk))

  (func $spawn (param $slot i32) (param $n i32)
    (table.set $tasks (local.get $slot)
      (cont.bind $wk $tk (local.get $n) (cont.new $wk (ref.func $worker)))))

  ;; Runs four workers (2, 5, 9 and 3 steps) for some rounds, then cancels the rest.
  ;; Result: 100 * (sum of finished results) + 10 * cancelled + resources still open.
  (func (export "budget") (param $rounds i32) (result i32)
    (local $r i32)
    (local $i i32)
    (local $done-sum i32)
    (local $cancelled i32)
    (local $k (ref null $tk))
    (global.set $open (i32.const 0))
    (global.set $cleanups (i32.const 0))
    (call $spawn (i32.const 0) (i32.const 2))
    (call $spawn (i32.const 1) (i32.const 5))
    (call $spawn (i32.const 2) (i32.const 9))
    (call $spawn (i32.const 3) (i32.const 3))
    (loop $round
      (if (i32.lt_u (local.get $r) (local.get $rounds))
        (then
          (local.set $i (i32.const 0))
          (loop $each
            (if (i32.lt_u (local.get $i) (i32.const 4))
              (then
                (local.set $k (table.get $tasks (local.get $i)))
                (table.set $tasks (local.get $i) (ref.null $tk))
                (if (i32.eqz (ref.is_null (local.get $k)))
                  (then
                    (block $on-tick (result (ref $tk))
                      (local.set $done-sum (i32.add (local.get $done-sum)
                        (resume $tk (on $tick $on-tick) (local.get $k))))
                      (br 1))
                    (local.set $k)
                    (table.set $tasks (local.get $i) (local.get $k))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $each))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $round))))
    ;; Out of budget: cancel whatever is left.
    (local.set $i (i32.const 0))
    (loop $cancel-each
      (if (i32.lt_u (local.get $i) (i32.const 4))
        (then
          (local.set $k (table.get $tasks (local.get $i)))
          (table.set $tasks (local.get $i) (ref.null $tk))
          (if (i32.eqz (ref.is_null (local.get $k)))
            (then
              (block $gone
                (try_table (catch $cancel $gone)
                  (drop (resume_throw $tk $cancel (local.get $k)))))
              (local.set $cancelled (i32.add (local.get $cancelled) (i32.const 1)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $cancel-each))))
    (i32.add
      (i32.add (i32.mul (local.get $done-sum) (i32.const 100))
               (i32.mul (local.get $cancelled) (i32.const 10)))
      (global.get $open)))

  (func (export "cleanups") (result i32) (global.get $cleanups))

  ;; A task that treats cancellation as "stop early" and returns its progress, negated.
  (func $polite (result i32)
    (local $i i32)
    (block $stop
      (try_table (catch $cancel $stop)
        (loop $step
          (suspend $tick)
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $step))))
    (i32.sub (i32.const 0) (local.get $i)))

  ;; On cancellation it needs one more step (to flush) before it stops.
  (func $flushing (result i32)
    (block $stop
      (try_table (catch $cancel $stop)
        (loop $step
          (suspend $tick)
          (br $step))))
    (suspend $tick)
    (i32.const 77))

  ;; Runs a sub-task under its own prompt; both levels hold a resource.
  (func $outer-task (result i32)
    (call $acquire)
    (block $aborted (result exnref)
      (try_table (catch_all_ref $aborted)
        (block $on-inner (result (ref $tk))
          (return
            (resume $tk (on $inner $on-inner)
              (cont.bind $wk $tk (i32.const 100) (cont.new $wk (ref.func $worker))))))
        (unreachable))
      (unreachable))
    (call $release)
    (global.set $cleanups (i32.add (global.get $cleanups) (i32.const 1)))
    (throw_ref))
  (elem declare func $polite $flushing $outer-task)

  ;; Steps a task n times (it must tick each time) and returns it.
  (func $step-n (param $k (ref $tk)) (param $n i32) (result (ref $tk))
    (loop $l
      (if (local.get $n)
        (then
          (block $on-tick (result (ref $tk))
            (drop (resume $tk (on $tick $on-tick) (local.get $k)))
            (unreachable))
          (local.set $k)
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l))))
    (local.get $k))

  (func (export "polite") (result i32)
    (resume_throw $tk $cancel
      (call $step-n (cont.new $tk (ref.func $polite)) (i32.const 3))))

  (func (export "flushing") (result i32)
    (local $k (ref $tk))
    (block $on-tick (result (ref $tk))
      (return
        (resume_throw $tk $cancel (on $tick $on-tick)
          (call $step-n (cont.new $tk (ref.func $flushing)) (i32.const 2)))))
    (local.set $k)
    (resume $tk (local.get $k)))

  ;; The exception starts inside the sub-task and unwinds both levels.
  (func (export "nested") (result i32)
    (global.set $open (i32.const 0))
    (global.set $cleanups (i32.const 0))
    (block $gone
      (try_table (catch $cancel $gone)
        (drop (resume_throw $tk $cancel
          (call $step-n (cont.new $tk (ref.func $outer-task)) (i32.const 1))))))
    (i32.add (i32.mul (global.get $cleanups) (i32.const 10)) (global.get $open)))

  ;; The task's cleanup rethrows and nobody outside catches the cancellation.
  (func (export "uncaught") (result i32)
    (resume_throw $tk $cancel
      (call $step-n
        (cont.bind $wk $tk (i32.const 5) (cont.new $wk (ref.func $worker)))
        (i32.const 1))))

  ;; The flushing task suspends again, but this resume_throw lists no handler.
  (func (export "flush-unhandled") (result i32)
    (resume_throw $tk $cancel
      (call $step-n (cont.new $tk (ref.func $flushing)) (i32.const 1))))
)

(assert_return (invoke "budget" (i32.const 0)) (i32.const 40))
(assert_return (invoke "cleanups") (i32.const 0))
(assert_return (invoke "budget" (i32.const 1)) (i32.const 40))
(assert_return (invoke "cleanups") (i32.const 4))
(assert_return (invoke "budget" (i32.const 4)) (i32.const 520))
(assert_return (invoke "cleanups") (i32.const 2))
(assert_return (invoke "budget" (i32.const 10)) (i32.const 1900))
(assert_return (invoke "cleanups") (i32.const 0))
(assert_return (invoke "polite") (i32.const -2))
(assert_return (invoke "flushing") (i32.const 77))
(assert_return (invoke "nested") (i32.const 20))
(assert_exception (invoke "uncaught"))
(assert_suspension (invoke "flush-unhandled") "unhandled")

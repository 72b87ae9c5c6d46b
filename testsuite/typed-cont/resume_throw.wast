;; resume_throw and resume_throw_ref: rules resume_throw, resume_throw-unstarted,
;; resume_throw_ref, the shared resume-null / resume-consumed checks, and validation.

(module
  (type $f (func (result i32)))
  (type $k (cont $f))
  (type $f-p (func (param i32) (result i32)))
  (type $k-p (cont $f-p))

  (tag $stop (param i32))
  (tag $other (param i64))
  (tag $pause)
  (tag $pause-i (result i32))

  (global $entered (mut i32) (i32.const 0))
  (global $cleanups (mut i32) (i32.const 0))

  ;; Suspends, and turns a $stop raised at the suspension point into a result.
  (func $catching (result i32)
    (block $caught (result i32)
      (try_table (catch $stop $caught)
        (suspend $pause)
        (return (i32.const -1)))
      (unreachable))
    (i32.add (i32.const 1000)))
  ;; Suspends; does not catch anything.
  (func $plain (result i32)
    (global.set $entered (i32.const 1))
    (suspend $pause)
    (i32.const -1))
  ;; Catches $stop, then suspends again before finishing.
  (func $catch-then-pause (result i32)
    (local $v i32)
    (block $caught (result i32)
      (try_table (catch $stop $caught)
        (suspend $pause)
        (return (i32.const -1)))
      (unreachable))
    (local.set $v)
    (i32.add (local.get $v) (suspend $pause-i)))
  ;; Runs cleanup code on any exception and lets it continue outward.
  (func $with-cleanup (result i32)
    (block $any (result exnref)
      (try_table (catch_all_ref $any)
        (suspend $pause)
        (return (i32.const -1)))
      (unreachable))
    (global.set $cleanups (i32.add (global.get $cleanups) (i32.const 1)))
    (throw_ref))
  (func $never-entered (param i32) (result i32)
    (global.set $entered (i32.const 1))
    (i32.const -1))
  (elem declare func $catching $plain $catch-then-pause $with-cleanup $never-entered)

  ;; Runs $fn up to its first $pause and returns the continuation.
  (func $start (param $fn (ref $f)) (result (ref $k))
    (block $on-pause (result (ref $k))
      (drop (resume $k (on $pause $on-pause) (cont.new $k (local.get $fn))))
      (unreachable)))

  ;; resume_throw: the continuation catches the exception at its suspension point.
  (func (export "caught-inside") (result i32)
    (resume_throw $k $stop (i32.const 7) (call $start (ref.func $catching))))

  ;; resume_throw: the handlers of resume_throw apply to later suspensions.
  (func (export "handlers-apply") (result i32)
    (local $k2 (ref $k-p))
    (block $on-pause-i (result (ref $k-p))
      (return
        (resume_throw $k $stop (on $pause-i $on-pause-i)
          (i32.const 30) (call $start (ref.func $catch-then-pause)))))
    (local.set $k2)
    (resume $k-p (i32.const 12) (local.get $k2)))

  ;; resume_throw: an uncaught exception comes out of resume_throw with its payload.
  (func (export "escapes") (result i32)
    (block $out (result i32)
      (try_table (result i32) (catch $stop $out)
        (resume_throw $k $stop (i32.const 99) (call $start (ref.func $plain)))))
    (i32.add (i32.const 1)))

  ;; Only a matching catch clause outside sees it.
  (func (export "escapes-unmatched") (result i32)
    (block $out (result i64)
      (try_table (result i32) (catch $other $out)
        (resume_throw $k $stop (i32.const 99) (call $start (ref.func $plain))))
      (return))
    (drop)
    (i32.const -1))

  ;; resume_throw: cleanup code inside the continuation runs, then the exception escapes.
  (func (export "cleanup-runs") (result i32)
    (block $out
      (try_table (catch_all $out)
        (drop (resume_throw $k $stop (i32.const 0) (call $start (ref.func $with-cleanup))))))
    (global.get $cleanups))

  ;; resume_throw-unstarted: the function is never entered; the exception goes to the resumer.
  (func (export "unstarted") (result i32)
    (global.set $entered (i32.const 0))
    (block $out (result i32)
      (try_table (result i32) (catch $stop $out)
        (resume_throw $k $stop (i32.const 5)
          (cont.bind $k-p $k (i32.const 1) (cont.new $k-p (ref.func $never-entered))))))
    (i32.add (global.get $entered)))

  ;; resume_throw-unstarted even when the continuation's function would catch the tag.
  (func (export "unstarted-catching") (result i32)
    (block $out (result i32)
      (try_table (result i32) (catch $stop $out)
        (resume_throw $k $stop (i32.const 6) (cont.new $k (ref.func $catching)))))
    (i32.add (i32.const 10)))

  (func (export "uncaught-to-host") (result i32)
    (resume_throw $k $stop (i32.const 1) (call $start (ref.func $plain))))

  ;; resume_throw consumes the continuation, even when the exception escapes.
  (func (export "consumed-after-escape") (result i32)
    (local $c (ref $k))
    (local.set $c (call $start (ref.func $plain)))
    (block $out
      (try_table (catch_all $out)
        (drop (resume_throw $k $stop (i32.const 0) (local.get $c)))))
    (resume $k (local.get $c)))

  ;; resume-consumed / resume-null for resume_throw.
  (func (export "throw-consumed") (result i32)
    (local $c (ref $k))
    (local.set $c (call $start (ref.func $catching)))
    (drop (resume_throw $k $stop (i32.const 1) (local.get $c)))
    (resume_throw $k $stop (i32.const 1) (local.get $c)))
  (func (export "throw-null") (result i32)
    (resume_throw $k $stop (i32.const 1) (ref.null $k)))

  ;; resume_throw_ref: rethrows an existing exception at the suspension point.
  (func $make-exn (param i32) (result exnref)
    (block $got (result exnref)
      (try_table (catch_all_ref $got)
        (throw $stop (local.get 0)))
      (unreachable)))

  (func (export "ref-caught-inside") (result i32)
    (resume_throw_ref $k (call $make-exn (i32.const 8)) (call $start (ref.func $catching))))

  (func (export "ref-unstarted") (result i32)
    (block $out (result i32)
      (try_table (result i32) (catch $stop $out)
        (resume_throw_ref $k (call $make-exn (i32.const 3)) (cont.new $k (ref.func $catching)))))
    (i32.add (i32.const 20)))

  (func (export "ref-escapes") (result i32)
    (block $out (result i32)
      (try_table (result i32) (catch $stop $out)
        (resume_throw_ref $k (call $make-exn (i32.const 4)) (call $start (ref.func $plain)))))
    (i32.add (i32.const 30)))

  (func (export "ref-null-exn") (result i32)
    (resume_throw_ref $k (ref.null exn) (call $start (ref.func $catching))))
  (func (export "ref-null-cont") (result i32)
    (resume_throw_ref $k (call $make-exn (i32.const 0)) (ref.null $k)))
  (func (export "ref-consumed") (result i32)
    (local $c (ref $k))
    (local.set $c (call $start (ref.func $catching)))
    (drop (resume_throw_ref $k (call $make-exn (i32.const 0)) (local.get $c)))
    (resume_throw_ref $k (call $make-exn (i32.const 0)) (local.get $c)))
)

(assert_return (invoke "caught-inside") (i32.const 1007))
(assert_return (invoke "handlers-apply") (i32.const 42))
(assert_return (invoke "escapes") (i32.const 100))
(assert_exception (invoke "escapes-unmatched"))
(assert_return (invoke "cleanup-runs") (i32.const 1))
(assert_return (invoke "unstarted") (i32.const 5))
(assert_return (invoke "unstarted-catching") (i32.const 16))
(assert_exception (invoke "uncaught-to-host"))
(assert_trap (invoke "consumed-after-escape") "continuation already consumed")
(assert_trap (invoke "throw-consumed") "continuation already consumed")
(assert_trap (invoke "throw-null") "null continuation reference")
(assert_return (invoke "ref-caught-inside") (i32.const 1008))
(assert_return (invoke "ref-unstarted") (i32.const 23))
(assert_return (invoke "ref-escapes") (i32.const 34))
(assert_trap (invoke "ref-null-exn") "null exception reference")
(assert_trap (invoke "ref-null-cont") "null continuation reference")
(assert_trap (invoke "ref-consumed") "continuation already consumed")

;; Validation.

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (tag $e)
    (func (param (ref $k)) (resume_throw $f $e (local.get 0))))
  "non-continuation type 0")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param (ref $k)) (resume_throw $k 0 (local.get 0))))
  "unknown tag")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (tag $e (param i32 i32))
    (func (param (ref $k)) (resume_throw $k $e (i32.const 0) (local.get 0))))
  "type mismatch")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (tag $e (param f64))
    (func (param (ref $k)) (resume_throw $k $e (f32.const 0) (local.get 0))))
  "type mismatch")

;; The continuation's own parameters are not supplied by resume_throw.
(module
  (type $f (func (param i64 i64) (result i32)))
  (type $k (cont $f))
  (tag $e (param f32))
  (func (param (ref $k)) (result i32)
    (resume_throw $k $e (f32.const 0) (local.get 0)))
)

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param (ref $k)) (resume_throw_ref $k (local.get 0))))
  "type mismatch")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param (ref $k)) (param externref)
      (resume_throw_ref $k (local.get 1) (local.get 0))))
  "type mismatch")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param exnref) (param (ref $f))
      (resume_throw_ref $k (local.get 0) (local.get 1))))
  "type mismatch")

(assert_invalid
  (module
    (type $f (func (result i32)))
    (type $k (cont $f))
    (tag $e)
    (func (param (ref $k)) (result i64) (resume_throw $k $e (local.get 0))))
  "type mismatch")

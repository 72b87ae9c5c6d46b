;; suspend: rules suspend (the search), resume-suspend (handled), suspend-unhandled.

(module
  (type $f (func (result i32)))
  (type $k (cont $f))
  (type $f-i (func (param i32) (result i32)))
  (type $k-i (cont $f-i))
  (type $f-v (func))
  (type $k-v (cont $f-v))

  (tag $ask (param i32) (result i32))
  (tag $a)
  (tag $b)

  (global $trace (mut i32) (i32.const 0))
  ;; Appends a digit to the decimal trace.
  (func $mark (param i32)
    (global.set $trace
      (i32.add (i32.mul (global.get $trace) (i32.const 10)) (local.get 0))))

  ;; resume-suspend: the payload goes out, the resume value comes back.
  (func $asker (result i32)
    (i32.add (suspend $ask (i32.const 20)) (i32.const 1)))
  (elem declare func $asker)

  (func (export "payload-and-answer") (result i32)
    (local $k (ref $k-i))
    (local $x i32)
    (block $on-ask (result i32 (ref $k-i))
      (return (resume $k (on $ask $on-ask) (cont.new $k (ref.func $asker)))))
    (local.set $k)
    (local.set $x)
    ;; The handler answers twice the question.
    (resume $k-i (i32.mul (local.get $x) (i32.const 2)) (local.get $k)))

  ;; suspend: the captured part spans several frames.
  (func $deep3 (result i32) (suspend $ask (i32.const 3)))
  (func $deep2 (result i32) (i32.add (call $deep3) (i32.const 100)))
  (func $deep1 (result i32) (i32.add (call $deep2) (i32.const 1000)))
  (elem declare func $deep1)

  (func (export "across-calls") (result i32)
    (local $k (ref $k-i))
    (block $on-ask (result i32 (ref $k-i))
      (return (resume $k (on $ask $on-ask) (cont.new $k (ref.func $deep1)))))
    (local.set $k)
    (drop)
    (resume $k-i (i32.const 0) (local.get $k)))

  ;; Values below the resume on the resumer's stack stay where they are.
  (func (export "stack-below") (result i32)
    (i32.add
      (i32.const 5000)
      (block $on-ask (result i32 (ref $k-i))
        (return (resume $k (on $ask $on-ask) (cont.new $k (ref.func $asker)))))
      (drop)))

  ;; resume-suspend skips prompts that do not handle the tag; the captured continuation
  ;; contains them, so they handle again after the outer resume.
  (func $inner-body
    (call $mark (i32.const 1))
    (suspend $b)
    (call $mark (i32.const 3))
    (suspend $a)
    (call $mark (i32.const 9)))
  (elem declare func $inner-body)

  (func $middle
    (block $on-a (result (ref $k-v))
      (resume $k-v (on $a $on-a) (cont.new $k-v (ref.func $inner-body)))
      (return))
    (drop)
    (call $mark (i32.const 4)))
  (elem declare func $middle)

  (func (export "skip-inner-prompt") (result i32)
    (local $k (ref $k-v))
    (global.set $trace (i32.const 0))
    (block $on-b (result (ref $k-v))
      (resume $k-v (on $b $on-b) (cont.new $k-v (ref.func $middle)))
      (return (i32.const -1)))
    (local.set $k)
    (call $mark (i32.const 2))
    (resume $k-v (local.get $k))
    (call $mark (i32.const 5))
    (global.get $trace))

  ;; suspend: the innermost matching prompt wins.
  (func $inner-both
    (block $on-a (result (ref $k-v))
      (resume $k-v (on $a $on-a) (cont.new $k-v (ref.func $just-a)))
      (return))
    (drop)
    (call $mark (i32.const 7)))
  (func $just-a (suspend $a))
  (elem declare func $inner-both $just-a)

  (func (export "innermost-wins") (result i32)
    (global.set $trace (i32.const 0))
    (block $on-a (result (ref $k-v))
      (resume $k-v (on $a $on-a) (cont.new $k-v (ref.func $inner-both)))
      (call $mark (i32.const 1))
      (return (global.get $trace)))
    (drop)
    (i32.const -1))

  ;; suspend: within one prompt, the first clause for the tag wins.
  (func (export "first-clause-wins") (result i32)
    (block $second (result (ref $k-v))
      (block $first (result (ref $k-v))
        (resume $k-v (on $a $first) (on $a $second) (cont.new $k-v (ref.func $just-a)))
        (return (i32.const -1)))
      (drop)
      (return (i32.const 1)))
    (drop)
    (i32.const 2))

  ;; A suspension passes through try_table: catch_all does not catch it.
  (func $in-try
    (block $caught
      (try_table (catch_all $caught)
        (suspend $a))
      (call $mark (i32.const 6))
      (return))
    (call $mark (i32.const 8)))
  (elem declare func $in-try)

  (func (export "through-try") (result i32)
    (local $k (ref $k-v))
    (global.set $trace (i32.const 0))
    (block $on-a (result (ref $k-v))
      (resume $k-v (on $a $on-a) (cont.new $k-v (ref.func $in-try)))
      (return (i32.const -1)))
    (local.set $k)
    (call $mark (i32.const 5))
    (resume $k-v (local.get $k))
    (global.get $trace))

  ;; Handlers are not reinstalled: a loop must list them at every resume.
  (func $three-times
    (suspend $a) (suspend $a) (suspend $a))
  (elem declare func $three-times)

  (func (export "handler-per-resume") (result i32)
    (local $k (ref $k-v))
    (local $n i32)
    (local.set $k (cont.new $k-v (ref.func $three-times)))
    (loop $again
      (block $on-a (result (ref $k-v))
        (resume $k-v (on $a $on-a) (local.get $k))
        (return (local.get $n)))
      (local.set $k)
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $again))
    (unreachable))

  ;; suspend-unhandled: the second resume forgets the handler.
  (func (export "shallow") (result i32)
    (local $k (ref $k-v))
    (block $on-a (result (ref $k-v))
      (resume $k-v (on $a $on-a) (cont.new $k-v (ref.func $three-times)))
      (return (i32.const -1)))
    (local.set $k)
    (resume $k-v (local.get $k))
    (i32.const 0))

  ;; suspend-unhandled: no prompt at all.
  (func (export "bare")
    (suspend $a))

  ;; suspend-unhandled: prompts for other tags only.
  (func (export "other-tags-only")
    (block $on-b (result (ref $k-v))
      (resume $k-v (on $b $on-b) (cont.new $k-v (ref.func $just-a)))
      (return))
    (drop))

  ;; suspend-unhandled: a try_table around the resume does not catch a suspension.
  (func (export "not-an-exception") (result i32)
    (block $caught
      (try_table (catch_all $caught)
        (resume $k-v (cont.new $k-v (ref.func $just-a))))
      (return (i32.const 1)))
    (i32.const 2))

  ;; suspend-unhandled: the trace shows the code after the suspension never runs.
  (func $mark-then-suspend
    (call $mark (i32.const 4))
    (suspend $b)
    (call $mark (i32.const 4)))
  (elem declare func $mark-then-suspend)
  (func (export "reset") (global.set $trace (i32.const 0)))
  (func (export "unhandled-after-mark")
    (resume $k-v (cont.new $k-v (ref.func $mark-then-suspend))))
  (func (export "trace") (result i32) (global.get $trace))
)

(assert_return (invoke "payload-and-answer") (i32.const 41))
(assert_return (invoke "across-calls") (i32.const 1100))
(assert_return (invoke "stack-below") (i32.const 5020))
(assert_return (invoke "skip-inner-prompt") (i32.const 12345))
(assert_return (invoke "innermost-wins") (i32.const 71))
(assert_return (invoke "first-clause-wins") (i32.const 1))
(assert_return (invoke "through-try") (i32.const 56))
(assert_return (invoke "handler-per-resume") (i32.const 3))
(assert_suspension (invoke "shallow") "unhandled")
(assert_suspension (invoke "bare") "unhandled")
(assert_suspension (invoke "other-tags-only") "unhandled")
(assert_suspension (invoke "not-an-exception") "unhandled")
(assert_return (invoke "reset"))
(assert_suspension (invoke "unhandled-after-mark") "unhandled")
(assert_return (invoke "trace") (i32.const 4))

;; Validation.

(assert_invalid
  (module (func (suspend 0)))
  "unknown tag")

(assert_invalid
  (module
    (tag $t (param i32 i64))
    (func (suspend $t (i64.const 0) (i32.const 0))))
  "type mismatch")

(assert_invalid
  (module
    (tag $t (param i32))
    (func (suspend $t)))
  "type mismatch")

(assert_invalid
  (module
    (tag $t (result f64))
    (func (result f32) (suspend $t)))
  "type mismatch")

(module
  (tag $t (param i32 i64) (result f32 f64))
  (func (result f32 f64)
    (suspend $t (i32.const 1) (i64.const 2)))
)

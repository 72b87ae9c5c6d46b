;; Exceptions and traps across continuations: rule exception-through-prompt, and
;; exceptions that stay inside a continuation.

(module
  (type $f (func (result i32)))
  (type $k (cont $f))
  (type $f-i (func (param i32) (result i32)))
  (type $k-i (cont $f-i))

  (tag $oops (param i32))
  (tag $yield (param i32))

  (func $throws-at-once (result i32) (throw $oops (i32.const 1)))
  (func $throws-after-yield (result i32)
    (suspend $yield (i32.const 10))
    (throw $oops (i32.const 2)))
  (func $throws-deep (result i32) (call $level1))
  (func $level1 (result i32) (i32.add (call $level2) (i32.const 1)))
  (func $level2 (result i32) (throw $oops (i32.const 3)))
  (func $catches-own (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $oops $h)
        (call $level2)))
    (i32.add (i32.const 40)))
  (elem declare func $throws-at-once $throws-after-yield $throws-deep $catches-own)

  ;; exception-through-prompt: out of a fresh run.
  (func (export "through-resume") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $oops $h)
        (resume $k (cont.new $k (ref.func $throws-at-once)))))
    (i32.add (i32.const 100)))

  ;; exception-through-prompt: out of the second run, with handlers on the prompt.
  (func (export "after-yield") (result i32)
    (local $c (ref $k))
    (block $on-yield (result i32 (ref $k))
      (return (resume $k (on $yield $on-yield) (cont.new $k (ref.func $throws-after-yield)))))
    (local.set $c)
    (drop)
    (block $h (result i32)
      (try_table (result i32) (catch $oops $h)
        (resume $k (local.get $c))))
    (i32.add (i32.const 200))
    (return))

  ;; exception-through-prompt: from several frames deep inside the continuation.
  (func (export "deep") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $oops $h)
        (resume $k (cont.new $k (ref.func $throws-deep)))))
    (i32.add (i32.const 300)))

  ;; An exception caught inside the continuation never reaches the resumer: the resume
  ;; returns normally (43), and the block adds 1000 on that path too.
  (func (export "caught-inside") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $oops $h)
        (resume $k (cont.new $k (ref.func $catches-own)))))
    (i32.add (i32.const 1000)))

  ;; exception-through-prompt: through two nested prompts.
  (func $middle (result i32)
    (i32.add (i32.const 5) (resume $k (cont.new $k (ref.func $throws-deep)))))
  (elem declare func $middle)
  (func (export "two-prompts") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $oops $h)
        (resume $k (cont.new $k (ref.func $middle)))))
    (i32.add (i32.const 400)))

  ;; exception-through-prompt: a continuation whose exception escaped is gone.
  (global $kept (mut (ref null $k)) (ref.null $k))
  (func $keep-then-throw (result i32)
    (suspend $yield (i32.const 0))
    (throw $oops (i32.const 9)))
  (elem declare func $keep-then-throw)
  (func (export "dead-after-throw") (result i32)
    (block $on-yield (result i32 (ref $k))
      (return (resume $k (on $yield $on-yield) (cont.new $k (ref.func $keep-then-throw)))))
    (global.set $kept)
    (drop)
    (block $h (result i32)
      (try_table (result i32) (catch $oops $h)
        (resume $k (global.get $kept))))
    (drop)
    (resume $k (global.get $kept)))

  ;; Uncaught anywhere: the invocation ends with an exception.
  (func (export "uncaught") (result i32)
    (resume $k (cont.new $k (ref.func $throws-deep))))

  ;; Traps inside a continuation end the invocation.
  (func $traps (result i32) (i32.div_u (i32.const 1) (i32.const 0)))
  (func $unreachable-after-yield (result i32)
    (suspend $yield (i32.const 0))
    (unreachable))
  (elem declare func $traps $unreachable-after-yield)
  (func (export "trap-inside") (result i32)
    (block $h
      (try_table (catch_all $h)
        (drop (resume $k (cont.new $k (ref.func $traps))))))
    (i32.const -1))
  (func (export "trap-after-yield") (result i32)
    (block $on-yield (result i32 (ref $k))
      (return (resume $k (on $yield $on-yield) (cont.new $k (ref.func $unreachable-after-yield)))))
    (resume $k)
    (i32.add))
)

(assert_return (invoke "through-resume") (i32.const 101))
(assert_return (invoke "after-yield") (i32.const 202))
(assert_return (invoke "deep") (i32.const 303))
(assert_return (invoke "caught-inside") (i32.const 1043))
(assert_return (invoke "two-prompts") (i32.const 403))
(assert_trap (invoke "dead-after-throw") "continuation already consumed")
(assert_exception (invoke "uncaught"))
(assert_trap (invoke "trap-inside") "integer divide by zero")
(assert_trap (invoke "trap-after-yield") "unreachable")

;; An exception thrown by the handler code (outside the prompt) after a suspension.
(module
  (type $f (func (result i32)))
  (type $k (cont $f))
  (tag $yield)
  (tag $fail (param i32))
  (func $yields (result i32) (suspend $yield) (i32.const 0))
  (elem declare func $yields)
  (func (export "handler-throws") (result i32)
    (block $caught (result i32)
      (try_table (result i32) (catch $fail $caught)
        (block $on-yield (result (ref $k))
          (return (resume $k (on $yield $on-yield) (cont.new $k (ref.func $yields)))))
        (drop)
        (throw $fail (i32.const 55))))
    (return))
)
(assert_return (invoke "handler-throws") (i32.const 55))

;;! design = "raw-stacks"
;; Root stacks and host activations (proposals/raw-stacks/README.md §6).
;; Uses the re-entry host function `spectest.call_ref : [i32 funcref] -> [i32]`, which calls
;; its function argument as a new host activation on a fresh root stack.

(module
  (import "spectest" "call_ref" (func $call_ref (param i32 funcref) (result i32)))
  (rec
    (type $co (stack (param i32) (ref null $ge)))
    (type $ge (stack (param i32) (ref $co))))
  (tag $oops (param i32))
  (tag $hey (param i32 (ref null $ge)))

  (global $root (mut (ref null $co)) (ref.null $co))
  (global $saved (mut (ref null $ge)) (ref.null $ge))

  (func $inc (param $x i32) (param $back (ref $co))
    (stack.switch_retire $co (i32.add (local.get $x) (i32.const 1)) (local.get $back)))
  (func $doubler (param $x i32) (param $back (ref $co))
    (loop $l
      (stack.switch $co (i32.mul (local.get $x) (i32.const 2)) (local.get $back))
      (local.set $back) (local.set $x)
      (br $l)))

  (elem declare func $inner-root $inner-ok $inner-nonroot $inner-throws $inner-traps $plain)

  ;; ---- invoke-root: each host call runs on its own root; the root returns to the host
  (func $plain (param $x i32) (result i32) (i32.mul (local.get $x) (i32.const 3)))
  (func (export "plain") (result i32)
    (call $call_ref (i32.const 14) (ref.func $plain)))

  ;; ---- switch-root-other-activation, through re-entry:
  ;; root R1 -> stack S (saves R1's reference) -> host -> root R2 -> switch to R1: trap
  (func $inner-root (param $x i32) (result i32)
    (stack.switch $co (local.get $x) (global.get $root))
    (drop))
  (func $middle-root (param $x i32) (param $back (ref $co))
    (global.set $root (local.get $back))
    (drop (call $call_ref (local.get $x) (ref.func $inner-root)))
    (unreachable))
  (func (export "reenter-root") (result i32)
    (stack.switch $ge (i32.const 1) (stack.new $ge $middle-root))
    (drop))

  ;; a nested activation may use stacks of its own ...
  (func $inner-ok (param $x i32) (result i32)
    (stack.switch $ge (local.get $x) (stack.new $ge $inc))
    (drop))
  (func $middle-ok (param $x i32) (param $back (ref $co))
    (stack.switch_retire $co
      (call $call_ref (local.get $x) (ref.func $inner-ok))
      (local.get $back)))
  (func (export "reenter-ok") (result i32)
    (stack.switch $ge (i32.const 10) (stack.new $ge $middle-ok))
    (drop))

  ;; ... and suspended non-root stacks made by the outer activation
  (func $inner-nonroot (param $x i32) (result i32)
    (stack.switch $ge (local.get $x) (global.get $saved))
    (global.set $saved))
  (func (export "reenter-nonroot") (result i32)
    (stack.switch $ge (i32.const 1) (stack.new $ge $doubler))
    (global.set $saved) (drop)
    (call $call_ref (i32.const 21) (ref.func $inner-nonroot)))
  ;; the doubler now belongs to nobody in particular: a third activation can still use it
  (func (export "use-saved") (param $x i32) (result i32)
    (stack.switch $ge (local.get $x) (global.get $saved))
    (global.set $saved))

  ;; exceptions and traps of a nested activation come out of call_ref
  (func $inner-throws (param $x i32) (result i32) (throw $oops (local.get $x)))
  (func (export "reenter-throws") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $oops $h)
        (call $call_ref (i32.const 5) (ref.func $inner-throws)))
      (return))
    (i32.add (i32.const 100)))
  (func $middle-throws (param $x i32) (param $back (ref $co))
    ;; an exception out of call_ref on a non-root stack, caught there
    (block $h (result i32)
      (try_table (result i32) (catch $oops $h)
        (call $call_ref (local.get $x) (ref.func $inner-throws)))
      (unreachable))
    (local.get $back)
    (stack.switch_retire $co))
  (func (export "reenter-throws-on-stack") (result i32)
    (stack.switch $ge (i32.const 6) (stack.new $ge $middle-throws))
    (drop))
  (func $inner-traps (param $x i32) (result i32) (unreachable))
  (func (export "reenter-traps") (result i32)
    (call $call_ref (i32.const 0) (ref.func $inner-traps)))

  ;; call_ref's own checks
  (func (export "call_ref-null") (result i32)
    (call $call_ref (i32.const 0) (ref.null func)))
  (func $wrong-type (param i64) (result i32) (i32.const 0))
  (elem declare func $wrong-type)
  (func (export "call_ref-type") (result i32)
    (call $call_ref (i32.const 0) (ref.func $wrong-type)))

  ;; ---- an activation that ended in a trap leaves its root suspended for good
  (func $stash-and-trap (param i32) (param $back (ref $co))
    (global.set $root (local.get $back))
    (unreachable))
  (func (export "stash-root")
    (stack.switch $ge (i32.const 0) (stack.new $ge $stash-and-trap)) (drop) (drop))
  (func (export "switch-to-stashed-root") (result i32)
    (stack.switch $co (i32.const 0) (global.get $root)) (drop) (drop)
    (i32.const 0))
  (func (export "retire-to-stashed-root")
    (stack.switch_retire $co (i32.const 0) (global.get $root)))
  (func (export "throw-to-stashed-root")
    (stack.switch_throw $co $hey (i32.const 0) (global.get $root)) (drop) (drop))
  (func (export "release-stashed-root")
    (stack.release $co (global.get $root)))
  (func (export "clear-root") (global.set $root (ref.null $co)))
)

(assert_return (invoke "plain") (i32.const 42))

(assert_trap (invoke "reenter-root") "switch to root of another activation")
(assert_return (invoke "reenter-ok") (i32.const 11))
(assert_return (invoke "reenter-nonroot") (i32.const 42))
(assert_return (invoke "use-saved" (i32.const 50)) (i32.const 100))
(assert_return (invoke "use-saved" (i32.const 7)) (i32.const 14))

(assert_return (invoke "reenter-throws") (i32.const 105))
(assert_return (invoke "reenter-throws-on-stack") (i32.const 6))
(assert_trap (invoke "reenter-traps") "unreachable")

(assert_trap (invoke "call_ref-null") "null function reference")
(assert_trap (invoke "call_ref-type") "indirect call type mismatch")

(invoke "clear-root")
(assert_trap (invoke "switch-to-stashed-root") "null stack reference")
(assert_trap (invoke "stash-root") "unreachable")
(assert_trap (invoke "switch-to-stashed-root") "switch to root of another activation")
(assert_trap (invoke "throw-to-stashed-root") "switch to root of another activation")
;; the other-activation check comes before the root-retire check
(assert_trap (invoke "retire-to-stashed-root") "switch to root of another activation")
(assert_trap (invoke "release-stashed-root") "root stack cannot be released")

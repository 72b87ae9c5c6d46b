;;! design = "raw-stacks"
;; Host re-entry (proposals/raw-stacks/README.md §6): activations nest through
;; `spectest.call_ref` without host recursion; each one has its own root stack.

(module
  (import "spectest" "call_ref" (func $call_ref (param i32 funcref) (result i32)))
  (rec
    (type $co (stack (param i32) (ref null $ge)))
    (type $ge (stack (param i32) (ref $co))))

  ;; n activations deep, each on a fresh root
  (func $down (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else
        (i32.add
          (call $call_ref (i32.sub (local.get $n) (i32.const 1)) (ref.func $down))
          (i32.const 1)))))
  (elem declare func $down $down-switching $tail)
  (func (export "down") (param $n i32) (result i32)
    (call $down (local.get $n)))

  ;; every activation switches to a stack of its own and back before going deeper
  (func $echo (param $x i32) (param $back (ref $co))
    (stack.switch_retire $co (local.get $x) (local.get $back)))
  (func $down-switching (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else
        (stack.switch $ge (local.get $n) (stack.new $ge $echo))
        (drop)
        (call $call_ref (i32.sub (local.get $n) (i32.const 1)) (ref.func $down-switching))
        (i32.add))))
  (func (export "down-switching") (param $n i32) (result i32)
    (call $down-switching (local.get $n)))

  ;; a non-root stack's base function tail-calls the host: when the nested activation
  ;; returns, the base function has returned
  (func $tail (param $x i32) (result i32) (local.get $x))
  (func $base-tail (param $x i32) (param $back (ref $co))
    (return_call $call_ref-drop (local.get $x)))
  (func $call_ref-drop (param $x i32)
    (drop (call $call_ref (local.get $x) (ref.func $tail))))
  (func (export "base-returns-after-host") (result i32)
    (stack.switch $ge (i32.const 1) (stack.new $ge $base-tail))
    (drop))
)

(assert_return (invoke "down" (i32.const 10)) (i32.const 10))
(assert_return (invoke "down" (i32.const 10000)) (i32.const 10000))
(assert_exhaustion (invoke "down" (i32.const 200000)) "call stack exhausted")
;; sum of n, n - 1, ..., 1
(assert_return (invoke "down-switching" (i32.const 1000)) (i32.const 500500))
(assert_trap (invoke "base-returns-after-host") "stack returned")

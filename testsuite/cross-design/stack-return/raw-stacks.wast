;;! design = "raw-stacks"
;; A computation that simply returns. A non-root stack has nowhere to return to: when its base
;; function returns the machine traps "stack returned" (`returns`), and an exception that
;; reaches its base traps "uncaught exception at stack base" (`throws`), even though the root
;; that switched to it has a try_table. The raw-stacks way is to hand the value back with
;; `stack.switch_retire` (`hands-back`): 5, as in every design.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (rec
    (type $body (stack (ref $root)))
    (type $root (stack (param i32) (ref null $body))))
  (tag $oops (param i32))

  (func $returns (param $back (ref $root))
    (call $print (i32.const 1)))
  (func $throws (param $back (ref $root))
    (call $print (i32.const 1))
    (throw $oops (i32.const 2)))
  (func $hands-back (param $back (ref $root))
    (call $print (i32.const 1))
    (stack.switch_retire $root (i32.const 5) (local.get $back)))

  (func $run (param $b (ref $body)) (result i32)
    (block $caught (result i32)
      (try_table (result i32) (catch $oops $caught)
        (stack.switch $body (local.get $b))
        (drop))))

  (func (export "returns") (result i32) (call $run (stack.new $body $returns)))
  (func (export "throws") (result i32) (call $run (stack.new $body $throws)))
  (func (export "hands-back") (result i32) (call $run (stack.new $body $hands-back)))
)

;; each prints 1
(assert_trap (invoke "returns") "stack returned")
(assert_trap (invoke "throws") "uncaught exception at stack base")
(assert_return (invoke "hands-back") (i32.const 5))

;;! design = "effect-handlers"
;; A computation that simply returns: its value is the handle block's value (`returns`: 5);
;; an exception it lets out passes through the handle to the caller's try_table (`throws`: 2).
;; Ending by handing the value back explicitly (`hands-back`, a last perform carrying the value,
;; whose clause drops the continuation) works in every design: 5.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func (result i32)))
  (type $k (cont $ft))
  (tag $done (param i32))
  (tag $oops (param i32))

  (func $returns (result i32)
    (call $print (i32.const 1))
    (i32.const 5))
  (func $throws (result i32)
    (call $print (i32.const 1))
    (throw $oops (i32.const 2)))
  (func $hands-back (result i32)
    (call $print (i32.const 1))
    (perform $done (i32.const 5))
    (unreachable))

  (func (export "returns") (result i32)
    (handle (result i32)
      (do (call $returns))
      (on $done $k (drop))))
  (func (export "throws") (result i32)
    (block $caught (result i32)
      (try_table (result i32) (catch $oops $caught)
        (handle (result i32)
          (do (call $throws))
          (on $done $k (drop))))))
  (func (export "hands-back") (result i32)
    (handle (result i32)
      (do (call $hands-back))
      (on $done $k (drop))))
)

;; each prints 1
(assert_return (invoke "returns") (i32.const 5))
(assert_return (invoke "throws") (i32.const 2))
(assert_return (invoke "hands-back") (i32.const 5))

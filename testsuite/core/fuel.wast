;;! fuel = 100000
;; A small fuel budget (reduction steps per invocation) turns an infinite loop into exhaustion.
(module
  (func (export "spin") (loop (br 0)))
  (func (export "spin-value") (result i32)
    (loop (result i32) (br 0)))
  (func (export "count-to") (param i32) (result i32)
    (local i32)
    (loop
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if 0 (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1))
)
(assert_exhaustion (invoke "spin") "fuel exhausted")
(assert_exhaustion (invoke "spin-value") "fuel exhausted")
;; Fuel is per invocation: a short loop still finishes after the others ran out.
(assert_return (invoke "count-to" (i32.const 1000)) (i32.const 1000))
(assert_exhaustion (invoke "count-to" (i32.const 1000000)) "fuel exhausted")

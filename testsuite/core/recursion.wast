;; Deep Wasm recursion: the interpreter keeps Wasm activations on the heap, so 10,000 nested
;; calls return normally, and unbounded recursion ends in exhaustion rather than a crash.
(module
  (func $count (export "count") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $count (i32.sub (local.get 0) (i32.const 1)))))))

  (func $even (export "even") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (call $odd (i32.sub (local.get 0) (i32.const 1))))))
  (func $odd (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (call $even (i32.sub (local.get 0) (i32.const 1))))))

  ;; Tail calls run in constant space: a million of them do not exhaust the call stack.
  (func $spin (export "spin") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 77))
      (else (return_call $spin (i32.sub (local.get 0) (i32.const 1))))))

  (func $forever (export "forever") (call $forever))
  (func $forever-value (export "forever-value") (param i64) (result i64)
    (i64.add (call $forever-value (local.get 0)) (i64.const 1)))

  (type $t (func (param i32) (result i32)))
  (table funcref (elem $indirect))
  (func $indirect (export "indirect") (type $t)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else
        (i32.add (i32.const 2)
          (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0))))))
)

(assert_return (invoke "count" (i32.const 10000)) (i32.const 10000))
(assert_return (invoke "even" (i32.const 10000)) (i32.const 1))
(assert_return (invoke "even" (i32.const 9999)) (i32.const 0))
(assert_return (invoke "indirect" (i32.const 10000)) (i32.const 20000))
(assert_return (invoke "spin" (i32.const 1000000)) (i32.const 77))
(assert_exhaustion (invoke "forever") "call stack exhausted")
(assert_exhaustion (invoke "forever-value" (i64.const 0)) "call stack exhausted")
;; The store is still usable after an exhaustion.
(assert_return (invoke "count" (i32.const 100)) (i32.const 100))

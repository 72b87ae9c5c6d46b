(module
  (func $boom (export "boom") (result i32)
    (unreachable))
  (func $outer (export "outer") (result i32) (call $boom)))
(assert_return (invoke "boom") (i32.const 1))
(assert_return (invoke "outer") (i32.const 1))
(invoke "outer")
(assert_trap (invoke "outer") "integer divide by zero")

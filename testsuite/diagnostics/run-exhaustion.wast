;; args: run --call-depth 40 {}
(module
  (func $ping (export "ping") (param i32) (result i32)
    (call $pong (local.get 0)))
  (func $pong (param i32) (result i32)
    (call $ping (local.get 0)))
  (func $self (export "self") (call $self)))
(assert_return (invoke "ping" (i32.const 1)) (i32.const 1))
(assert_exhaustion (invoke "self") "out of fuel")

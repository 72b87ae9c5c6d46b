(module $M
  (func (export "f") (result i32) (i32.const 1)
)
(assert_return (invoke "f") (i32.const 1))
(assert_return (invoke $M "f") (i32.const 1))

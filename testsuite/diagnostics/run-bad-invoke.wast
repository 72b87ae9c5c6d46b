(module
  (type $point (struct (field i32) (field i32)))
  (func (export "norm") (param (ref null $point) i32) (result i32) (i32.const 0)))
(assert_return (invoke "norm" (i32.const 1)) (i32.const 0))
(assert_return (invoke "norm" (ref.null none) (i64.const 1)) (i32.const 0))

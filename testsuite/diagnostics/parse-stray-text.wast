;; Text outside any directive, and a module field outside a module.
(module (func (export "f") (result i32) (i32.const 1)))
invoke "f"
(func (export "g"))
(assert_return (invoke "f") (i32.const 1))

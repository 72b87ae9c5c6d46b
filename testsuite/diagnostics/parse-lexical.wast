;; Lexical errors fail the directive that holds them, and no other.
(module (func (export "f") (result i32) (i32.const 1)))
(assert_return (invoke "f\q") (i32.const 1))
(assert_return (invoke "f) (i32.const 1))
(assert_return (invoke "f") (i32.const 1))
(assert_return (invoke "f") 0drop (i32.const 1))
(assert_return (invoke "f") (i32.const 1))
(; a block comment never closed
(assert_return (invoke "f") (i32.const 1))

;; One `)` too many: that directive runs (its own parentheses match) and the extra `)` fails
;; alone; the directives before and after it run.
(module
  (func (export "f") (result i32) (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))
(assert_return (invoke "f") (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))

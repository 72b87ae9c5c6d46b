;; An assertion's module written in column 1 is its argument, not a new directive: the
;; assertion that misses its `)` ends at the next directive after it.
(module (func (export "f") (result i32) (i32.const 1)))
(assert_invalid
(module (func (result i32) (i64.const 0)))
"type mismatch"
(assert_return (invoke "f") (i32.const 1))
(assert_return
(invoke "f") (i32.const 1))

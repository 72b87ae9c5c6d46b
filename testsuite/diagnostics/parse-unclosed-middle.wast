;; A directive in the middle misses its `)`: it ends where the next directive starts in
;; column 1, and fails alone.
(module
  (func (export "f") (result i32) (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))
(assert_return (invoke "f"
  (i32.const 1))
(assert_return (invoke "f") (i32.const 1))
(assert_return (invoke "f") (i32.const 2))

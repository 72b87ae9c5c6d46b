;; Inside `(script ...)`, a directive missing its `)` ends at the next one at its own
;; indentation; the `)` it took is the script's.
(script $s
  (module (func (export "f") (result i32) (i32.const 1)))
  (assert_return (invoke "f") (i32.const 1)
  (assert_return (invoke "f") (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))

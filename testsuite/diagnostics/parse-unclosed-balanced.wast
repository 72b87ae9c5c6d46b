;; A module misses its `)` and a later directive has one too many, so the parentheses of the
;; file balance: the module still ends where the next directive starts, and the extra `)`
;; fails alone.
(module
  (func (export "f") (result i32) (i32.const 1))
(module
  (func (export "g") (result i32) (i32.const 2)))
(assert_return (invoke "g") (i32.const 2)))
(assert_return (invoke "g") (i32.const 2))

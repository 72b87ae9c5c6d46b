;; A script for `(input $T "script-input/inner.wast")` in ../script-grammar.wast; it also runs
;; on its own.
(module $Inner
  (func (export "t") (result i32) (i32.const 9)))
(register "inner")
(assert_return (invoke "t") (i32.const 9))

;; A module for `(input "script-input/lib.wat")` in ../script-grammar.wast.
(module
  (func (export "lib") (result i32) (i32.const 6)))

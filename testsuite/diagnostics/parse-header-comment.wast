;;! design = "raw-stacks" ;; a comment after the value is no part of it
;;! fuel = 1_000  ;; nor here
;; The script runs under raw-stacks.
(module (func (export "f") (result i32) (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))

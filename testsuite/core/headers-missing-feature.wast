;;! threads = true
;;! wide_arithmetic = true
;; A script that turns on a feature Switchyard does not implement is skipped, every directive
;; with that reason, rather than run to fail on its first instruction of that feature.
(module (func (export "f") (result i32) (i32.const 1)))
;; Were it run, this would fail: it is skipped with the file.
(assert_return (invoke "f") (i32.const 2))

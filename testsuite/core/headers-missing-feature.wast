;;! simd = true
;;! relaxed_simd = true
;; A script that turns on a feature Switchyard does not implement is skipped, every directive
;; with that reason, rather than run to fail on its first SIMD instruction.
(module (func (export "splat") (result v128) (i32x4.splat (i32.const 1))))
(assert_return (invoke "splat") (v128.const i32x4 1 1 1 1))

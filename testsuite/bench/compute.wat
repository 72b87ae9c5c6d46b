;; Benchmark: plain compute, no calls and no stack switching.
;;
;; `run depth n live`: a loop of `n` iterations adding the counter to a sum (`depth` and `live`
;; are unused, for the common interface). Each iteration is 12 instructions: local.get x2,
;; i32.add, local.set, local.get, i32.const, i32.add, local.set, local.get x2, i32.lt_u, br_if.
;; Returns n. One operation = one Wasm instruction.
(module
  (global $sum (mut i32) (i32.const 0))
  (func (export "run") (param $depth i32) (param $n i32) (param $live i32) (result i32)
    (local $i i32) (local $s i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (global.set $sum (local.get $s))
    (local.get $i))
)

;; Benchmark baseline: plain calls.
;;
;; `run depth n live`: recurses until `depth` frames deep, then calls a one-instruction leaf
;; function `n` times in a loop. `live` is ignored (no continuations). Returns the sum of the
;; leaf's results (= n).
(module
  (global $n (mut i32) (i32.const 0))

  (func $leaf (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.const 1)))

  (func $body (result i32)
    (local $i i32)
    (local $acc i32)
    (local.set $i (global.get $n))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $i)))
        (local.set $acc (call $leaf (local.get $acc)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $acc))

  (func $deep (param $d i32) (result i32)
    (if (result i32) (i32.le_s (local.get $d) (i32.const 1))
      (then (call $body))
      (else (call $deep (i32.sub (local.get $d) (i32.const 1))))))

  ;; run + (depth - 2) x $deep + $body = depth frames.
  (func (export "run") (param $depth i32) (param $n i32) (param $live i32) (result i32)
    (global.set $n (local.get $n))
    (call $deep (i32.sub (local.get $depth) (i32.const 2))))
)

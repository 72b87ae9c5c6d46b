;;! design = "raw-stacks"
;; v128 values cross stack.switch (both ways), stack.bind and stack.switch_retire; a v128 local
;; of a suspended stack survives its suspensions.

(module
  (rec
    (type $worker (stack (param v128) (ref $main)))         ;; waits for a vector
    (type $main (stack (param v128) (ref null $worker))))   ;; waits for the worker's answer
  (type $worker2 (stack (param v128 v128) (ref $main)))    ;; the same before the bias is bound

  ;; Answers each vector with it doubled plus the bias; keeps the running total of the vectors
  ;; it was sent; a zero vector makes it retire with that total.
  (func $work (param $bias v128) (param $v v128) (param $back (ref $main))
    (local $total v128)
    (loop $l
      (if (i32.eqz (v128.any_true (local.get $v)))
        (then (stack.switch_retire $main (local.get $total) (local.get $back))))
      (local.set $total (f64x2.add (local.get $total) (local.get $v)))
      (stack.switch $main
        (f64x2.add (f64x2.add (local.get $v) (local.get $v)) (local.get $bias))
        (local.get $back))
      (local.set $back)
      (local.set $v)
      (br $l)))

  ;; sends [1 2], [0.5 0.25], then zero; returns the two answers plus the total, lane-wise
  (func (export "run") (result v128)
    (local $w (ref null $worker)) (local $sum v128)
    (local.set $w
      (stack.bind $worker2 $worker (v128.const f64x2 0 -1) (stack.new $worker2 $work)))
    (stack.switch $worker (v128.const f64x2 1 2) (local.get $w))
    (local.set $w)
    (local.set $sum)
    (stack.switch $worker (v128.const f64x2 0.5 0.25) (local.get $w))
    (local.set $w)
    (local.set $sum (f64x2.add (local.get $sum)))
    (stack.switch $worker (v128.const i64x2 0 0) (local.get $w))
    (local.set $w)
    (if (i32.eqz (ref.is_null (local.get $w))) (then (unreachable)))
    (f64x2.add (local.get $sum)))
)

;; answers [2 3] and [1 -0.5], total [1.5 2.25]
(assert_return (invoke "run") (v128.const f64x2 4.5 4.75))

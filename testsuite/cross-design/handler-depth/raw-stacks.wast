;;! design = "raw-stacks"
;; A generator of 1..n consumed by a sum, with the producer running d calls deep. There is
;; nothing to search: every switch names the consumer's stack, so the depth costs nothing per
;; value (the producer carries the consumer's reference instead).

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (rec
    (type $gen (stack (ref $con)))                          ;; waits for "next"
    (type $con (stack (param i32 i32) (ref null $gen))))    ;; waits for (value, more)
  (type $genN (stack (param i32 i32) (ref $con)))

  (func $produce (param $n i32) (param $back (ref $con))
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $back (stack.switch $con (local.get $i) (i32.const 1) (local.get $back)))
        (br $l)))
    (stack.switch_retire $con (i32.const 0) (i32.const 0) (local.get $back)))

  ;; the producer d calls deep
  (func $nest (param $d i32) (param $n i32) (param $back (ref $con))
    (if (i32.eqz (local.get $d))
      (then (call $produce (local.get $n) (local.get $back)) (return)))
    (call $nest (i32.sub (local.get $d) (i32.const 1)) (local.get $n) (local.get $back)))

  (func (export "sum") (param $d i32) (param $n i32) (result i32)
    (local $g (ref null $gen)) (local $sum i32) (local $v i32) (local $more i32)
    (local.set $g
      (stack.bind $genN $gen (local.get $d) (local.get $n) (stack.new $genN $nest)))
    (loop $l
      (stack.switch $gen (local.get $g))
      (local.set $g)
      (local.set $more)
      (local.set $v)
      (if (i32.eqz (local.get $more))
        (then
          (call $print (local.get $sum))
          (return (local.get $sum))))
      (local.set $sum (i32.add (local.get $sum) (local.get $v)))
      (br $l))
    (unreachable))
)

;; each prints its sum
(assert_return (invoke "sum" (i32.const 0) (i32.const 1000)) (i32.const 500500))
(assert_return (invoke "sum" (i32.const 10) (i32.const 1000)) (i32.const 500500))
(assert_return (invoke "sum" (i32.const 100) (i32.const 1000)) (i32.const 500500))

;;! design = "raw-stacks"
;; Generators: the consumer (the root) hands the generator its own stack with every request.
;; Protocol: the consumer sends a command (0 = next, 1 = cancel); the generator answers
;; (value, 1) for a value or (0, 0) when it is done, the last answer by stack.switch_retire.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (rec
    (type $gen (stack (param i32) (ref $con)))             ;; generator waits for a command
    (type $con (stack (param i32 i32) (ref null $gen))))   ;; consumer waits for (value, more)
  (type $genN (stack (param i32 i32) (ref $con)))          ;; the same before n is bound

  (global $finished (mut i32) (i32.const 0))

  ;; yields 1, 2, ..., n
  (func $count (param $n i32) (param $cmd i32) (param $back (ref $con))
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (stack.switch $con (local.get $i) (i32.const 1) (local.get $back))
        (local.set $back)
        (local.set $cmd)
        (br_if $done (local.get $cmd))
        (br $l)))
    (global.set $finished (i32.add (global.get $finished) (i32.const 1)))
    (stack.switch_retire $con (i32.const 0) (i32.const 0) (local.get $back)))

  (func $make (param $n i32) (result (ref $gen))
    (stack.bind $genN $gen (local.get $n) (stack.new $genN $count)))

  (func (export "sum") (param $n i32) (result i32)
    (local $g (ref null $gen)) (local $sum i32)
    (local.set $g (call $make (local.get $n)))
    (loop $l
      (stack.switch $gen (i32.const 0) (local.get $g))
      (local.set $g)
      (if (i32.eqz) (then (return (local.get $sum))))
      (local.set $sum (i32.add (local.get $sum)))
      (br $l))
    (unreachable))

  ;; prints the first k values, then cancels the generator
  (func (export "first") (param $n i32) (param $k i32) (result i32)
    (local $g (ref null $gen)) (local $seen i32) (local $v i32)
    (local.set $g (call $make (local.get $n)))
    (block $stop
      (loop $l
        (br_if $stop (i32.ge_u (local.get $seen) (local.get $k)))
        (stack.switch $gen (i32.const 0) (local.get $g))
        (local.set $g)
        (br_if $stop (i32.eqz))
        (local.set $v)
        (call $print (local.get $v))
        (local.set $seen (i32.add (local.get $seen) (i32.const 1)))
        (br $l)))
    ;; cancel: the generator answers (0, 0) and retires
    (if (i32.eqz (ref.is_null (local.get $g)))
      (then
        (stack.switch $gen (i32.const 1) (local.get $g))
        (local.set $g) (drop) (drop)))
    (local.get $seen))

  (func (export "finished") (result i32) (global.get $finished))

  ;; two generators interleaved: sum of products 1*1 + 2*2 + ... until the shorter ends
  (func (export "zip") (param $n i32) (param $m i32) (result i32)
    (local $a (ref null $gen)) (local $b (ref null $gen))
    (local $x i32) (local $y i32) (local $acc i32)
    (local.set $a (call $make (local.get $n)))
    (local.set $b (call $make (local.get $m)))
    (block $done
      (loop $l
        (stack.switch $gen (i32.const 0) (local.get $a))
        (local.set $a)
        (br_if $done (i32.eqz))
        (local.set $x)
        (stack.switch $gen (i32.const 0) (local.get $b))
        (local.set $b)
        (br_if $done (i32.eqz))
        (local.set $y)
        (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $x) (local.get $y))))
        (br $l)))
    (local.get $acc))
)

(assert_return (invoke "sum" (i32.const 0)) (i32.const 0))
(assert_return (invoke "sum" (i32.const 1)) (i32.const 1))
(assert_return (invoke "sum" (i32.const 10)) (i32.const 55))
(assert_return (invoke "sum" (i32.const 1000)) (i32.const 500500))
(assert_return (invoke "sum" (i32.const 100000)) (i32.const 705082704))
(assert_return (invoke "finished") (i32.const 5))
;; prints 1 2 3
(assert_return (invoke "first" (i32.const 10) (i32.const 3)) (i32.const 3))
(assert_return (invoke "finished") (i32.const 6))
;; the generator ends before k values
(assert_return (invoke "first" (i32.const 2) (i32.const 5)) (i32.const 2))
(assert_return (invoke "finished") (i32.const 7))
(assert_return (invoke "zip" (i32.const 3) (i32.const 5)) (i32.const 14))

;;! design = "raw-stacks"
;; Pipes: a producer and a consumer switch to each other directly, without the root in
;; between. The root starts the consumer; the consumer starts the producer; the producer sends
;; the squares 1, 4, 9, ..., n*n and finally (0, 0) with stack.switch_retire; the consumer
;; retires into the root with the total.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (rec
    (type $cons (stack (param i32 i32) (ref null $prod)))  ;; consumer receives (value, more)
    (type $prod (stack (ref $cons))))                       ;; producer receives "next"
  (rec
    (type $main (stack (param i32) (ref null $cstart)))     ;; the root receives the total
    (type $cstart (stack (param i32) (ref $main))))         ;; the consumer starts with n
  (type $prodArgs (stack (param i32) (ref $cons)))

  (global $root-switches (mut i32) (i32.const 0))
  (global $quiet (mut i32) (i32.const 0))

  (func $producer (param $n i32) (param $c (ref $cons))
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $c
          (stack.switch $cons (i32.mul (local.get $i) (local.get $i)) (i32.const 1) (local.get $c)))
        (br $l)))
    (stack.switch_retire $cons (i32.const 0) (i32.const 0) (local.get $c)))

  (func $consumer (param $n i32) (param $root (ref $main))
    (local $p (ref null $prod)) (local $total i32) (local $v i32)
    (local.set $p (stack.bind $prodArgs $prod (local.get $n) (stack.new $prodArgs $producer)))
    (block $end
      (loop $l
        (stack.switch $prod (local.get $p))
        (local.set $p)
        (br_if $end (i32.eqz))
        (local.set $v)
        (if (i32.eqz (global.get $quiet)) (then (call $print (local.get $v))))
        (local.set $total (i32.add (local.get $total) (local.get $v)))
        (br $l)))
    (stack.switch_retire $main (local.get $total) (local.get $root)))

  (func (export "pipe") (param $n i32) (result i32)
    (global.set $root-switches (i32.add (global.get $root-switches) (i32.const 1)))
    (stack.switch $cstart (local.get $n) (stack.new $cstart $consumer))
    (drop))

  (func (export "pipe-quiet") (param $n i32) (result i32)
    (global.set $quiet (i32.const 1))
    (stack.switch $cstart (local.get $n) (stack.new $cstart $consumer))
    (drop)
    (global.set $quiet (i32.const 0)))

)

(assert_return (invoke "pipe" (i32.const 0)) (i32.const 0))
;; prints 1 4 9 16
(assert_return (invoke "pipe" (i32.const 4)) (i32.const 30))
(assert_return (invoke "pipe-quiet" (i32.const 100)) (i32.const 338350))
(assert_return (invoke "pipe-quiet" (i32.const 10000)) (i32.const -1624114088))

;;! design = "raw-stacks"
;; A generator that yields 1 and 2; the consumer (on the root stack) sums what it yields.
(module
  (rec
    ;; the consumer, as the generator sees it: takes a value and the generator (null: done)
    (type $c (stack (param i32) (ref null $g)))
    ;; the generator, as the consumer sees it: takes the consumer to yield to
    (type $g (stack (ref $c))))
  (func $gen (param $back (ref $c))
    (local.set $back (stack.switch $c (i32.const 1) (local.get $back)))
    (local.set $back (stack.switch $c (i32.const 2) (local.get $back)))
    (stack.switch_retire $c (i32.const 0) (local.get $back)))
  (func $sum (export "sum") (result i32)
    (local $g (ref null $g)) (local $acc i32)
    (local.set $g (stack.new $g $gen))
    (loop $next
      (stack.switch $g (local.get $g))      ;; -> the value and the generator
      (local.set $g)
      (local.set $acc (i32.add (local.get $acc)))
      (br_if $next (i32.eqz (ref.is_null (local.get $g)))))
    (local.get $acc)))
(assert_return (invoke "sum") (i32.const 3))

;;! design = "typed-cont"
;; A generator that yields 1 and 2; the consumer sums what it yields.
(module
  (type $f (func))
  (type $k (cont $f))
  (tag $yield (param i32))
  (func $gen
    (suspend $yield (i32.const 1))
    (suspend $yield (i32.const 2)))
  (elem declare func $gen)
  (func $sum (export "sum") (result i32)
    (local $k (ref null $k)) (local $acc i32)
    (local.set $k (cont.new $k (ref.func $gen)))
    (loop $next
      (block $on_yield (result i32 (ref $k))
        (resume $k (on $yield $on_yield) (local.get $k))
        (return (local.get $acc)))          ;; the generator returned
      (local.set $k)                        ;; the rest of the generator
      (local.set $acc (i32.add (local.get $acc)))
      (br $next))
    (unreachable)))
(assert_return (invoke "sum") (i32.const 3))

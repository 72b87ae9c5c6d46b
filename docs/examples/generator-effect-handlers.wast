;;! design = "effect-handlers"
;; A generator that yields 1 and 2; the handler's clause sums what it yields.
(module
  (type $ft (func (result i32)))
  (type $k (cont $ft))                      ;; the rest of the body: gives the block's result
  (tag $yield (param i32))
  (func $gen
    (perform $yield (i32.const 1))
    (perform $yield (i32.const 2)))
  (func $sum (export "sum") (result i32)
    handle (result i32)
      call $gen
      i32.const 0                           ;; the generator is done: nothing more to add
    on $yield $k                            ;; operands: the value, k
      continue $k                           ;; the sum of everything yielded later
      i32.add                               ;; ... plus this value
    end))
(assert_return (invoke "sum") (i32.const 3))

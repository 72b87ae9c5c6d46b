;;! design = "effect-handlers"
;; Where a resumption returns. The body ticks, then stops, then would return 1. The tick
;; clause continues the body and adds 100 to what `continue` gives back. `continue` returns
;; when the reinstalled *handle block* finishes: here the stop clause finishes it with 7, so
;; `continue` gives 7 and `return-point` is 107. `function-return` (the body returns without
;; stopping) agrees in all designs: 101.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func (result i32)))
  (type $k (cont $ft))
  (tag $tick)
  (tag $stop)

  (func $tick-stop (result i32)
    (perform $tick)
    (perform $stop)
    (i32.const 1))
  (func $tick-return (result i32)
    (perform $tick)
    (i32.const 1))

  (func (export "return-point") (result i32)
    (handle (result i32)
      (do (call $tick-stop))
      (on $tick $k
        (call $print (i32.const 100))
        (i32.add (continue $k) (i32.const 100)))
      (on $stop $k
        (drop)
        (call $print (i32.const 7))
        (i32.const 7))))

  (func (export "function-return") (result i32)
    (handle (result i32)
      (do (call $tick-return))
      (on $tick $k
        (call $print (i32.const 100))
        (i32.add (continue $k) (i32.const 100)))
      (on $stop $k
        (drop)
        (call $print (i32.const 7))
        (i32.const 7))))
)

;; prints 100 7
(assert_return (invoke "return-point") (i32.const 107))
;; prints 100
(assert_return (invoke "function-return") (i32.const 101))

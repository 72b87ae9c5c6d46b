;;! design = "typed-cont"
;; Where a resumption returns. The body ticks, then stops, then would return 1. The tick
;; handler resumes the body and adds 100 to what that resume gives back. A typed-cont `resume`
;; gives back only what the continuation's *function* returns; a later suspension leaves it
;; through a label listed on it. Here `$stop` is listed on the inner resume with the outer
;; stop code's label, so the stop value 7 jumps past the `+ 100`: `return-point` is 7.
;; `function-return` (the body returns without stopping) agrees in all designs: 101.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func (result i32)))
  (type $ct (cont $ft))
  (tag $tick)
  (tag $stop)

  (func $tick-stop (result i32)
    (suspend $tick)
    (suspend $stop)
    (i32.const 1))
  (func $tick-return (result i32)
    (suspend $tick)
    (i32.const 1))
  (elem declare func $tick-stop $tick-return)

  ;; the handler: on tick, resume (listing tick and stop) and add 100; on stop, 7
  (func $run (param $k (ref $ct)) (result i32)
    (local $v i32)
    (block $on_stop (result (ref $ct))
      (block $on_tick (result (ref $ct))
        (return (resume $ct (on $tick $on_tick) (on $stop $on_stop) (local.get $k))))
      ;; tick clause: the value of the resume, plus 100
      (local.set $k)
      (call $print (i32.const 100))
      (local.set $v
        (resume $ct (on $stop $on_stop) (local.get $k)))
      (return (i32.add (local.get $v) (i32.const 100))))
    ;; stop clause
    (drop)
    (call $print (i32.const 7))
    (i32.const 7))

  (func (export "return-point") (result i32)
    (call $run (cont.new $ct (ref.func $tick-stop))))
  (func (export "function-return") (result i32)
    (call $run (cont.new $ct (ref.func $tick-return))))
)

;; prints 100 7
(assert_return (invoke "return-point") (i32.const 7))
;; prints 100
(assert_return (invoke "function-return") (i32.const 101))

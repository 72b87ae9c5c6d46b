;;! design = "raw-stacks"
;; Where a resumption returns. The body ticks, then stops, then would return 1; it sends
;; (message, value): 0 = tick, 1 = stop, 2 = done with value. The root's tick code switches
;; back to the body and adds 100 to what that switch brings back. A `stack.switch` returns
;; when somebody next switches to us, whatever the reason: here the body's stop, which the
;; root's stop code turns into 7, so `return-point` is 107, as with deep handlers.
;; `function-return` agrees in all designs: 101.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (rec
    (type $body (stack (ref $root)))
    (type $root (stack (param i32 i32) (ref null $body))))

  (func $tick-stop (param $back (ref $root))
    (local.set $back (stack.switch $root (i32.const 0) (i32.const 0) (local.get $back)))
    (local.set $back (stack.switch $root (i32.const 1) (i32.const 0) (local.get $back)))
    (stack.switch_retire $root (i32.const 2) (i32.const 1) (local.get $back)))
  (func $tick-return (param $back (ref $root))
    (local.set $back (stack.switch $root (i32.const 0) (i32.const 0) (local.get $back)))
    (stack.switch_retire $root (i32.const 2) (i32.const 1) (local.get $back)))

  ;; what the root makes of a message: a value, or -1 for a tick to handle
  (func $answer (param $msg i32) (param $v i32) (result i32)
    (if (i32.eq (local.get $msg) (i32.const 1))
      (then (call $print (i32.const 7)) (return (i32.const 7))))
    (if (i32.eq (local.get $msg) (i32.const 2))
      (then (return (local.get $v))))
    (i32.const -1))

  (func $run (param $b (ref null $body)) (result i32)
    (local $msg i32) (local $v i32) (local $r i32)
    (stack.switch $body (local.get $b))
    (local.set $b)
    (local.set $v)
    (local.set $msg)
    (local.set $r (call $answer (local.get $msg) (local.get $v)))
    (if (i32.ge_s (local.get $r) (i32.const 0))
      (then (return (local.get $r))))
    ;; tick: switch back, and add 100 to what the switch brings back
    (call $print (i32.const 100))
    (stack.switch $body (local.get $b))
    (local.set $b)
    (local.set $v)
    (local.set $msg)
    (i32.add (call $answer (local.get $msg) (local.get $v)) (i32.const 100)))

  (func (export "return-point") (result i32)
    (call $run (stack.new $body $tick-stop)))
  (func (export "function-return") (result i32)
    (call $run (stack.new $body $tick-return)))
)

;; prints 100 7
(assert_return (invoke "return-point") (i32.const 107))
;; prints 100
(assert_return (invoke "function-return") (i32.const 101))

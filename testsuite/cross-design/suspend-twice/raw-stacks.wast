;;! design = "raw-stacks"
;; Two ticks to one "handler". raw-stacks has no handlers to forget: the body switches to the
;; stack it was handed, whoever that is, and every switch names its target. The root counts
;; ticks (message 0) until the body retires with its result (message 1, value). `twice` and
;; `twice-relisted` are the same program here; both return 12 and print 1 2.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (rec
    (type $body (stack (ref $root)))                          ;; the body waits for "go on"
    (type $root (stack (param i32 i32) (ref null $body))))    ;; the root waits for (msg, value)

  ;; tick, tick, then retire with 10
  (func $body (param $back (ref $root))
    (local.set $back (stack.switch $root (i32.const 0) (i32.const 0) (local.get $back)))
    (local.set $back (stack.switch $root (i32.const 0) (i32.const 0) (local.get $back)))
    (stack.switch_retire $root (i32.const 1) (i32.const 10) (local.get $back)))

  (func $run (result i32)
    (local $b (ref null $body)) (local $msg i32) (local $v i32) (local $n i32)
    (local.set $b (stack.new $body $body))
    (loop $l
      (stack.switch $body (local.get $b))
      (local.set $b)
      (local.set $v)
      (local.set $msg)
      (if (local.get $msg)
        (then (return (i32.add (local.get $v) (local.get $n)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (call $print (local.get $n))
      (br $l))
    (unreachable))

  (func (export "twice") (result i32) (call $run))
  (func (export "twice-relisted") (result i32) (call $run))
)

;; prints 1 2
(assert_return (invoke "twice") (i32.const 12))
;; prints 1 2
(assert_return (invoke "twice-relisted") (i32.const 12))

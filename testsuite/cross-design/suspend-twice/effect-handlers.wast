;;! design = "effect-handlers"
;; Two performs under one handler. Deep handlers: `continue` reinstalls the handle, so the
;; same clause catches the second tick too. `twice` and `twice-relisted` are the same program
;; here (there is nothing to list again); both return 12 and print 1 2.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func (result i32)))
  (type $k (cont $ft))
  (tag $tick)

  (func $body (result i32)
    (perform $tick)
    (perform $tick)
    (i32.const 10))

  (func $run (result i32)
    (local $n i32)
    (handle (result i32)
      (do (i32.add (call $body) (local.get $n)))
      (on $tick $k
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (call $print (local.get $n))
        (continue $k))))

  (func (export "twice") (result i32) (call $run))
  (func (export "twice-relisted") (result i32) (call $run))
)

;; prints 1 2
(assert_return (invoke "twice") (i32.const 12))
;; prints 1 2
(assert_return (invoke "twice-relisted") (i32.const 12))

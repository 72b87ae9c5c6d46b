;;! design = "effect-handlers"
;; Pipes with deep handlers: the consumer performs $recv, the producer performs $send. Two
;; handles pass control back and forth, each clause ending in a tail-position continue of the
;; other side, so the handles replace each other (continue-tail) and the pipe runs in constant
;; space. The producer sends the squares 1, 4, ..., n*n and then (0, 0).
;; Same transcript as testsuite/raw-stacks/pipes.wast.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $cft (func (param i32 i32) (result i32)))
  (type $kc (cont $cft))                    ;; the consumer, waiting in $recv
  (type $pft (func (result i32)))
  (type $kp (cont $pft))                    ;; the producer, waiting in $send
  (tag $recv (result i32 i32))              ;; (value, more)
  (tag $send (param i32 i32))

  (global $consumer (mut (ref null $kc)) (ref.null $kc))
  (global $producer (mut (ref null $kp)) (ref.null $kp))
  (global $n (mut i32) (i32.const 0))
  (global $quiet (mut i32) (i32.const 0))

  (func $produce (result i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (global.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (perform $send (i32.mul (local.get $i) (local.get $i)) (i32.const 1))
        (br $l)))
    (perform $send (i32.const 0) (i32.const 0))
    (unreachable))

  (func $consume (result i32)
    (local $total i32) (local $v i32)
    (block $end
      (loop $l
        (perform $recv)
        (br_if $end (i32.eqz))
        (local.set $v)
        (if (i32.eqz (global.get $quiet)) (then (call $print (local.get $v))))
        (local.set $total (i32.add (local.get $total) (local.get $v)))
        (br $l)))
    (local.get $total))

  ;; the producer's side: a send parks the producer and continues the consumer
  (func $run-producer (result i32)
    (handle (result i32)
      (do (call $produce))
      (on $send $kp
        (global.set $producer)
        (global.get $consumer)
        (continue $kc))))

  (func $pipe (param $n i32) (result i32)
    (global.set $n (local.get $n))
    (global.set $producer (ref.null $kp))
    (global.set $consumer (ref.null $kc))
    ;; the consumer's side: a recv parks the consumer and continues the producer, or starts it
    (handle $hc (result i32)
      (do (call $consume))
      (on $recv $kc
        (global.set $consumer)
        (block $have (result (ref $kp))
          (br_on_non_null $have (global.get $producer))
          (br $hc (call $run-producer)))
        (continue $kp))))

  (func (export "pipe") (param $n i32) (result i32)
    (call $pipe (local.get $n)))
  (func (export "pipe-quiet") (param $n i32) (result i32)
    (global.set $quiet (i32.const 1))
    (call $pipe (local.get $n))
    (global.set $quiet (i32.const 0)))
)

(assert_return (invoke "pipe" (i32.const 0)) (i32.const 0))
;; prints 1 4 9 16
(assert_return (invoke "pipe" (i32.const 4)) (i32.const 30))
(assert_return (invoke "pipe-quiet" (i32.const 100)) (i32.const 338350))
(assert_return (invoke "pipe-quiet" (i32.const 10000)) (i32.const -1624114088))

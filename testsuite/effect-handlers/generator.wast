;;! design = "effect-handlers"
;; Generators with deep handlers. The producer performs $yield v; the consumer is a clause.
;; - push style: the clause adds v and continues the producer (tail-resumptive: constant space,
;;   so 1,000,000 values are fine);
;; - the same clause with work after the continue nests one handler per value and runs out of
;;   call depth ("call stack exhausted") long before 1,000,000 (README §6);
;; - pull style: the clause parks the continuation and returns v; `next` continues it.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func (result i32)))
  (type $k (cont $ft))
  (tag $yield (param i32))

  (global $gk (mut (ref null $k)) (ref.null $k))

  ;; yields 1, 2, ..., n
  (func $count (param $n i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (perform $yield (local.get $i))
        (br $l))))

  (func (export "sum") (param $n i32) (result i32)
    (local $sum i32) (local $c (ref null $k))
    (handle (result i32)
      (do (call $count (local.get $n)) (local.get $sum))
      (on $yield $k
        (local.set $c)
        (local.set $sum (i32.add (local.get $sum)))
        (continue $k (local.get $c)))))

  (func (export "sum-non-tail") (param $n i32) (result i32)
    (local $sum i32) (local $c (ref null $k))
    (handle (result i32)
      (do (call $count (local.get $n)) (local.get $sum))
      (on $yield $k
        (local.set $c)
        (local.set $sum (i32.add (local.get $sum)))
        (continue $k (local.get $c))
        (i32.add (i32.const 0)))))

  ;; pull style
  (func (export "start") (param $n i32) (result i32)
    (handle (result i32)
      (do (call $count (local.get $n)) (i32.const -1))
      (on $yield $k (global.set $gk))))
  (func (export "next") (result i32)
    (continue $k (global.get $gk)))

  ;; a Wasm consumer pulls from the generator in a loop (each `continue` returns at the next
  ;; clause-return, so the loop runs in constant space) and prints the values
  (func (export "print-all") (param $n i32) (result i32)
    (local $v i32) (local $count i32)
    (local.set $v (call $start-local (local.get $n)))
    (block $done
      (loop $l
        (br_if $done (i32.lt_s (local.get $v) (i32.const 0)))
        (call $print (local.get $v))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $v (continue $k (global.get $gk)))
        (br $l)))
    (local.get $count))
  (func $start-local (param $n i32) (result i32)
    (handle (result i32)
      (do (call $count (local.get $n)) (i32.const -1))
      (on $yield $k (global.set $gk))))
)

(assert_return (invoke "sum" (i32.const 0)) (i32.const 0))
(assert_return (invoke "sum" (i32.const 10)) (i32.const 55))
(assert_return (invoke "sum" (i32.const 1000000)) (i32.const 1784293664))
(assert_return (invoke "sum-non-tail" (i32.const 1000)) (i32.const 500500))
(assert_exhaustion (invoke "sum-non-tail" (i32.const 1000000)) "call stack exhausted")

(assert_return (invoke "start" (i32.const 3)) (i32.const 1))
(assert_return (invoke "next") (i32.const 2))
(assert_return (invoke "next") (i32.const 3))
(assert_return (invoke "next") (i32.const -1))
(assert_trap (invoke "next") "continuation already consumed")
(assert_return (invoke "start" (i32.const 0)) (i32.const -1))
;; prints 1 2 3 4
(assert_return (invoke "print-all" (i32.const 4)) (i32.const 4))

;;! design = "effect-handlers"
;; A generator of 1..n consumed by a sum, with the producer running under d handle blocks for
;; another tag. Every `perform $yield` searches outward past those d handlers to the
;; consumer's, so handler search costs d + 1 steps per value. `sum 0 n` has nothing in between.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $fv (func))
  (type $kv (cont $fv))
  (type $fi (func (result i32)))
  (type $ki (cont $fi))
  (tag $yield (param i32))
  (tag $other)                      ;; handled at every level, never performed

  (func $produce (param $n i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (perform $yield (local.get $i))
        (br $l))))

  ;; the producer under d nested handlers for $other
  (func $nest (param $d i32) (param $n i32)
    (if (i32.eqz (local.get $d))
      (then (call $produce (local.get $n)) (return)))
    (handle
      (do (call $nest (i32.sub (local.get $d) (i32.const 1)) (local.get $n)))
      (on $other $kv (drop))))

  (func (export "sum") (param $d i32) (param $n i32) (result i32)
    (local $sum i32) (local $k (ref null $ki))
    (handle (result i32)
      (do
        (call $nest (local.get $d) (local.get $n))
        (call $print (local.get $sum))
        (local.get $sum))
      (on $yield $ki
        (local.set $k)
        (local.set $sum (i32.add (local.get $sum)))
        (continue $ki (local.get $k)))))
)

;; each prints its sum
(assert_return (invoke "sum" (i32.const 0) (i32.const 1000)) (i32.const 500500))
(assert_return (invoke "sum" (i32.const 10) (i32.const 1000)) (i32.const 500500))
(assert_return (invoke "sum" (i32.const 100) (i32.const 1000)) (i32.const 500500))

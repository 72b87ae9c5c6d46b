;;! design = "typed-cont"
;; A generator of 1..n consumed by a sum, with the producer running under d resumes whose
;; handlers are for another tag. Every `suspend $yield` searches outward past those d prompts
;; to the consumer's, so handler search costs d + 1 steps per value (and the captured
;; continuation holds d + 1 segments). `sum 0 n` has nothing in between.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func))
  (type $ct (cont $ft))
  (type $ft2 (func (param i32 i32)))
  (type $ct2 (cont $ft2))
  (tag $yield (param i32))
  (tag $other)                      ;; handled at every level, never suspended to

  (func $produce (param $n i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (suspend $yield (local.get $i))
        (br $l))))

  ;; the producer under d nested handlers for $other
  (func $nest (param $d i32) (param $n i32)
    (if (i32.eqz (local.get $d))
      (then (call $produce (local.get $n)) (return)))
    (block $on_other (result (ref $ct))
      (resume $ct (on $other $on_other)
        (cont.bind $ct2 $ct
          (i32.sub (local.get $d) (i32.const 1)) (local.get $n)
          (cont.new $ct2 (ref.func $nest))))
      (return))
    (unreachable))
  (elem declare func $nest)

  (func (export "sum") (param $d i32) (param $n i32) (result i32)
    (local $k (ref null $ct)) (local $sum i32)
    (local.set $k
      (cont.bind $ct2 $ct (local.get $d) (local.get $n) (cont.new $ct2 (ref.func $nest))))
    (loop $l
      (block $on_yield (result i32 (ref $ct))
        (resume $ct (on $yield $on_yield) (local.get $k))
        (call $print (local.get $sum))
        (return (local.get $sum)))
      (local.set $k)
      (local.set $sum (i32.add (local.get $sum)))
      (br $l))
    (unreachable))
)

;; each prints its sum
(assert_return (invoke "sum" (i32.const 0) (i32.const 1000)) (i32.const 500500))
(assert_return (invoke "sum" (i32.const 10) (i32.const 1000)) (i32.const 500500))
(assert_return (invoke "sum" (i32.const 100) (i32.const 1000)) (i32.const 500500))

;;! design = "raw-stacks"
;; Typing rules of raw-stacks (proposals/raw-stacks/README.md §2.4 and §3.2).

;; A module that uses every instruction in a well-typed way.
(module
  (rec
    (type $co (stack (param i32) (ref null $ge)))
    (type $ge (stack (param i32) (ref $co))))
  (type $ge2 (stack (param i32 i32) (ref $co)))
  (type $ge0 (stack (ref $co)))
  (type $gf (func (param i32 (ref $co))))
  (tag $cancel (param i32 (ref $co)))
  (tag $wide (param i32 stackref))

  (func $g (param i32 (ref $co)))
  (func $g-wide (param i32 stackref))          ;; `stack.new-params`: params may be wider
  (func $g2 (param i32 i32 (ref $co)))
  (func $c (param i32 (ref null $ge)))
  (elem declare func $g)

  (func (export "all") (param $x (ref null $ge)) (param $y (ref null $co))
    (local $s stackref) (local $n nullstackref)
    (drop (stack.new $ge $g))
    (drop (stack.new $ge $g-wide))
    (drop (stack.new_ref $ge (ref.func $g)))
    (drop (stack.new_ref $ge (ref.null $gf)))
    (drop (stack.new_ref $ge (ref.null nofunc)))
    (drop (drop (stack.switch $ge (i32.const 1) (local.get $x))))
    (drop (drop (stack.switch $co (i32.const 1) (local.get $y))))
    (drop (stack.bind $ge2 $ge (i32.const 1) (stack.new $ge2 $g2)))
    (drop (stack.bind $ge $ge0 (i32.const 1) (local.get $x)))
    (drop (stack.bind $ge $ge (local.get $x)))           ;; binding nothing
    (stack.release $ge (local.get $x))
    (stack.release $co (ref.null nostack))
    (drop (drop (stack.switch_throw $ge $cancel (i32.const 1) (local.get $x))))
    (drop (drop (stack.switch_throw $ge $wide (i32.const 1) (local.get $x))))
    (local.set $s (local.get $x))                        ;; (ref null $ge) <: stackref
    (local.set $s (local.get $n))                        ;; nullstackref <: stackref
    (drop (ref.is_null (local.get $s)))
    (stack.switch_retire $co (i32.const 1) (stack.new $co $c)))
)

;; stack.switch_retire is stack-polymorphic: anything may follow.
(module
  (rec
    (type $co (stack (param i32) (ref null $ge)))
    (type $ge (stack (param i32) (ref $co))))
  (func (param $y (ref null $co)) (result f64 i64)
    (stack.switch_retire $co (i32.const 0) (local.get $y))
    (i64.add)))

;; sub-stack: contravariant in the parameters and the return stack.
(module
  (type $z (stack (ref null $z)))
  (type $super (sub (stack (param (ref any)) (ref $z))))
  (type $sub (sub $super (stack (param anyref) (ref null $z))))
  (func (param $s (ref null $sub)) (result (ref null $super)) (local.get $s)))

(assert_invalid
  (module
    (type $z (stack (ref null $z)))
    (type $super (sub (stack (param anyref) (ref null $z))))
    (type $sub (sub $super (stack (param (ref any)) (ref null $z)))))
  "sub type")
(assert_invalid
  (module
    (type $z (stack (ref null $z)))
    (type $super (sub (stack (param i32) (ref null $z))))
    (type $sub (sub $super (stack (param i32) (ref $z)))))
  "sub type")
(assert_invalid
  (module
    (type $z (stack (ref null $z)))
    (type $super (sub (stack (param i32) (ref null $z))))
    (type $sub (sub $super (stack (param i32 i32) (ref null $z)))))
  "sub type")

;; type-stack: the return stack must name a stack type.
(assert_invalid
  (module (type $s (stack (param i32) stackref)))
  "invalid return stack type")
(assert_invalid
  (module (type $s (stack (param i32) (ref stack))))
  "invalid return stack type")
(assert_invalid
  (module (type $s (stack funcref)))
  "invalid return stack type")
(assert_invalid
  (module (type $f (func)) (type $s (stack (param i32) (ref $f))))
  "non-stack type 0")
(assert_invalid
  (module (type $a (struct)) (type $s (stack (ref null $a))))
  "non-stack type 0")
(assert_invalid
  (module (type $s (stack (ref 7))))
  "unknown type")

;; stack.new
(assert_invalid
  (module
    (type $f (func (param i32)))
    (func $g (param i32))
    (func (drop (stack.new $f $g))))
  "non-stack type 0")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func $g (param i64 (ref $co)))
    (func (drop (stack.new $ge $g))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func $g (param i32 (ref $co)) (result i32) (i32.const 0))
    (func (drop (stack.new $ge $g))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func $g (param i32))
    (func (drop (stack.new $ge $g))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func $g (param i32 (ref $ge)))
    (func (drop (stack.new $ge $g))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func (drop (stack.new $ge 5))))
  "unknown function")
(assert_invalid
  (module
    (func $g)
    (func (drop (stack.new 9 $g))))
  "unknown type")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func $g (param i32 (ref $co)))
    (func (result (ref $co)) (stack.new $ge $g)))
  "type mismatch")

;; stack.new_ref
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func (param $f funcref) (drop (stack.new_ref $ge (local.get $f)))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (type $wrong (func (param i32 i32)))
    (func (param $f (ref null $wrong)) (drop (stack.new_ref $ge (local.get $f)))))
  "type mismatch")
(assert_invalid
  (module
    (type $f (func))
    (func (param $r (ref null $f)) (drop (stack.new_ref $f (local.get $r)))))
  "non-stack type 0")

;; stack.switch
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func (param $x (ref null $ge))
      (drop (drop (stack.switch $ge (i64.const 1) (local.get $x))))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func (param $x (ref null $co))
      (drop (drop (stack.switch $ge (i32.const 1) (local.get $x))))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    ;; the switch returns i32 and (ref null $ge), not (ref $ge)
    (func (param $x (ref null $ge)) (result i32 (ref $ge))
      (stack.switch $ge (i32.const 1) (local.get $x))))
  "type mismatch")
(assert_invalid
  (module
    (type $f (func))
    (func (param $x funcref) (stack.switch $f (local.get $x))))
  "non-stack type 0")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func (param $x stackref) (drop (drop (stack.switch $ge (i32.const 1) (local.get $x))))))
  "type mismatch")

;; stack.switch_retire: the target must accept a null return stack.
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func (param $x (ref null $ge))
      (stack.switch_retire $ge (i32.const 1) (local.get $x))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func (param $y (ref null $co))
      (stack.switch_retire $co (local.get $y))))
  "type mismatch")

;; stack.bind
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (type $ge2 (stack (param i32 i32) (ref $co)))
    ;; $ge2 has more parameters than $ge
    (func (param $x (ref null $ge)) (drop (stack.bind $ge $ge2 (local.get $x)))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (type $ge2 (stack (param i32 i64) (ref $co)))
    ;; the remaining parameter is i64, $ge promises i32
    (func (param $x (ref null $ge2)) (drop (stack.bind $ge2 $ge (i32.const 1) (local.get $x)))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (type $ge2 (stack (param i32 i32) (ref $co)))
    (func (param $x (ref null $ge2)) (drop (stack.bind $ge2 $ge (i64.const 1) (local.get $x)))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (type $geN (stack (param i32) (ref null $co)))
    ;; $geN accepts a null return stack; $ge does not: viewing $ge as $geN would let a null
    ;; return stack reach code that relies on (ref $co)
    (func (param $x (ref null $ge)) (drop (stack.bind $ge $geN (local.get $x)))))
  "type mismatch")

;; stack.release
(assert_invalid
  (module
    (type $f (func))
    (func (param $x (ref null $f)) (stack.release $f (local.get $x))))
  "non-stack type 0")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func (param $x (ref null $co)) (stack.release $ge (local.get $x))))
  "type mismatch")

;; stack.switch_throw
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (tag $e)
    (func (param $x (ref null $ge)) (drop (drop (stack.switch_throw $ge $e (local.get $x))))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (tag $e (param i32 (ref $ge)))
    (func (param $x (ref null $ge))
      (drop (drop (stack.switch_throw $ge $e (i32.const 1) (local.get $x))))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (tag $e (param i32 (ref $co)) (result i32))
    (func (param $x (ref null $ge))
      (drop (drop (stack.switch_throw $ge $e (i32.const 1) (local.get $x))))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (tag $e (param i64 (ref $co)))
    (func (param $x (ref null $ge))
      (drop (drop (stack.switch_throw $ge $e (i32.const 1) (local.get $x))))))
  "type mismatch")
(assert_invalid
  (module
    (rec
      (type $co (stack (param i32) (ref null $ge)))
      (type $ge (stack (param i32) (ref $co))))
    (func (param $x (ref null $ge))
      (drop (drop (stack.switch_throw $ge 3 (i32.const 1) (local.get $x))))))
  "unknown tag")

;; cast-stack: no casts in the stack hierarchy; stacks are not eq, any or func references.
(assert_invalid
  (module
    (type $z (stack (ref null $z)))
    (func (param $x stackref) (drop (ref.cast (ref $z) (local.get $x)))))
  "invalid cast")
(assert_invalid
  (module
    (type $z (stack (ref null $z)))
    (func (param $x stackref) (result i32) (ref.test (ref null $z) (local.get $x))))
  "invalid cast")
(assert_invalid
  (module
    (func (param $x stackref) (result i32) (ref.test nullstackref (local.get $x))))
  "invalid cast")
(assert_invalid
  (module
    (type $z (stack (ref null $z)))
    (func (param $x stackref)
      (block $l (result (ref $z))
        (br_on_cast $l stackref (ref $z) (local.get $x))
        (drop) (return))
      (drop)))
  "invalid cast")
(assert_invalid
  (module
    (type $z (stack (ref null $z)))
    (func (param $x stackref)
      (block $l (result stackref)
        (br_on_cast_fail $l stackref (ref $z) (local.get $x))
        (drop) (return))
      (drop)))
  "invalid cast")
(assert_invalid
  (module
    (type $z (stack (ref null $z)))
    (func (param $x (ref null $z)) (result i32) (ref.eq (local.get $x) (local.get $x))))
  "type mismatch")
(assert_invalid
  (module
    (type $z (stack (ref null $z)))
    (func (param $x (ref null $z)) (result anyref) (local.get $x)))
  "type mismatch")
(assert_invalid
  (module
    (func (param $x funcref) (result stackref) (local.get $x)))
  "type mismatch")

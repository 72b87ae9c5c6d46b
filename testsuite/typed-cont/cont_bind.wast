;; cont.bind: rules cont.bind, cont.bind-null, cont.bind-consumed, and validation.

(module
  (type $f3 (func (param i32 i32 i32) (result i32)))
  (type $f2 (func (param i32 i32) (result i32)))
  (type $f1 (func (param i32) (result i32)))
  (type $f0 (func (result i32)))
  (type $k3 (cont $f3))
  (type $k2 (cont $f2))
  (type $k1 (cont $f1))
  (type $k0 (cont $f0))

  ;; Weighs its arguments so that their order shows in the result.
  (func $digits (param i32 i32 i32) (result i32)
    (i32.add
      (i32.mul (local.get 0) (i32.const 100))
      (i32.add (i32.mul (local.get 1) (i32.const 10)) (local.get 2))))
  (elem declare func $digits)

  ;; cont.bind: bound values are the first arguments.
  (func (export "bind-one") (result i32)
    (resume $k2 (i32.const 2) (i32.const 3)
      (cont.bind $k3 $k2 (i32.const 1) (cont.new $k3 (ref.func $digits)))))

  (func (export "bind-two-at-once") (result i32)
    (resume $k1 (i32.const 9)
      (cont.bind $k3 $k1 (i32.const 7) (i32.const 8) (cont.new $k3 (ref.func $digits)))))

  (func (export "bind-step-by-step") (result i32)
    (local $k (ref $k3))
    (local.set $k (cont.new $k3 (ref.func $digits)))
    (resume $k0
      (cont.bind $k1 $k0 (i32.const 6)
        (cont.bind $k2 $k1 (i32.const 5)
          (cont.bind $k3 $k2 (i32.const 4) (local.get $k))))))

  ;; cont.bind: binding nothing gives a fresh reference and consumes the old one.
  (func (export "bind-nothing") (result i32)
    (local $old (ref $k1))
    (local $new (ref $k1))
    (local.set $old
      (cont.bind $k3 $k1 (i32.const 0) (i32.const 0) (cont.new $k3 (ref.func $digits))))
    (local.set $new (cont.bind $k1 $k1 (local.get $old)))
    (resume $k1 (i32.const 5) (local.get $new)))

  (func (export "bind-nothing-old-dead") (result i32)
    (local $old (ref $k1))
    (local.set $old
      (cont.bind $k3 $k1 (i32.const 0) (i32.const 0) (cont.new $k3 (ref.func $digits))))
    (drop (cont.bind $k1 $k1 (local.get $old)))
    (resume $k1 (i32.const 5) (local.get $old)))

  ;; cont.bind-consumed: the bound continuation may not be bound or resumed again.
  (func (export "bind-twice") (result i32)
    (local $k (ref $k3))
    (local.set $k (cont.new $k3 (ref.func $digits)))
    (drop (cont.bind $k3 $k2 (i32.const 1) (local.get $k)))
    (drop (cont.bind $k3 $k2 (i32.const 2) (local.get $k)))
    (i32.const 0))

  (func (export "bind-after-resume") (result i32)
    (local $k (ref $k0))
    (local.set $k
      (cont.bind $k3 $k0 (i32.const 1) (i32.const 1) (i32.const 1)
        (cont.new $k3 (ref.func $digits))))
    (drop (resume $k0 (local.get $k)))
    (drop (cont.bind $k0 $k0 (local.get $k)))
    (i32.const 0))

  ;; cont.bind-null
  (func (export "bind-null") (result i32)
    (drop (cont.bind $k3 $k2 (i32.const 1) (ref.null $k3)))
    (i32.const 0))
  (func (export "bind-null-bottom") (result i32)
    (drop (cont.bind $k1 $k0 (i32.const 1) (ref.null nocont)))
    (i32.const 0))
)

(assert_return (invoke "bind-one") (i32.const 123))
(assert_return (invoke "bind-two-at-once") (i32.const 789))
(assert_return (invoke "bind-step-by-step") (i32.const 456))
(assert_return (invoke "bind-nothing") (i32.const 5))
(assert_trap (invoke "bind-nothing-old-dead") "continuation already consumed")
(assert_trap (invoke "bind-twice") "continuation already consumed")
(assert_trap (invoke "bind-after-resume") "continuation already consumed")
(assert_trap (invoke "bind-null") "null continuation reference")
(assert_trap (invoke "bind-null-bottom") "null continuation reference")

;; cont.bind on a continuation captured by suspend: the bound values become the tag's results.
(module
  (type $f0 (func (result i64)))
  (type $k0 (cont $f0))
  (type $f2 (func (param i64 i64) (result i64)))
  (type $k2 (cont $f2))
  (type $f1 (func (param i64) (result i64)))
  (type $k1 (cont $f1))
  (tag $ask (result i64 i64))

  (func $asker (result i64)
    (i64.sub (suspend $ask)))
  (elem declare func $asker)

  (func (export "bind-captured") (result i64)
    (local $k (ref $k2))
    (block $on-ask (result (ref $k2))
      (return (resume $k0 (on $ask $on-ask) (cont.new $k0 (ref.func $asker)))))
    (local.set $k)
    (resume $k1 (i64.const 8) (cont.bind $k2 $k1 (i64.const 50) (local.get $k))))
)
(assert_return (invoke "bind-captured") (i64.const 42))

;; cont.bind with subtyping: the new type may accept more and promise less.
(module
  (type $t (sub (struct)))
  (type $u (sub $t (struct (field i32))))
  (type $f2 (func (param i32 (ref null $t)) (result (ref $u))))
  (type $k2 (cont $f2))
  (type $f1 (func (param (ref $u)) (result (ref null $t))))
  (type $k1 (cont $f1))
  (type $f1-same (func (param (ref null $t)) (result (ref $u))))
  (type $k1-same (cont $f1-same))

  (func $make (param i32 (ref null $t)) (result (ref $u))
    (struct.new $u (local.get 0)))
  (elem declare func $make)

  (func (export "widen") (result i32)
    (local $k (ref $k1))
    (local.set $k (cont.bind $k2 $k1 (i32.const 77) (cont.new $k2 (ref.func $make))))
    (struct.get $u 0
      (ref.cast (ref $u)
        (resume $k1 (struct.new $u (i32.const 0)) (local.get $k)))))
)
(assert_return (invoke "widen") (i32.const 77))

;; Validation.

(assert_invalid
  (module
    (type $f (func (param i32)))
    (type $k (cont $f))
    (func (param (ref $k))
      (drop (cont.bind $f $k (i32.const 0) (local.get 0)))))
  "non-continuation type 0")

(assert_invalid
  (module
    (type $f (func (param i32)))
    (type $k (cont $f))
    (func (param (ref $k))
      (drop (cont.bind $k $f (i32.const 0) (local.get 0)))))
  "non-continuation type 0")

;; The target type may not take more parameters than the source.
(assert_invalid
  (module
    (type $f1 (func (param i32)))
    (type $k1 (cont $f1))
    (type $f2 (func (param i32 i32)))
    (type $k2 (cont $f2))
    (func (param (ref $k1))
      (drop (cont.bind $k1 $k2 (local.get 0)))))
  "type mismatch")

;; The bound values must have the types of the leading parameters.
(assert_invalid
  (module
    (type $f2 (func (param i64 i32)))
    (type $k2 (cont $f2))
    (type $f1 (func (param i32)))
    (type $k1 (cont $f1))
    (func (param (ref $k2))
      (drop (cont.bind $k2 $k1 (i32.const 0) (local.get 0)))))
  "type mismatch")

;; The remaining parameters must match (contravariantly).
(assert_invalid
  (module
    (type $f2 (func (param i32 i32)))
    (type $k2 (cont $f2))
    (type $f1 (func (param i64)))
    (type $k1 (cont $f1))
    (func (param (ref $k2))
      (drop (cont.bind $k2 $k1 (i32.const 0) (local.get 0)))))
  "type mismatch")

(assert_invalid
  (module
    (type $t (sub (struct)))
    (type $u (sub $t (struct (field i32))))
    (type $f2 (func (param i32 (ref $u))))
    (type $k2 (cont $f2))
    (type $f1 (func (param (ref $t))))
    (type $k1 (cont $f1))
    (func (param (ref $k2))
      (drop (cont.bind $k2 $k1 (i32.const 0) (local.get 0)))))
  "type mismatch")

;; The results must match (covariantly).
(assert_invalid
  (module
    (type $f1 (func (param i32) (result anyref)))
    (type $k1 (cont $f1))
    (type $f0 (func (result eqref)))
    (type $k0 (cont $f0))
    (func (param (ref $k1))
      (drop (cont.bind $k1 $k0 (i32.const 0) (local.get 0)))))
  "type mismatch")

;; The continuation operand must have the source type.
(assert_invalid
  (module
    (type $f1 (func (param i32)))
    (type $k1 (cont $f1))
    (type $g1 (func (param i64)))
    (type $j1 (cont $g1))
    (type $f0 (func))
    (type $k0 (cont $f0))
    (func (param (ref $j1))
      (drop (cont.bind $k1 $k0 (i32.const 0) (local.get 0)))))
  "type mismatch")

(assert_invalid
  (module
    (type $f1 (func (param i32)))
    (type $k1 (cont $f1))
    (type $f0 (func))
    (type $k0 (cont $f0))
    (func (param contref)
      (drop (cont.bind $k1 $k0 (i32.const 0) (local.get 0)))))
  "type mismatch")

;; Missing bound value.
(assert_invalid
  (module
    (type $f1 (func (param i32)))
    (type $k1 (cont $f1))
    (type $f0 (func))
    (type $k0 (cont $f0))
    (func (param (ref $k1))
      (drop (cont.bind $k1 $k0 (local.get 0)))))
  "type mismatch")

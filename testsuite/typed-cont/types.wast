;; Continuation types: the cont/nocont hierarchy, subtyping, nulls, and invalid casts.

(module
  (type $f (sub (func (param i31ref) (result anyref))))
  (type $k (sub (cont $f)))
  (type $f-sub (sub $f (func (param anyref) (result eqref))))
  (type $k-sub (sub $k (cont $f-sub)))

  (func $id (type $f-sub) (param anyref) (result eqref)
    (ref.cast eqref (local.get 0)))
  (elem declare func $id)

  ;; A (ref $k-sub) is a (ref $k), a (ref cont) and a contref.
  (func $upcast (param $x (ref $k-sub)) (result (ref $k)) (local.get $x))
  (func $to-top (param $x (ref $k)) (result contref) (local.get $x))
  ;; The null of any continuation type is a null of nocont.
  (func $bottom (result (ref null $k-sub)) (ref.null nocont))

  ;; A continuation of the subtype resumes at the supertype.
  (func (export "resume-at-supertype") (result i32)
    (ref.test (ref i31)
      (resume $k (ref.i31 (i32.const 5))
        (call $upcast (cont.new $k-sub (ref.func $id))))))

  (func (export "null-checks") (result i32)
    (i32.add
      (ref.is_null (call $bottom))
      (i32.add
        (ref.is_null (call $to-top (cont.new $k-sub (ref.func $id))))
        (ref.is_null (ref.null cont)))))

  (func (export "as-non-null-null")
    (drop (ref.as_non_null (call $bottom))))

  (func (export "br-on-null") (result i32)
    (block $null
      (br_on_null $null (call $bottom))
      (drop)
      (return (i32.const 0)))
    (i32.const 1))

  ;; Continuations in select, locals, globals and tables.
  (table $tab 3 contref)
  (global $g (mut contref) (ref.null nocont))
  (func (export "storage") (result i32)
    (local $x contref)
    (local.set $x (cont.new $k (ref.func $id)))
    (table.set $tab (i32.const 2) (local.get $x))
    (global.set $g (select (result contref) (local.get $x) (ref.null cont) (i32.const 1)))
    (i32.add
      (ref.is_null (table.get $tab (i32.const 2)))
      (i32.mul (i32.const 10) (ref.is_null (global.get $g)))))
)

(assert_return (invoke "resume-at-supertype") (i32.const 1))
(assert_return (invoke "null-checks") (i32.const 2))
(assert_trap (invoke "as-non-null-null") "null reference")
(assert_return (invoke "br-on-null") (i32.const 1))
(assert_return (invoke "storage") (i32.const 0))

;; The hierarchies are separate.
(assert_invalid
  (module (func (param contref) (result anyref) (local.get 0)))
  "type mismatch")
(assert_invalid
  (module (func (param contref) (result funcref) (local.get 0)))
  "type mismatch")
(assert_invalid
  (module (func (param contref) (result externref) (local.get 0)))
  "type mismatch")
(assert_invalid
  (module (func (param contref) (result exnref) (local.get 0)))
  "type mismatch")
(assert_invalid
  (module (func (param nullref) (result contref) (local.get 0)))
  "type mismatch")
(assert_invalid
  (module
    (type $f (func))
    (func (param (ref $f)) (result contref) (local.get 0)))
  "type mismatch")

;; cont is the top: it is not below a concrete continuation type.
(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param (ref cont)) (result (ref $k)) (local.get 0)))
  "type mismatch")

;; Nullability.
(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param (ref null $k)) (result (ref $k)) (local.get 0)))
  "type mismatch")

;; No structural subtyping without a declaration.
(assert_invalid
  (module
    (type $f (sub (func (param i32) (result anyref))))
    (type $k (cont $f))
    (type $f2 (sub $f (func (param i32) (result eqref))))
    (type $k2 (cont $f2))
    (func (param (ref $k2)) (result (ref $k)) (local.get 0)))
  "type mismatch")

;; A declared subtype must have a function subtype.
(assert_invalid
  (module
    (type $f (sub (func (param i32))))
    (type $k (sub (cont $f)))
    (type $g (func (param i64)))
    (type $k2 (sub $k (cont $g))))
  "sub type 3 does not match super type 1")

(assert_invalid
  (module
    (type $f (sub (func (result eqref))))
    (type $k (sub (cont $f)))
    (type $g (func (result anyref)))
    (type $k2 (sub $k (cont $g))))
  "sub type 3 does not match super type 1")

;; A continuation type cannot be the supertype of a function type, nor the reverse.
(assert_invalid
  (module
    (type $f (sub (func)))
    (type $k (sub (cont $f)))
    (type $g (sub $k (func))))
  "sub type 2 does not match super type 1")

;; Casts to continuation types are invalid.
(assert_invalid
  (module
    (func (param contref) (result i32) (ref.test contref (local.get 0))))
  "invalid cast")
(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param contref) (result (ref $k)) (ref.cast (ref $k) (local.get 0))))
  "invalid cast")
(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param contref) (result (ref null $k)) (ref.cast (ref null $k) (local.get 0))))
  "invalid cast")
(assert_invalid
  (module
    (func (param contref) (result i32) (ref.test nullcontref (local.get 0))))
  "invalid cast")
(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param contref) (result contref)
      (block $l (result (ref $k))
        (br_on_cast $l contref (ref $k) (local.get 0))
        (return))))
  "invalid cast")
(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param contref) (result contref)
      (block $l (result contref)
        (br_on_cast_fail $l contref (ref $k) (local.get 0))
        (return))))
  "invalid cast")

;; A continuation type must name a function type.
(assert_invalid
  (module (type $s (struct)) (type $k (cont $s)))
  "non-function type 0")
(assert_invalid
  (module (rec (type $k (cont $k))))
  "non-function type 0")

;; Recursive types through continuations are fine.
(module
  (rec
    (type $f (func (param (ref null $k)) (result (ref null $k))))
    (type $k (cont $f)))
  (rec
    (type $f2 (func (param (ref null $k2)) (result (ref null $k2))))
    (type $k2 (cont $f2)))
  ;; Equivalent rec groups define the same types.
  (func (param (ref null $k)) (result (ref null $k2)) (local.get 0))
)

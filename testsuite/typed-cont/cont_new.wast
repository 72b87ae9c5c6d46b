;; cont.new: rules cont.new and cont.new-null, and its validation errors.

(module
  (type $ft (sub (func (param i32) (result i32))))
  (type $ct (cont $ft))
  (type $ft-sub (sub $ft (func (param i32) (result i32))))

  (global $entered (mut i32) (i32.const 0))

  (func $double (type $ft) (param i32) (result i32)
    (global.set $entered (i32.add (global.get $entered) (i32.const 1)))
    (i32.mul (local.get 0) (i32.const 2)))
  (func $negate (type $ft-sub)
    (i32.sub (i32.const 0) (local.get 0)))
  (elem declare func $double $negate)

  ;; cont.new: creating a continuation does not enter the function.
  (func (export "create-only") (result i32)
    (drop (cont.new $ct (ref.func $double)))
    (drop (cont.new $ct (ref.func $double)))
    (global.get $entered))

  (func (export "create-and-resume") (param i32) (result i32)
    (resume $ct (local.get 0) (cont.new $ct (ref.func $double))))

  ;; cont.new: the operand may be nullable when it is not null at run time.
  (func (export "from-nullable") (result i32)
    (local $f (ref null $ft))
    (local.set $f (ref.func $double))
    (resume $ct (i32.const 21) (cont.new $ct (local.get $f))))

  ;; cont.new: a function of a declared subtype is accepted.
  (func (export "from-subtype") (result i32)
    (resume $ct (i32.const 5) (cont.new $ct (ref.func $negate))))

  ;; cont.new: two continuations of one function are independent.
  (func (export "two-fresh") (result i32)
    (local $k1 (ref $ct))
    (local $k2 (ref $ct))
    (local.set $k1 (cont.new $ct (ref.func $double)))
    (local.set $k2 (cont.new $ct (ref.func $double)))
    (i32.add
      (resume $ct (i32.const 1) (local.get $k2))
      (resume $ct (i32.const 100) (local.get $k1))))

  ;; cont.new-null
  (func (export "null-typed")
    (drop (cont.new $ct (ref.null $ft))))
  (func (export "null-bottom")
    (drop (cont.new $ct (ref.null nofunc))))
  (func (export "null-from-table") (result i32)
    (drop (cont.new $ct (table.get $fns (i32.const 0))))
    (i32.const 1))
  (table $fns 1 (ref null $ft))
)

(assert_return (invoke "create-only") (i32.const 0))
(assert_return (invoke "create-and-resume" (i32.const 7)) (i32.const 14))
(assert_return (invoke "from-nullable") (i32.const 42))
(assert_return (invoke "from-subtype") (i32.const -5))
(assert_return (invoke "two-fresh") (i32.const 202))
(assert_trap (invoke "null-typed") "null function reference")
(assert_trap (invoke "null-bottom") "null function reference")
(assert_trap (invoke "null-from-table") "null function reference")

;; Validation.

;; The immediate must be a continuation type.
(assert_invalid
  (module
    (type $ft (func (result i64)))
    (type $ct (cont $ft))
    (func (drop (cont.new $ft (ref.null $ft)))))
  "non-continuation type 0")

(assert_invalid
  (module
    (type $st (struct (field i32)))
    (type $ft (func))
    (type $ct (cont $ft))
    (func (drop (cont.new 0 (ref.null $ft)))))
  "non-continuation type 0")

;; A continuation type must name a function type.
(assert_invalid
  (module (type $a (array i8)) (type $ct (cont $a)))
  "non-function type 0")

(assert_invalid
  (module
    (type $ft (func))
    (type $ct (cont $ft))
    (type $ct2 (cont $ct)))
  "non-function type 1")

;; The operand must be a reference to the continuation's function type.
(assert_invalid
  (module
    (type $ft (func (param i32)))
    (type $other (func (param i64)))
    (type $ct (cont $ft))
    (func $g (param i64))
    (elem declare func $g)
    (func (drop (cont.new $ct (ref.func $g)))))
  "type mismatch")

(assert_invalid
  (module
    (type $ft (func))
    (type $ct (cont $ft))
    (func (drop (cont.new $ct (ref.null func)))))
  "type mismatch")

(assert_invalid
  (module
    (type $ft (func))
    (type $ct (cont $ft))
    (func (drop (cont.new $ct))))
  "type mismatch")

;; The result is a non-null reference to exactly the given continuation type.
(assert_invalid
  (module
    (type $ft1 (func))
    (type $ct1 (cont $ft1))
    (type $ft2 (func (param i32)))
    (type $ct2 (cont $ft2))
    (func $f)
    (elem declare func $f)
    (func (result (ref $ct2))
      (cont.new $ct1 (ref.func $f))))
  "type mismatch")

;; The result is a non-null continuation reference, usable at the abstract types.
(module
  (type $ft (func))
  (type $ct (cont $ft))
  (func $f)
  (elem declare func $f)
  (func $to-abstract (result (ref cont))
    (cont.new $ct (ref.func $f)))
  (func (export "is-null") (result i32)
    (local $k contref)
    (local.set $k (call $to-abstract))
    (ref.is_null (local.get $k)))
)
(assert_return (invoke "is-null") (i32.const 0))

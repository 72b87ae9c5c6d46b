;; resume: rules resume, resume-return, resume-null, resume-consumed, and validation.

(module
  (type $f-add (func (param i32 i32) (result i32)))
  (type $k-add (cont $f-add))
  (type $f-multi (func (param i64) (result i64 f32 i32)))
  (type $k-multi (cont $f-multi))
  (type $f-void (func))
  (type $k-void (cont $f-void))
  (tag $never)

  (global $log (mut i32) (i32.const 0))

  (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $spread (param i64) (result i64 f32 i32)
    (local.get 0) (f32.const 1.5) (i32.wrap_i64 (local.get 0)))
  (func $note (global.set $log (i32.add (global.get $log) (i32.const 1))))
  (elem declare func $add $spread $note)

  ;; resume + resume-return: arguments in, results out.
  (func (export "add") (param i32 i32) (result i32)
    (resume $k-add (local.get 0) (local.get 1) (cont.new $k-add (ref.func $add))))

  (func (export "multi") (param i64) (result i64 f32 i32)
    (resume $k-multi (local.get 0) (cont.new $k-multi (ref.func $spread))))

  ;; resume-return: unused handler clauses do not matter once the continuation returns.
  (func (export "unused-handler") (result i32)
    (block $h (result (ref $k-void))
      (resume $k-void (on $never $h) (cont.new $k-void (ref.func $note)))
      (return (global.get $log)))
    (drop)
    (i32.const -1))

  ;; resume from a continuation stored in a table and in a global.
  (table $t 2 (ref null $k-add))
  (global $g (mut (ref null $k-add)) (ref.null $k-add))
  (func (export "via-table") (result i32)
    (table.set $t (i32.const 1) (cont.new $k-add (ref.func $add)))
    (resume $k-add (i32.const 40) (i32.const 2) (table.get $t (i32.const 1))))
  (func (export "via-global") (result i32)
    (global.set $g (cont.new $k-add (ref.func $add)))
    (resume $k-add (i32.const 30) (i32.const 3) (global.get $g)))
  (func (export "via-global-again") (result i32)
    (resume $k-add (i32.const 30) (i32.const 3) (global.get $g)))

  ;; resume-consumed
  (func (export "twice") (result i32)
    (local $k (ref $k-add))
    (local.set $k (cont.new $k-add (ref.func $add)))
    (drop (resume $k-add (i32.const 1) (i32.const 1) (local.get $k)))
    (resume $k-add (i32.const 1) (i32.const 1) (local.get $k)))

  ;; resume-null
  (func (export "null") (result i32)
    (resume $k-add (i32.const 1) (i32.const 1) (ref.null $k-add)))
  (func (export "null-table") (result i32)
    (resume $k-add (i32.const 1) (i32.const 1) (table.get $t (i32.const 0))))

  ;; Nested resumes: a continuation may itself resume another one.
  (func $outer (param i32 i32) (result i32)
    (i32.mul (i32.const 10)
      (resume $k-add (local.get 0) (local.get 1) (cont.new $k-add (ref.func $add)))))
  (elem declare func $outer)
  (func (export "nested") (result i32)
    (resume $k-add (i32.const 2) (i32.const 3) (cont.new $k-add (ref.func $outer))))

  ;; A deep recursion inside a continuation.
  (type $f-count (func (param i32) (result i32)))
  (type $k-count (cont $f-count))
  (func $count (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $count (i32.sub (local.get 0) (i32.const 1)))))))
  (elem declare func $count)
  (func (export "deep") (param i32) (result i32)
    (resume $k-count (local.get 0) (cont.new $k-count (ref.func $count))))
)

(assert_return (invoke "add" (i32.const 20) (i32.const 22)) (i32.const 42))
(assert_return (invoke "multi" (i64.const 7)) (i64.const 7) (f32.const 1.5) (i32.const 7))
(assert_return (invoke "unused-handler") (i32.const 1))
(assert_return (invoke "via-table") (i32.const 42))
(assert_return (invoke "via-global") (i32.const 33))
(assert_trap (invoke "via-global-again") "continuation already consumed")
(assert_trap (invoke "twice") "continuation already consumed")
(assert_trap (invoke "null") "null continuation reference")
(assert_trap (invoke "null-table") "null continuation reference")
(assert_return (invoke "nested") (i32.const 50))
(assert_return (invoke "deep" (i32.const 1000)) (i32.const 1000))

;; Validation.

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param (ref $k)) (resume $f (local.get 0))))
  "non-continuation type 0")

;; Wrong argument count or type.
(assert_invalid
  (module
    (type $f (func (param i32 i32)))
    (type $k (cont $f))
    (func (param (ref $k)) (resume $k (i32.const 1) (local.get 0))))
  "type mismatch")

(assert_invalid
  (module
    (type $f (func (param i32)))
    (type $k (cont $f))
    (func (param (ref $k)) (resume $k (f32.const 1) (local.get 0))))
  "type mismatch")

;; Wrong result type.
(assert_invalid
  (module
    (type $f (func (result i32)))
    (type $k (cont $f))
    (func (param (ref $k)) (result i64) (resume $k (local.get 0))))
  "type mismatch")

;; Operand of another continuation type, or abstract.
(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (type $g (func (param i32)))
    (type $j (cont $g))
    (func (param (ref $j)) (resume $k (local.get 0))))
  "type mismatch")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param (ref cont)) (resume $k (local.get 0))))
  "type mismatch")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param (ref $f)) (resume $k (local.get 0))))
  "type mismatch")

;; Handler clauses: unknown tag, unknown label.
(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (func (param (ref $k))
      (block $h (result (ref $k))
        (resume $k (on 3 $h) (local.get 0))
        (return))
      (drop)))
  "unknown tag")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (tag $e)
    (func (param (ref $k))
      (resume $k (on $e 5) (local.get 0))))
  "unknown label")

;; The label must take the payload and then a continuation.
(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (tag $e (param i32))
    (func (param (ref $k))
      (block $h (result (ref $k))
        (resume $k (on $e $h) (local.get 0))
        (return))
      (drop)))
  "type mismatch")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (tag $e (param i32))
    (func (param (ref $k))
      (block $h (result i64 (ref $k))
        (resume $k (on $e $h) (local.get 0))
        (return))
      (drop) (drop)))
  "type mismatch")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (tag $e)
    (func (param (ref $k))
      (block $h
        (resume $k (on $e $h) (local.get 0))
        (return))))
  "type mismatch")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (tag $e)
    (func (param (ref $k))
      (block $h (result i32)
        (resume $k (on $e $h) (local.get 0))
        (return))
      (drop)))
  "type mismatch")

;; The label's continuation must take the tag's results ...
(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (type $g (func (param i32)))
    (type $j (cont $g))
    (tag $e (result i64))
    (func (param (ref $k))
      (block $h (result (ref $j))
        (resume $k (on $e $h) (local.get 0))
        (return))
      (drop)))
  "type mismatch")

;; ... and return the resume's results.
(assert_invalid
  (module
    (type $f (func (result i32)))
    (type $k (cont $f))
    (type $g (func (result i64)))
    (type $j (cont $g))
    (tag $e)
    (func (param (ref $k)) (result i32)
      (block $h (result (ref $j))
        (return (resume $k (on $e $h) (local.get 0))))
      (drop)
      (i32.const 0)))
  "type mismatch")

;; The label's continuation type must be concrete.
(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (tag $e)
    (func (param (ref $k))
      (block $h (result contref)
        (resume $k (on $e $h) (local.get 0))
        (return))
      (drop)))
  "type mismatch")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (tag $e)
    (func (param (ref $k))
      (block $h (result (ref $f))
        (resume $k (on $e $h) (local.get 0))
        (return))
      (drop)))
  "non-continuation type 0")

;; Valid handler label shapes: nullable continuation, payload widened, supertype continuation.
(module
  (type $f (func))
  (type $k (cont $f))
  (type $fs (sub (func (param i32))))
  (type $ks (sub (cont $fs)))
  (type $ft (func (param i32) (result i32)))
  (type $kt (cont $ft))
  (tag $e1 (param (ref i31)))
  (tag $e2 (param i32) (result i32))
  (tag $e3 (result i32))
  (func (param (ref $k))
    (block $h1 (result anyref (ref null $k))
      (resume $k (on $e1 $h1) (local.get 0))
      (return))
    (drop) (drop))
  (func (param (ref $k))
    (block $h2 (result i32 (ref $ks))
      (resume $k (on $e2 $h2) (local.get 0))
      (return))
    (drop) (drop))
  (func (param (ref $k))
    (block $h3 (result (ref $ks))
      (resume $k (on $e3 $h3) (local.get 0))
      (return))
    (drop))
)

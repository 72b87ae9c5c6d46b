;;! design = "effect-handlers"
;; Typing rules of effect-handlers (proposals/effect-handlers/README.md §3.3), including the
;; branch restriction ("invalid branch out of handler").

;; Everything well-typed, including every branch that stays inside its handle.
(module
  (type $ft (func (param i32) (result i32)))
  (type $k (cont $ft))
  (type $ft0 (func (result i32)))
  (type $k0 (cont $ft0))
  (type $wide-ft (func (param i32) (result anyref)))
  (type $wide (cont $wide-ft))
  (type $any-ft (func (param i32) (result i32)))
  (tag $ask (param i32) (result i32))
  (tag $tick)
  (tag $exn (param i64))

  (func (export "all") (param $kk (ref null $k)) (param $x exnref) (result i32)
    (drop (continue $k (i32.const 1) (local.get $kk)))
    (drop (discontinue $k $exn (i64.const 1) (local.get $kk)))
    (drop (discontinue_ref $k (local.get $x) (local.get $kk)))
    (handle $h (result i32)
      (do
        (block $inner
          (br_if $inner (i32.const 0))                ;; a label opened inside the handle
          (drop (br_if $h (i32.const 1) (i32.const 0))))  ;; the handle's own label
        (block $inner2 (result i64)
          (try_table (catch $exn $inner2) (nop))
          (i64.const 0))
        (drop)
        (drop (perform $ask (i32.const 1)))
        (perform $tick)
        (i32.const 2))
      (on $ask $k
        (br $h (continue $k)))
      (on $tick $k0
        (block $b (br $b))
        (continue $k0))))

  ;; the declared continuation type may promise less than the real one (results widen)
  (func (export "wide") (result anyref)
    (handle (result (ref i31))
      (do (drop (perform $ask (i32.const 0))) (ref.i31 (i32.const 1)))
      (on $ask $wide (drop) (drop) (ref.i31 (i32.const 0)))))

  ;; nested handles: the inner clause may branch to the inner label, calls may do anything
  (func $helper (result i32) (return (i32.const 4)))
  (func (export "nested") (result i32)
    (handle $outer (result i32)
      (do
        (handle $in (result i32)
          (do (br $in (call $helper)))
          (on $tick $k0 (br $in (continue $k0)))))
      (on $tick $k0 (continue $k0))))
)

;; ---- perform
(assert_invalid
  (module (func (perform 0)))
  "unknown tag")
(assert_invalid
  (module (tag $ask (param i32) (result i32)) (func (drop (perform $ask (i64.const 1)))))
  "type mismatch")
(assert_invalid
  (module (tag $ask (param i32) (result i32)) (func (result i64) (perform $ask (i32.const 1))))
  "type mismatch")

;; ---- handle: body and clause types
(assert_invalid
  (module
    (func (result i32) (handle (result i32) (do (i64.const 1)))))
  "type mismatch")
(assert_invalid
  (module
    (type $ft (func (result i32))) (type $k (cont $ft)) (tag $t)
    (func (result i32) (handle (result i32) (do (i32.const 1)) (on $t $k (drop) (i64.const 1)))))
  "type mismatch")
(assert_invalid
  (module
    (type $ft (func (result i32))) (type $k (cont $ft)) (tag $t)
    ;; the clause receives the continuation: two values are left
    (func (result i32) (handle (result i32) (do (i32.const 1)) (on $t $k (i32.const 1)))))
  "type mismatch")
(assert_invalid
  (module
    (type $ft (func (result i32))) (type $k (cont $ft)) (tag $t (param i64))
    ;; the tag's parameter comes first: (i64, ref $k); using it as i32 fails
    (func (result i32) (handle (result i32) (do (i32.const 1)) (on $t $k (drop) (i32.eqz)))))
  "type mismatch")
(assert_invalid
  (module
    (type $ft (func (result i32))) (tag $t)
    (func (result i32) (handle (result i32) (do (i32.const 1)) (on $t $ft (drop) (i32.const 0)))))
  "non-continuation type 0")
(assert_invalid
  (module
    (type $ft (func (result i32))) (type $k (cont $ft))
    (func (result i32) (handle (result i32) (do (i32.const 1)) (on 7 $k (drop) (i32.const 0)))))
  "unknown tag")
(assert_invalid
  (module
    ;; the continuation would take the tag's result i32, the type says i64
    (type $ft (func (param i64) (result i32))) (type $k (cont $ft)) (tag $t (result i32))
    (func (result i32) (handle (result i32) (do (i32.const 1)) (on $t $k (drop) (i32.const 0)))))
  "type mismatch")
(assert_invalid
  (module
    ;; the continuation produces the handle's i32, the type says i64
    (type $ft (func (result i64))) (type $k (cont $ft)) (tag $t)
    (func (result i32) (handle (result i32) (do (i32.const 1)) (on $t $k (drop) (i32.const 0)))))
  "type mismatch")
(assert_invalid
  (module
    ;; a declared type may not promise more: (ref any) is not a result of an anyref handle
    (type $ft (func (result (ref any)))) (type $k (cont $ft)) (tag $t)
    (func (result anyref)
      (handle (result anyref) (do (ref.null any)) (on $t $k (drop) (ref.null any)))))
  "type mismatch")

;; ---- handle-branch: no branch may leave a handle, no return inside
(assert_invalid
  (module
    (func (result i32)
      (block $out (result i32)
        (handle (result i32) (do (br $out (i32.const 1)))))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (func (result i32)
      (block $out (result i32)
        (handle (result i32) (do (drop (br_if $out (i32.const 1) (i32.const 1))) (i32.const 2))))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (func (result i32)
      (block $out (result i32)
        (handle $h (result i32)
          (do (br_table $h $out $h (i32.const 1) (i32.const 0)))))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (func (param $r anyref) (result anyref)
      (block $out
        (drop (handle (result anyref) (do (br_on_null $out (local.get $r))))))
      (ref.null any)))
  "invalid branch out of handler")
(assert_invalid
  (module
    (func (param $r anyref) (result anyref)
      (block $out (result (ref any))
        (handle (do (br_on_non_null $out (local.get $r))))
        (unreachable))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (func (param $r anyref) (result anyref)
      (block $out (result i31ref)
        (drop (handle (result anyref) (do (br_on_cast $out anyref i31ref (local.get $r)))))
        (ref.null i31))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (func (param $r anyref) (result anyref)
      (block $out (result anyref)
        (handle (result i31ref) (do (br_on_cast_fail $out anyref i31ref (local.get $r)))))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (tag $e)
    (func
      (block $out
        (handle (do (try_table (catch $e $out) (nop)))))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (func
      (block $out
        (handle (do (block $in (br $out)))))))
  "invalid branch out of handler")
(assert_invalid
  (module
    ;; the function's own label is outside the handle too
    (func (handle (do (br 1)))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (type $ft (func)) (type $k (cont $ft)) (tag $t)
    (func
      (block $out
        (handle (do (nop)) (on $t $k (drop) (br $out))))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (type $ft (func)) (type $k (cont $ft)) (tag $t)
    (func
      (block $out
        (handle (do (nop)) (on $t $k (br_if $out (ref.is_null)))))))
  "invalid branch out of handler")
(assert_invalid
  (module
    ;; an inner handle may not branch to the outer handle's label
    (func (result i32)
      (handle $outer (result i32)
        (do (handle (result i32) (do (br $outer (i32.const 1))))))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (func (result i32) (handle (result i32) (do (return (i32.const 1))))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (type $ft (func (result i32))) (type $k (cont $ft)) (tag $t)
    (func (result i32)
      (handle (result i32) (do (i32.const 0)) (on $t $k (drop) (return (i32.const 1))))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (func $f (result i32) (i32.const 1))
    (func (result i32) (handle (result i32) (do (block (return_call $f)) (i32.const 0)))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (type $f (func (result i32)))
    (func $g (result i32) (i32.const 1))
    (elem declare func $g)
    (func (result i32) (handle (result i32) (do (return_call_ref $f (ref.func $g))))))
  "invalid branch out of handler")
(assert_invalid
  (module
    (type $f (func (result i32)))
    (table 1 funcref)
    (func (result i32) (handle (result i32) (do (return_call_indirect (type $f) (i32.const 0))))))
  "invalid branch out of handler")
(assert_invalid
  (module
    ;; out of range altogether: the ordinary error comes first
    (func (handle (do (br 5)))))
  "unknown label")

;; ---- continue
(assert_invalid
  (module
    (type $ft (func (param i32) (result i32)))
    (func (param $c (ref null $ft)) (result i32) (continue $ft (i32.const 1) (local.get $c))))
  "non-continuation type 0")
(assert_invalid
  (module
    (type $ft (func (param i32) (result i32))) (type $k (cont $ft))
    (func (param $c (ref null $k)) (result i32) (continue $k (i64.const 1) (local.get $c))))
  "type mismatch")
(assert_invalid
  (module
    (type $ft (func (param i32) (result i32))) (type $k (cont $ft))
    (func (param $c (ref null $k)) (result i64) (continue $k (i32.const 1) (local.get $c))))
  "type mismatch")
(assert_invalid
  (module
    (type $ft (func (param i32) (result i32))) (type $k (cont $ft))
    (func (param $c contref) (result i32) (continue $k (i32.const 1) (local.get $c))))
  "type mismatch")

;; ---- discontinue, discontinue_ref
(assert_invalid
  (module
    (type $ft (func (param i32) (result i32))) (type $k (cont $ft))
    (tag $e (param i32) (result i32))
    (func (param $c (ref null $k)) (result i32) (discontinue $k $e (i32.const 1) (local.get $c))))
  "type mismatch")
(assert_invalid
  (module
    (type $ft (func (param i32) (result i32))) (type $k (cont $ft))
    (func (param $c (ref null $k)) (result i32) (discontinue $k 3 (local.get $c))))
  "unknown tag")
(assert_invalid
  (module
    (type $ft (func (param i32) (result i32))) (type $k (cont $ft))
    (tag $e (param i64))
    (func (param $c (ref null $k)) (result i32) (discontinue $k $e (i32.const 1) (local.get $c))))
  "type mismatch")
(assert_invalid
  (module
    (type $ft (func (param i32) (result i32))) (type $k (cont $ft))
    (func (param $c (ref null $k)) (param $x anyref) (result i32)
      (discontinue_ref $k (local.get $x) (local.get $c))))
  "type mismatch")
(assert_invalid
  (module
    (type $ft (func (param i32) (result i32)))
    (func (param $c (ref null $ft)) (param $x exnref) (result i32)
      (discontinue_ref $ft (local.get $x) (local.get $c))))
  "non-continuation type 0")

;; ---- continuation types and casts (as in typed-cont)
(assert_invalid
  (module (type $s (struct)) (type $k (cont $s)))
  "non-function type 0")
(assert_invalid
  (module
    (type $ft (func)) (type $k (cont $ft))
    (func (param $c contref) (drop (ref.cast (ref $k) (local.get $c)))))
  "invalid cast")
(assert_invalid
  (module
    (type $ft (func)) (type $k (cont $ft))
    (func (param $c contref) (result i32) (ref.test (ref null $k) (local.get $c))))
  "invalid cast")

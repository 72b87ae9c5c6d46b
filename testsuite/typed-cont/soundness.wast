;; Soundness: typing rules that must be equalities, and traps that must not consume a
;; continuation (proposals/typed-cont/README.md, "hdl-on-switch" and "Check, then consume").

;; ---- hdl-on-switch: the tag's results must EQUAL the resume's results.

;; Tag results a strict subtype of the continuation's: invalid. Were it valid, $b would resume a
;; continuation typed to return a $t that really returns the $s that $a makes, and read a field
;; the value does not have.
(assert_invalid
  (module
    (type $s (sub (struct)))
    (type $t (sub $s (struct (field i32))))
    (type $fs (func (result (ref null $s))))
    (type $cs (cont $fs))
    (type $ft (func (result (ref null $t))))
    (type $ct (cont $ft))
    (type $fb (func (param (ref null $ct)) (result (ref null $t))))
    (type $cb (cont $fb))
    (tag $e (result (ref null $t)))
    (func $a (result (ref null $s))
      (switch $cb $e (cont.new $cb (ref.func $b)))
      (struct.new $s))
    (func $b (param $k (ref null $ct)) (result (ref null $t))
      (drop (struct.get $t 0 (resume $ct (local.get $k))))
      (ref.null $t))
    (elem declare func $a $b)
    (func (export "main") (result (ref null $s))
      (resume $cs (on $e switch) (cont.new $cs (ref.func $a)))))
  "type mismatch")

;; Tag results a strict supertype of the continuation's: invalid too.
(assert_invalid
  (module
    (type $s (sub (struct)))
    (type $t (sub $s (struct (field i32))))
    (type $ft (func (result (ref null $t))))
    (type $ct (cont $ft))
    (tag $e (result (ref null $s)))
    (func (param $k (ref $ct)) (result (ref null $t))
      (resume $ct (on $e switch) (local.get $k))))
  "type mismatch")

;; Numeric results that differ: invalid.
(assert_invalid
  (module
    (type $f (func (result i32)))
    (type $c (cont $f))
    (tag $e (result i64))
    (func (param $k (ref $c)) (result i32)
      (resume $c (on $e switch) (local.get $k))))
  "type mismatch")

;; A switch tag with parameters: invalid.
(assert_invalid
  (module
    (type $f (func (result i32)))
    (type $c (cont $f))
    (tag $e (param i32) (result i32))
    (func (param $k (ref $c)) (result i32)
      (resume $c (on $e switch) (local.get $k))))
  "type mismatch")

;; The same program with equal types is valid and runs: $b gets the $t that $a's rest returns.
(module
  (type $s (sub (struct)))
  (type $t (sub $s (struct (field i32))))
  (type $fs (func (result (ref null $s))))
  (type $cs (cont $fs))
  (type $fb (func (param (ref null $cs)) (result (ref null $s))))
  (type $cb (cont $fb))
  (tag $e (result (ref null $s)))
  (func $a (result (ref null $s))
    (switch $cb $e (cont.new $cb (ref.func $b)))
    (struct.new $t (i32.const 7)))
  (func $b (param $k (ref null $cs)) (result (ref null $s))
    (resume $cs (local.get $k)))
  (elem declare func $a $b)
  (func (export "main") (result i32)
    (struct.get $t 0
      (ref.cast (ref $t) (resume $cs (on $e switch) (cont.new $cs (ref.func $a)))))))
(assert_return (invoke "main") (i32.const 7))

;; hdl-on-label keeps subtyping (the Explainer's rule): the label may take a supertype of the
;; tag's payload, and a continuation type that takes a subtype of the tag's results and
;; returns a supertype of the resume's.
(module
  (type $s (sub (struct)))
  (type $t (sub $s (struct (field i32))))
  (type $f (func (result (ref null $t))))
  (type $c (cont $f))
  ;; the continuation as the label sees it: takes a $t (the tag returns an $s), returns an $s
  (type $fk (func (param (ref null $t)) (result (ref null $s))))
  (type $ck (cont $fk))
  (tag $e (param (ref $t)) (result (ref null $s)))
  (func $g (result (ref null $t))
    (drop (suspend $e (struct.new $t (i32.const 3))))
    (struct.new $t (i32.const 4)))
  (elem declare func $g)
  (func (export "payload") (result i32)
    (block $h (result (ref null $s) (ref $ck))
      (resume $c (on $e $h) (cont.new $c (ref.func $g)))
      (unreachable))
    (drop)
    (struct.get $t 0 (ref.cast (ref $t)))))
(assert_return (invoke "payload") (i32.const 3))

;; ---- Check, then consume: a trap leaves the continuation as it was.

(module
  (type $f (func (result i32)))
  (type $c (cont $f))
  (type $f2 (func (param i32) (result i32)))
  (type $c2 (cont $f2))
  (type $f1 (func (param (ref null $c)) (result i32)))
  (type $c1 (cont $f1))
  (tag $y (result i32))
  (tag $sw (result i32))
  (global $k (mut (ref null $c2)) (ref.null $c2))
  (global $fresh (mut (ref null $c)) (ref.null $c))
  (global $target (mut (ref null $c1)) (ref.null $c1))
  (func $g (result i32) (i32.add (suspend $y) (i32.const 1)))
  (func $h (result i32) (i32.const 9))
  (func $tf (param (ref null $c)) (result i32) (i32.const 5))
  (elem declare func $g $h $tf)

  (func (export "start") (result i32)
    (global.set $fresh (cont.new $c (ref.func $h)))
    (global.set $target (cont.new $c1 (ref.func $tf)))
    (block $on (result (ref $c2))
      (resume $c (on $y $on) (cont.new $c (ref.func $g)))
      (return))
    (global.set $k)
    (i32.const 0))

  ;; resume_throw_ref-null-exn, on a started and on a fresh continuation
  (func (export "throw-null") (result i32)
    (resume_throw_ref $c2 (ref.null exn) (global.get $k)))
  (func (export "throw-null-fresh") (result i32)
    (resume_throw_ref $c (ref.null exn) (global.get $fresh)))
  (func (export "finish") (result i32)
    (resume $c2 (i32.const 41) (global.get $k)))
  (func (export "finish-fresh") (result i32)
    (resume $c (global.get $fresh)))

  ;; suspend-unhandled for switch: the target is not consumed
  (func (export "switch-unhandled") (result i32)
    (switch $c1 $sw (global.get $target))
    (i32.const 0))
  (func (export "run-target") (result i32)
    (resume $c (on $sw switch) (cont.bind $c1 $c (ref.null $c) (global.get $target))))
)
(assert_return (invoke "start") (i32.const 0))
(assert_trap (invoke "throw-null") "null exception reference")
(assert_trap (invoke "throw-null") "null exception reference")
(assert_trap (invoke "throw-null-fresh") "null exception reference")
(assert_return (invoke "finish") (i32.const 42))
(assert_trap (invoke "finish") "continuation already consumed")
(assert_trap (invoke "throw-null") "continuation already consumed")
(assert_return (invoke "finish-fresh") (i32.const 9))
(assert_trap (invoke "throw-null-fresh") "continuation already consumed")
(assert_suspension (invoke "switch-unhandled") "unhandled")
(assert_return (invoke "run-target") (i32.const 5))
(assert_trap (invoke "switch-unhandled") "continuation already consumed")

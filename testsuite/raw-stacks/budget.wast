;;! design = "raw-stacks"
;;! call-depth = 100
;; Budgets (proposals/raw-stacks/README.md §4): the call-depth budget counts the frames of the
;; running stacks only (a suspended stack's frames are off the thread), plus those of the
;; activations blocked in a host function.

(module
  (import "spectest" "call_ref" (func $call_ref (param i32 funcref) (result i32)))
  (rec
    (type $co (stack (param i32) (ref null $ge)))
    (type $ge (stack (param i32) (ref $co))))

  ;; n frames deep, returns n
  (func $deep (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $deep (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  ;; a stack that recurses x deep and reports back
  (func $worker (param $x i32) (param $back (ref $co))
    (stack.switch_retire $co (call $deep (local.get $x)) (local.get $back)))
  ;; the root recurses r deep, then switches to a worker that recurses w deep
  (func $root-deep (param $r i32) (param $w i32) (result i32)
    (if (result i32) (i32.eqz (local.get $r))
      (then (stack.switch $ge (local.get $w) (stack.new $ge $worker)) (drop))
      (else (call $root-deep (i32.sub (local.get $r) (i32.const 1)) (local.get $w)))))
  (func (export "split") (param $r i32) (param $w i32) (result i32)
    (call $root-deep (local.get $r) (local.get $w)))

  ;; the root recurses r deep, then calls $deep(w) as a nested activation
  (func $outer (param $r i32) (param $w i32) (result i32)
    (if (result i32) (i32.eqz (local.get $r))
      (then (call $call_ref (local.get $w) (ref.func $deep)))
      (else (call $outer (i32.sub (local.get $r) (i32.const 1)) (local.get $w)))))
  (elem declare func $deep)
  (func (export "nested") (param $w i32) (result i32)
    (call $outer (i32.const 60) (local.get $w)))
)

;; 62 + 62 frames: more than 100 together, but never on the thread at once
(assert_return (invoke "split" (i32.const 60) (i32.const 60)) (i32.const 60))
(assert_exhaustion (invoke "split" (i32.const 0) (i32.const 200)) "call stack exhausted")
;; the outer activation's frames stay on the thread while the nested one runs
(assert_return (invoke "nested" (i32.const 10)) (i32.const 10))
(assert_exhaustion (invoke "nested" (i32.const 60)) "call stack exhausted")

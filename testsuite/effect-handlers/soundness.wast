;;! design = "effect-handlers"
;;! call-depth = 50
;; Check, then consume: a trap or exhaustion leaves the continuation resumable
;; (proposals/effect-handlers/README.md, "Check, then consume").
(module
  (type $ft (func (param i32) (result i32)))
  (type $k (cont $ft))
  (tag $y (result i32))
  (global $kg (mut (ref null $k)) (ref.null $k))
  ;; n frames deep, then performs $y; when continued with v returns v + n
  (func $rec (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (i32.add (call $rec (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))
      (else (perform $y))))
  (func (export "make") (result i32)
    (handle (result i32)
      (do (call $rec (i32.const 40)))
      (on $y $k (global.set $kg) (i32.const 0))))
  (func $down (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (call $down (i32.sub (local.get $n) (i32.const 1))))
      (else (continue $k (i32.const 0) (global.get $kg)))))
  (func (export "continue-at") (param $n i32) (result i32) (call $down (local.get $n)))
  (func (export "discontinue-null-exn") (result i32)
    (discontinue_ref $k (ref.null exn) (global.get $kg)))
)
(assert_return (invoke "make") (i32.const 0))
(assert_exhaustion (invoke "continue-at" (i32.const 20)) "call stack exhausted")
(assert_trap (invoke "discontinue-null-exn") "null exception reference")
(assert_return (invoke "continue-at" (i32.const 0)) (i32.const 40))
(assert_trap (invoke "continue-at" (i32.const 0)) "continuation already consumed")

;;! design = "typed-cont"
;; A computation that simply returns. In typed-cont the continuation's function returns its
;; value to the `resume` (`returns`: 5); an exception it lets out goes to the resumer, whose
;; try_table catches it (`throws`: 2). Ending by handing the value back explicitly (`hands-back`,
;; a last suspension carrying the value) works in every design: 5.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func (result i32)))
  (type $ct (cont $ft))
  (tag $done (param i32))
  (tag $oops (param i32))

  (func $returns (result i32)
    (call $print (i32.const 1))
    (i32.const 5))
  (func $throws (result i32)
    (call $print (i32.const 1))
    (throw $oops (i32.const 2)))
  (func $hands-back (result i32)
    (call $print (i32.const 1))
    (suspend $done (i32.const 5))
    (unreachable))
  (elem declare func $returns $throws $hands-back)

  ;; runs the computation: its return value, or the value it hands back, or what it throws
  (func $run (param $k (ref $ct)) (result i32)
    (block $caught (result i32)
      (try_table (result i32) (catch $oops $caught)
        (block $on_done (result i32 (ref $ct))
          (return (resume $ct (on $done $on_done) (local.get $k))))
        (drop))))

  (func (export "returns") (result i32) (call $run (cont.new $ct (ref.func $returns))))
  (func (export "throws") (result i32) (call $run (cont.new $ct (ref.func $throws))))
  (func (export "hands-back") (result i32) (call $run (cont.new $ct (ref.func $hands-back))))
)

;; each prints 1
(assert_return (invoke "returns") (i32.const 5))
(assert_return (invoke "throws") (i32.const 2))
(assert_return (invoke "hands-back") (i32.const 5))

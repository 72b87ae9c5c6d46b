;; xcheck fuzz finding 7: binaryen crash (binaryen)
;; expected: return i32:-49
;; got:      crash exit 1: Aborted() | /work/main/tools/.engines/npm/node_modules/binaryen/bin/wasm-shell:2
;; first seen in program seed 14384468101657658870; signature: binaryen / crash / exit #: aborted() | / cont.bind,cont.new,resume
(module
  (type $f (func (param i32 i32) (result i32)))
  (type $c (cont $f))
  (type $fb (func (param i32) (result i32)))
  (type $cb (cont $fb))
  (func $body (type $f) (local $acc i32)
    (local.set $acc (i32.add (i32.add (i32.const 0) (i32.mul (local.get 0) (i32.const 2))) (i32.mul (local.get 1) (i32.const 3))))
    (local.get $acc))
  (elem declare func $body)
  (func (export "run") (result i32)
    (local $mode i32) (local $r i32) (local $ny i32) (local $nt i32)
    (block $done
      (loop $l
        (if (i32.eq (local.get $mode) (i32.const 0)) (then (local.set $r (resume $cb  (i32.const -15) (cont.bind $c $cb (i32.const -2) (cont.new $c (ref.func $body))))) (br $done)))
        (unreachable)))
    (i32.add (local.get $r) (i32.add (i32.mul (local.get $nt) (i32.const 100)) (i32.mul (local.get $ny) (i32.const 10000)))))
)
(assert_return (invoke "run") (i32.const -49))

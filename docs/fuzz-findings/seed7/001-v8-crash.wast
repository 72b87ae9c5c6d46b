;; xcheck fuzz finding 1: v8 crash (v8)
;; expected: return i32:1001
;; got:      crash killed by signal 5 (exit 133): Fatal error in , line 0 | unimplemented code
;; first seen in program seed 7191089600892374487; signature: v8 / crash / killed by signal # (exit #): fatal error in , line # | unimplemented code / 
(module
  (rec (type $fs (func (param i32 (ref null $ks)) (result i32))) (type $ks (cont $fs)))
  (tag $sw (result i32))
  (func $p (type $fs) (param $n i32) (param $peer (ref null $ks)) (result i32)
    (loop $l
      (if (i32.ge_s (local.get $n) (i32.const 1)) (then (return (i32.add (local.get $n) (i32.const 1000)))))
      (if (ref.is_null (local.get $peer)) (then (local.set $peer (cont.new $ks (ref.func $p)))))
      (switch $ks $sw (i32.add (local.get $n) (i32.const 1)) (local.get $peer))
      (local.set $peer) (local.set $n) (br $l))
    (unreachable))
  (elem declare func $p)
  (func (export "run") (result i32)
    (resume $ks (on $sw switch) (i32.const 0) (ref.null $ks) (cont.new $ks (ref.func $p))))
)
(assert_return (invoke "run") (i32.const 1001))

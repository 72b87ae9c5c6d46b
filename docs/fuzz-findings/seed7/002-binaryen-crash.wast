;; xcheck fuzz finding 2: binaryen crash (binaryen)
;; expected: return i32:1001
;; got:      crash exit 1: Aborted() | RuntimeError: Aborted(). Build with -sASSERTIONS for more info.
;; first seen in program seed 7191089600892374487; signature: binaryen / crash / exit #: aborted() | runtimeerror: aborted(). build with -sassertions for more in / 
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

;; xcheck fuzz finding 9: binaryen rejected valid module (binaryen)
;; expected: success
;; got:      malformed 159:23: error: popping from empty stack
;; first seen in program seed 17398356675723845447; signature: binaryen / rejected-valid / #:#: error: popping from empty stack / 
(module
  (type $f (func (result i32)))
  (type $k (cont $f))
  (rec (type $fs (func (param (ref null $ks)) (result i32))) (type $ks (cont $fs)))
  (tag $sw (result i32))
  (func $g (type $fs) (drop (switch $ks $sw (ref.null $ks))) (i32.const 0))
  (elem declare func $g)
  (func (export "run") (result i32) (resume $ks (on $sw switch) (ref.null $ks) (cont.new $ks (ref.func $g)))))
(assert_trap (invoke "run") "null continuation reference")

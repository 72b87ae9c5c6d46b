;; xcheck fuzz finding 10: v8 accepted invalid module (v8)
;; expected: invalid "type mismatch"
;; got:      success module accepted
;; first seen in program seed 13454649374930426112; signature: v8 / accepted-invalid / module accepted / assert_invalid,on-switch,rec,ref.null,resume
(assert_invalid
  (module
  (rec (type $fs (func (param (ref null $ks)) (result i32))) (type $ks (cont $fs)))
  (tag $sw (param i32) (result i32))
  (func (param $c (ref null $ks)) (result i32) (resume $ks (on $sw switch) (ref.null $ks) (local.get $c)))
  )
  "type mismatch")

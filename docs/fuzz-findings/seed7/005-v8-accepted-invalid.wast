;; xcheck fuzz finding 5: v8 accepted invalid module (v8)
;; expected: invalid "type mismatch"
;; got:      success module accepted
;; first seen in program seed 16004156247368853063; signature: v8 / accepted-invalid / module accepted / assert_invalid,i64,on-switch,rec,ref.null,resume
(assert_invalid
  (module
  (rec (type $fs (func (param (ref null $ks)) (result i32))) (type $ks (cont $fs)))
  (tag $sw (result i64))
  (func (param $c (ref null $ks)) (result i32) (resume $ks (on $sw switch) (ref.null $ks) (local.get $c)))
  )
  "type mismatch")

;; xcheck fuzz finding 1: switchyard accepted invalid module (switchyard)
;; expected: invalid "type mismatch"
;; got:      success
;; first seen in program seed 2092789425003139053; signature: switchyard / accepted-invalid / - / assert_invalid,on-switch,rec,ref.null,resume,sub
(assert_invalid
  (module
  (type $s (sub (struct)))
  (type $t (sub $s (struct (field i32))))
  (rec (type $fs (func (param (ref null $ks)) (result (ref null $s)))) (type $ks (cont $fs)))
  (tag $sw (result (ref null $t)))
  (func (param $c (ref null $ks)) (result (ref null $s)) (resume $ks (on $sw switch) (ref.null $ks) (local.get $c)))
  )
  "type mismatch")

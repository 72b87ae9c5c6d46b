;; xcheck fuzz finding 14: ref accepted invalid module (ref)
;; expected: invalid "type mismatch"
;; got:      success assertion failure: expected validation error
;; first seen in program seed 6979322673516390837; signature: ref / accepted-invalid / assertion failure: expected validation error / assert_invalid,on-switch,rec,ref.null,resume,sub
(assert_invalid
  (module
  (type $s (sub (struct)))
  (type $t (sub $s (struct (field i32))))
  (rec (type $fs (func (param (ref null $ks)) (result (ref null $s)))) (type $ks (cont $fs)))
  (tag $sw (result (ref null $t)))
  (func (param $c (ref null $ks)) (result (ref null $s)) (resume $ks (on $sw switch) (ref.null $ks) (local.get $c)))
  )
  "type mismatch")

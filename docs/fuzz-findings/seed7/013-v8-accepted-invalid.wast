;; xcheck fuzz finding 13: v8 accepted invalid module (v8)
;; expected: invalid "type mismatch"
;; got:      success module accepted
;; first seen in program seed 6979322673516390837; signature: v8 / accepted-invalid / module accepted / assert_invalid,on-switch,rec,ref.null,resume,sub
(assert_invalid
  (module
  (type $s (sub (struct)))
  (type $t (sub $s (struct (field i32))))
  (rec (type $fs (func (param (ref null $ks)) (result (ref null $s)))) (type $ks (cont $fs)))
  (tag $sw (result (ref null $t)))
  (func (param $c (ref null $ks)) (result (ref null $s)) (resume $ks (on $sw switch) (ref.null $ks) (local.get $c)))
  )
  "type mismatch")

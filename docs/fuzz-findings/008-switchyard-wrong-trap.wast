;; xcheck fuzz finding 8: switchyard wrong trap (switchyard)
;; expected: return i32:42
;; got:      trap continuation already consumed
;; first seen in program seed 17922095870869138350; signature: switchyard / wrong-trap / continuation already consumed / cont.new,global.get,ref.null,resume,resume_throw_ref
(module
  (type $f (func (result i32)))
  (type $k (cont $f))
  (global $c (mut (ref null $k)) (ref.null $k))
  (func $g (result i32) (i32.const 42))
  (elem declare func $g)
  (func (export "later") (result i32) (resume $k (global.get $c)))
  (func (export "run") (result i32) (global.set $c (cont.new $k (ref.func $g))) (resume_throw_ref $k (ref.null exn) (global.get $c))))
(assert_trap (invoke "run") "null exception reference")
(assert_return (invoke "later") (i32.const 42))

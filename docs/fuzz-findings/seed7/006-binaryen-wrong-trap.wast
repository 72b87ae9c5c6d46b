;; xcheck fuzz finding 6: binaryen wrong trap (binaryen)
;; expected: trap "null exception reference"
;; got:      exception expected trap, got exception
;; first seen in program seed 16004156247368853063; signature: binaryen / wrong-trap / expected trap, got exception / cont.new,global.get,ref.null,resume,resume_throw_ref
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

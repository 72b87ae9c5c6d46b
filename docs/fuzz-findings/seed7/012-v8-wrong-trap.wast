;; xcheck fuzz finding 12: v8 wrong trap (v8)
;; expected: suspension "unhandled"
;; got:      return i32:2
;; first seen in program seed 1342663240544907302; signature: v8 / wrong-trap / i#:# / assert_suspension,catch_all,cont.new,resume,suspend,try_table
(module
  (type $f (func (result i32)))
  (type $k (cont $f))
  (tag $t)
  (func $g (result i32) (suspend $t) (i32.const 3))
  (elem declare func $g)
  (func (export "run") (result i32) (block $h (try_table (catch_all $h) (drop (resume $k (cont.new $k (ref.func $g)))))) (i32.const 2)))
(assert_suspension (invoke "run") "unhandled")

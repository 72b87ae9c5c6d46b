;; xcheck fuzz finding 11: v8 crash (v8)
;; expected: return i32:10005
;; got:      crash killed by signal 11 (exit 139): {"i":0,"line":1,"kind":"module","category":"success","detail":"","passes":true}
;; first seen in program seed 3233566052007775120; signature: v8 / crash / killed by signal # (exit #): / cont.new,resume,resume_throw,select,suspend,try_table
(module
  (type $f (func (result i32)))
  (type $c (cont $f))
  (type $fy (func (param i32 i32) (result i32)))
  (type $cy (cont $fy))
  (tag $y (param i32 i32) (result i32 i32))
  (tag $x (param i32))
  (func $body (type $f) (local $acc i32)
    (local.set $acc (i32.const 0))
    (suspend $y (local.get $acc) (i32.const -1)) (i32.xor) (local.set $acc)
    (local.get $acc))
  (elem declare func $body)
  (func (export "run") (result i32)
    (local $mode i32) (local $r i32) (local $ny i32) (local $nt i32) (local $ky (ref null $cy)) (local $tmp (ref null $cy)) (local $q i32) (local $q2 i32)
    (block $end
      (local.set $r (i32.add (i32.const 5) (block $caught (result i32)
        (try_table (catch $x $caught)
          (block $done
            (loop $l
              (block $oy (result i32 i32 (ref $cy))
                (if (i32.eq (local.get $mode) (i32.const 0)) (then (local.set $r (resume $c (on $y $oy) (cont.new $c (ref.func $body)))) (br $done)))
                (if (i32.eq (local.get $mode) (i32.const 1)) (then (local.set $r (resume $cy (on $y $oy) (local.get $q) (local.get $q2) (local.get $ky))) (br $done)))
                (if (i32.eq (local.get $mode) (i32.const 3)) (then (local.set $r (resume_throw $cy $x (on $y $oy) (i32.const 0) (local.get $ky))) (br $done)))
                (unreachable))
              (local.set $ky)
              (local.set $q2) (local.set $q) (i32.sub (local.get $q) (local.get $q2)) (local.set $q (i32.add (local.get $q) (local.get $q2))) (local.set $q2)
              (local.set $ny (i32.add (local.get $ny) (i32.const 1)))
              (local.set $mode (select (i32.const 3) (i32.const 1) (i32.eq (local.get $ny) (i32.const 1)))) (br $l)))
          )
          (br $end)))))
    (i32.add (local.get $r) (i32.add (i32.mul (local.get $nt) (i32.const 100)) (i32.mul (local.get $ny) (i32.const 10000)))))
)
(assert_return (invoke "run") (i32.const 10005))

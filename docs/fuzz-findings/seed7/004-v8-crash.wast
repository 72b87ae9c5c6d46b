;; xcheck fuzz finding 4: v8 crash (v8)
;; expected: return i32:10001
;; got:      crash killed by signal 5 (exit 133): Fatal error in , line 0 | Check failed: !op.Effects().can_write().
;; first seen in program seed 16004156247368853063; signature: v8 / crash / killed by signal # (exit #): fatal error in , line # | check failed: !op.effects / 
(module
  (type $f (func (result i32)))
  (type $c (cont $f))
  (type $fy (func (param i32) (result i32)))
  (type $cy (cont $fy))
  (type $holder (struct (field (mut (ref null $cy)))))
  (tag $y (param i32) (result i32))
  (func $body (type $f) (local $acc i32)
    (local.set $acc (i32.const 0))
    (local.set $acc (suspend $y (local.get $acc)))
    (local.get $acc))
  (elem declare func $body)
  (func (export "run") (result i32)
    (local $mode i32) (local $r i32) (local $ny i32) (local $nt i32) (local $ky (ref null $cy)) (local $tmp (ref null $cy)) (local $q i32) (local $h (ref null $holder))
    (local.set $h (struct.new_default $holder))
    (block $done
      (loop $l
        (block $oy (result i32 (ref $cy))
          (if (i32.eq (local.get $mode) (i32.const 0)) (then (local.set $r (resume $c (on $y $oy) (cont.new $c (ref.func $body)))) (br $done)))
          (if (i32.eq (local.get $mode) (i32.const 1)) (then (local.set $r (resume $cy (on $y $oy) (local.get $q) (struct.get $holder 0 (local.get $h)))) (br $done)))
          (unreachable))
        (local.set $tmp) (struct.set $holder 0 (local.get $h) (local.get $tmp))
        (local.set $q (i32.add (i32.mul (i32.const 3)) (i32.const 1)))
        (local.set $ny (i32.add (local.get $ny) (i32.const 1)))
        (local.set $mode (i32.const 1)) (br $l)))
    (i32.add (local.get $r) (i32.add (i32.mul (local.get $nt) (i32.const 100)) (i32.mul (local.get $ny) (i32.const 10000)))))
)
(assert_return (invoke "run") (i32.const 10001))

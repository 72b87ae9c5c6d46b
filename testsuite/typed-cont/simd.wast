;; v128 values cross suspend, resume, cont.bind and switch, as parameters, tag payloads, tag
;; results and continuation results; locals holding v128 survive the suspension.

(module
  (type $fv (func (param v128) (result v128)))
  (type $kv (cont $fv))
  (type $fvv (func (param v128 v128) (result v128)))
  (type $kvv (cont $fvv))
  (tag $step (param v128) (result v128))

  (global $seen (mut v128) (v128.const i64x2 0 0))

  ;; Accumulates the vectors sent in (i32x4 lanes); each suspension sends the running sum out
  ;; and takes the next addend back; a zero addend ends it with the sum.
  (func $acc (param $x v128) (result v128)
    (local $sum v128)
    (local.set $sum (local.get $x))
    (loop $l
      (local.set $x (suspend $step (local.get $sum)))
      (local.set $sum (i32x4.add (local.get $sum) (local.get $x)))
      (br_if $l (v128.any_true (local.get $x))))
    (local.get $sum))

  ;; The two-parameter version: after cont.bind the first operand is fixed.
  (func $scale (param $m v128) (param $x v128) (result v128)
    (local.set $x (suspend $step (i32x4.mul (local.get $m) (local.get $x))))
    (f32x4.mul (local.get $x) (v128.const f32x4 2 2 2 2)))
  (elem declare func $acc $scale)

  ;; Drives $acc with the addends [1 2 3 4], [10 20 30 40], 0: returns the final sum; the
  ;; last suspension's payload goes to $seen.
  (func (export "acc") (result v128)
    (local $k (ref null $kv)) (local $v v128)
    (local.set $k (cont.new $kv (ref.func $acc)))
    (local.set $v (v128.const i32x4 1 2 3 4))
    (loop $l
      (block $on (result v128 (ref $kv))
        (return (resume $kv (on $step $on) (local.get $v) (local.get $k))))
      (local.set $k)
      (global.set $seen)
      (local.set $v
        (if (result v128) (i32x4.all_true (i32x4.eq (global.get $seen) (v128.const i32x4 1 2 3 4)))
          (then (v128.const i32x4 10 20 30 40))
          (else (v128.const i64x2 0 0))))
      (br $l))
    (unreachable))
  (func (export "seen") (result v128) (global.get $seen))

  ;; cont.bind fixes the v128 multiplier; the suspension sends the product out, and the
  ;; resumption's f32x4 value comes back doubled.
  (func (export "bind") (result v128)
    (local $k (ref null $kv))
    (local.set $k
      (cont.bind $kvv $kv (v128.const i32x4 3 3 3 3) (cont.new $kvv (ref.func $scale))))
    (block $on (result v128 (ref $kv))
      (return (resume $kv (on $step $on) (v128.const i32x4 1 -2 3 -4) (local.get $k))))
    (local.set $k)
    (global.set $seen)
    (resume $kv (v128.const f32x4 1.5 -0.25 nan inf) (local.get $k)))
)

(assert_return (invoke "acc") (v128.const i32x4 11 22 33 44))
(assert_return (invoke "seen") (v128.const i32x4 11 22 33 44))
(assert_return (invoke "bind") (v128.const f32x4 3 -0.5 nan:canonical inf))
(assert_return (invoke "seen") (v128.const i32x4 3 -6 9 -12))

;; switch: two coroutines pass a v128 back and forth; each adds its lane pattern.
(module
  (rec
    (type $fs (func (param v128 (ref null $ks)) (result v128)))
    (type $ks (cont $fs)))
  (tag $sw (result v128))

  (func $a (type $fs) (param $v v128) (param $peer (ref null $ks)) (result v128)
    (switch $ks $sw (i16x8.add (local.get $v) (v128.const i16x8 1 1 1 1 1 1 1 1))
      (cont.new $ks (ref.func $b)))
    (local.set $peer)
    (local.set $v)
    (switch $ks $sw (i16x8.add (local.get $v) (v128.const i16x8 1 1 1 1 1 1 1 1))
      (local.get $peer))
    (drop)
    (i16x8.mul (v128.const i16x8 10 10 10 10 10 10 10 10)))
  (func $b (type $fs) (param $v v128) (param $peer (ref null $ks)) (result v128)
    (switch $ks $sw (i16x8.add (local.get $v) (v128.const i16x8 0 100 0 100 0 100 0 100))
      (local.get $peer))
    (local.set $peer)
    (local.set $v)
    ;; b's last word goes back to a, which returns to the resume
    (switch $ks $sw (i16x8.add (local.get $v) (v128.const i16x8 0 100 0 100 0 100 0 100))
      (local.get $peer))
    (drop)
    (drop)
    (v128.const i64x2 -1 -1))
  (elem declare func $a $b)

  (func (export "ping-pong") (result v128)
    (resume $ks (on $sw switch)
      (v128.const i16x8 0 1 2 3 4 5 6 7) (ref.null $ks) (cont.new $ks (ref.func $a))))
)

;; a: +1, b: +(0 100), a: +1, b: +(0 100), a: *10
(assert_return (invoke "ping-pong") (v128.const i16x8 20 2030 40 2050 60 2070 80 2090))

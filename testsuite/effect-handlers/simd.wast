;;! design = "effect-handlers"
;; v128 values cross perform (payload and answer), continue, and the handle's result; a v128
;; local of the performing function survives the suspension.

(module
  (type $ft (func (param v128) (result v128)))
  (type $k (cont $ft))
  (tag $ask (param v128) (result v128))

  (func $client (result v128)
    (local $x v128)
    (local.set $x (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16))
    (local.set $x (i8x16.add (local.get $x) (perform $ask (local.get $x))))
    (i8x16.sub (perform $ask (local.get $x)) (local.get $x)))

  ;; the answer is the payload doubled (shifted left by one in each byte)
  (func (export "run") (result v128)
    (local $c (ref null $k))
    (handle (result v128)
      (do (call $client))
      (on $ask $k
        (local.set $c)
        (i8x16.shl (i32.const 1))
        (continue $k (local.get $c)))))

  ;; a clause that does not continue: its v128 is the handle's result
  (func (export "abort") (result v128)
    (handle (result v128)
      (do (call $client))
      (on $ask $k
        (drop)
        (i8x16.neg))))
)

(assert_return (invoke "run") (v128.const i8x16 3 6 9 12 15 18 21 24 27 30 33 36 39 42 45 48))
(assert_return (invoke "abort")
  (v128.const i8x16 -1 -2 -3 -4 -5 -6 -7 -8 -9 -10 -11 -12 -13 -14 -15 -16))

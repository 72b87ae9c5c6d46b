;;! design = "effect-handlers"
(module
  (type $ft (func (param i32) (result i32)))
  (type $k (cont $ft))
  (tag $ask (param i32) (result i32))
  (tag $other)
  (func $asker (param $x i32) (result i32)
    (i32.div_u (i32.const 1) (perform $ask (local.get $x))))
  (func (export "go") (result i32)
    (local $c (ref null $k))
    (handle (result i32)
      (do (call $asker (i32.const 0)))
      (on $ask $k
        (local.set $c)
        (continue $k (local.get $c)))))
  (func (export "unhandled") (perform $other)))
(assert_return (invoke "go") (i32.const 1))
(assert_return (invoke "unhandled"))

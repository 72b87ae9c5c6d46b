;;! design = "effect-handlers"
(module
  (type $ft (func (param i64) (result i32)))
  (type $k (cont $ft))
  (tag $ask (param i32) (result i32))
  (func (result i32)
    (handle (result i32)
      (do (i32.const 0))
      (on $ask $k (drop) (drop) (i32.const 0)))))

(module
  (type $point (struct (field i32) (field i32)))
  (func (param $p (ref null $point)) (result (ref $point))
    (local.get $p)))
(module
  (func (result i32)
    (block (result i32) (i32.const 1) (i32.const 2))))
(module
  (type $a (array i32))
  (func (param (ref $a)) (result i64) (local.get 0)))

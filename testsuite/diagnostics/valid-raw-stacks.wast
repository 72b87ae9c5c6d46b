;;! design = "raw-stacks"
(module
  (rec
    (type $co (stack (param i32) (ref null $ge)))
    (type $ge (stack (param i32) (ref $co))))
  (func $wrong (param i64) (param (ref $co)))
  (func (result (ref $ge))
    (stack.new $ge $wrong)))

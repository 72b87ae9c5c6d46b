;;! design = "raw-stacks"
(module
  (rec
    (type $co (stack (param i32) (ref null $ge)))
    (type $ge (stack (param i32) (ref $co))))
  (func $partner (param $x i32) (param $back (ref $co))
    (drop (i32.div_u (local.get $x) (i32.const 0))))
  (func (export "go") (result i32)
    (stack.switch $ge (i32.const 7) (stack.new $ge $partner))
    (drop)))
(assert_return (invoke "go") (i32.const 7))

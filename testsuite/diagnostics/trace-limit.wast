;; args: run --trace --trace-limit 4 {}
;; `--trace-limit N`: each directive shows at most N steps, then says how many it left out;
;; the count starts over at each directive.
(module
  (func $count (export "count") (param $n i32) (result i32)
    (local $i i32)
    (loop $again
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  (start $init)
  (func $init (drop (call $count (i32.const 3)))))
(assert_return (invoke "count" (i32.const 250000)) (i32.const 250000))
(assert_return (invoke "count" (i32.const 1)) (i32.const 1))

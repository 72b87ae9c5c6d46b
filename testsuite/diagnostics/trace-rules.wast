;; args: run --trace=rules {}
;;! design = "effect-handlers"
;; `--trace=rules`: the rule names alone, one per line, under the same header lines.
(module
  (type $ft (func (result i32)))
  (type $k (cont $ft))
  (tag $yield (param i32))
  (func $gen
    (perform $yield (i32.const 1))
    (perform $yield (i32.const 2)))
  (func (export "sum") (result i32)
    handle (result i32)
      call $gen
      i32.const 0
    on $yield $k
      continue $k
      i32.add
    end))
(assert_return (invoke "sum") (i32.const 3))

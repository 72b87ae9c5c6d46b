(module $M (func (export "f")))
(register "M" $M)
(assert_unlinkable
  (module (import "M" "nope" (func)))
  "incompatible import type")
(module (import "M" "nope" (func)))

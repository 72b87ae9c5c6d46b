;; (module (func (export "f") unreachable)), as bytes: the trap is at a byte offset.
(module $B binary
  "\00asm\01\00\00\00\01\04\01\60\00\00\03\02\01\00"
  "\07\05\01\01\66\00\00\0a\05\01\03\00\00\0b")
(assert_return (invoke $B "f"))

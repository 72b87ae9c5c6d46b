;; Invalid UTF-8 (a lone byte 0xFF) in a comment fails where it is, and only there.
(module (func (export "f") (result i32) (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))
;; cafÿ au lait
(assert_return (invoke "f") (i32.const 1))
(assert_return (invoke "fþ") (i32.const 1))

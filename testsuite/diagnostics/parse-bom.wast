;; A byte order mark at the start: reported (the text format has no place for it, and
;; the reference interpreter rejects it too); every directive still runs.
(module (func (export "f") (result i32) (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))

;; args: validate {}
;; `validate` reads past a broken directive too: every module that parses is validated.
(module (func (result i32) (i32.const 1)))
(module (func (result i32) (i32.const 1))
(module (func (result i32) (i64.const 1)))

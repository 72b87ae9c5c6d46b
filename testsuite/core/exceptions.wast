;; Exceptions through deep stacks: a throw 10,000 calls down unwinds to the handler at the top,
;; through frames that each hold a handler of their own for another tag.
(module
  (tag $found (param i32))
  (tag $other)

  (func $dig (param i32)
    (if (i32.eqz (local.get 0))
      (then (throw $found (i32.const 99))))
    (block $h
      (try_table (catch $other $h)
        (call $dig (i32.sub (local.get 0) (i32.const 1)))))
  )

  (func (export "search") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $found $h)
        (call $dig (local.get 0)))
      (i32.const -1)))

  ;; catch_all_ref and throw_ref: rethrow at every level on the way up.
  (func $relay (param i32)
    (if (i32.eqz (local.get 0))
      (then (throw $found (i32.const 7))))
    (throw_ref
      (block $h (result exnref)
        (try_table (catch_all_ref $h)
          (call $relay (i32.sub (local.get 0) (i32.const 1))))
        (return))))

  (func (export "relay") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $found $h)
        (call $relay (local.get 0)))
      (i32.const -1)))

  (func (export "escape") (call $dig (i32.const 10000)))
)

(assert_return (invoke "search" (i32.const 10000)) (i32.const 99))
(assert_return (invoke "relay" (i32.const 10000)) (i32.const 7))
(assert_exception (invoke "escape"))
;; Nothing is left over from the last exception.
(assert_return (invoke "search" (i32.const 3)) (i32.const 99))

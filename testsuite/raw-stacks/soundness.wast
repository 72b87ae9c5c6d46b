;;! design = "raw-stacks"
;; stack.switch_throw uses its reference up whether or not the target had started: it is a
;; switch, and the trap "uncaught exception at stack base" comes after it
;; (proposals/raw-stacks/README.md, stack.switch_throw-start).
(module
  (rec
    (type $co (stack (param i32) (ref null $ge)))
    (type $ge (stack (param i32) (ref $co))))
  (tag $cancel (param i32 (ref $co)))
  (global $g (mut (ref null $ge)) (ref.null $ge))
  ;; forever: sends back what it received; catches nothing
  (func $echo (param $x i32) (param $back (ref $co))
    (loop $l
      (stack.switch $co (local.get $x) (local.get $back))
      (local.set $back) (local.set $x)
      (br $l)))
  (func (export "fresh") (global.set $g (stack.new $ge $echo)))
  (func (export "started") (result i32)
    (stack.switch $ge (i32.const 1) (stack.new $ge $echo))
    (global.set $g))
  (func (export "throw")
    (stack.switch_throw $ge $cancel (i32.const 5) (global.get $g)) (drop) (drop))
  (func (export "switch") (result i32)
    (stack.switch $ge (i32.const 3) (global.get $g)) (drop))
  (func (export "release") (stack.release $ge (global.get $g)))
)
;; a fresh stack
(assert_return (invoke "fresh"))
(assert_trap (invoke "throw") "uncaught exception at stack base")
(assert_trap (invoke "switch") "stack already consumed")
(assert_trap (invoke "throw") "stack already consumed")
(assert_trap (invoke "release") "stack already consumed")
;; a started stack: the same
(assert_return (invoke "started") (i32.const 1))
(assert_trap (invoke "throw") "uncaught exception at stack base")
(assert_trap (invoke "switch") "stack already consumed")
(assert_trap (invoke "throw") "stack already consumed")
;; a stack that is switched to normally still works
(assert_return (invoke "started") (i32.const 1))
(assert_return (invoke "switch") (i32.const 3))

;;! design = "raw-stacks"
;; Exceptions and stacks: an exception never crosses from one stack to another by itself.
;; A worker catches its own errors at its base and reports them with a switch; the root turns
;; a report into an exception for the host; an exception that escapes a non-root base traps;
;; stack.switch_throw is the one way to raise an exception on another stack.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (rec
    (type $co (stack (param i32 i32) (ref null $ge)))   ;; root receives (status, value)
    (type $ge (stack (param i32) (ref $co))))           ;; worker receives an input
  (tag $bad (param i32))
  (tag $poke (param i32 (ref $co)))

  (global $w (mut (ref null $ge)) (ref.null $ge))

  ;; a chain of calls on the worker's stack; the innermost one throws on negative input
  (func $check (param $x i32) (result i32)
    (if (i32.lt_s (local.get $x) (i32.const 0)) (then (throw $bad (local.get $x))))
    (i32.mul (local.get $x) (i32.const 2)))
  (func $deep (param $x i32) (param $d i32) (result i32)
    (if (result i32) (i32.eqz (local.get $d))
      (then (call $check (local.get $x)))
      (else (call $deep (local.get $x) (i32.sub (local.get $d) (i32.const 1))))))

  ;; serves inputs forever: (0, result), or (1, the bad input)
  (func $worker (param $x i32) (param $back (ref $co))
    (loop $l
      (block $err (result i32)
        (try_table (catch $bad $err)
          (local.set $x (call $deep (local.get $x) (i32.const 20))))
        (stack.switch $co (i32.const 0) (local.get $x) (local.get $back))
        (local.set $back) (local.set $x)
        (br $l))
      (local.set $x)
      (call $print (local.get $x))          ;; the server reports the error it caught
      (stack.switch $co (i32.const 1) (local.get $x) (local.get $back))
      (local.set $back) (local.set $x)
      (br $l)))

  (func (export "start") (global.set $w (stack.new $ge $worker)))
  (func (export "ask") (param $x i32) (result i32)
    (local $v i32)
    (stack.switch $ge (local.get $x) (global.get $w))
    (global.set $w)
    (local.set $v)
    (if (then (throw $bad (local.get $v))))
    (local.get $v))

  ;; escapes the base of a non-root stack
  (func $leaky (param $x i32) (param (ref $co)) (drop (call $deep (local.get $x) (i32.const 3))))
  (func (export "escape")
    (stack.switch $ge (i32.const -1) (stack.new $ge $leaky)) (drop) (drop) (drop))
  ;; the root's catch_all does not see it either
  (func (export "escape-caught-by-caller") (result i32)
    (block $h
      (try_table (catch_all $h)
        (stack.switch $ge (i32.const -1) (stack.new $ge $leaky)) (drop) (drop) (drop))
      (return (i32.const 0)))
    (i32.const 1))

  ;; stack.switch_throw: the target catches, and switches back through the payload's reference
  (func $pokee (param $x i32) (param $back (ref $co))
    (block $h (result i32 (ref $co))
      (try_table (catch $poke $h)
        (loop $l
          (stack.switch $co (i32.const 0) (local.get $x) (local.get $back))
          (local.set $back) (local.set $x)
          (br $l)))
      (unreachable))
    (local.set $back)
    (local.set $x)
    (stack.switch_retire $co (i32.const 2) (i32.add (local.get $x) (i32.const 1)) (local.get $back)))
  (func (export "poke") (result i32)
    (local $p (ref null $ge)) (local $s i32) (local $v i32)
    (stack.switch $ge (i32.const 0) (stack.new $ge $pokee))
    (local.set $p) (drop) (drop)
    (stack.switch_throw $ge $poke (i32.const 41) (local.get $p))
    (drop)
    (local.set $v) (local.set $s)
    (i32.add (i32.mul (local.get $s) (i32.const 100)) (local.get $v)))
  ;; a target that does not catch the tag: the exception escapes its base
  (func (export "poke-uncaught")
    (local $p (ref null $ge))
    (stack.switch $ge (i32.const 1) (stack.new $ge $worker))
    (local.set $p) (drop) (drop)
    (stack.switch_throw $ge $poke (i32.const 1) (local.get $p)) (drop) (drop) (drop))
)

(invoke "start")
(assert_return (invoke "ask" (i32.const 5)) (i32.const 10))
(assert_exception (invoke "ask" (i32.const -3)))
(assert_return (invoke "ask" (i32.const 7)) (i32.const 14))
(assert_exception (invoke "ask" (i32.const -1)))
(assert_return (invoke "ask" (i32.const 0)) (i32.const 0))
;; differs: an exception never leaves a non-root stack (README.md)
(assert_trap (invoke "escape") "uncaught exception at stack base")
(assert_trap (invoke "escape-caught-by-caller") "uncaught exception at stack base")
(assert_return (invoke "poke") (i32.const 242))
(assert_trap (invoke "poke-uncaught") "uncaught exception at stack base")

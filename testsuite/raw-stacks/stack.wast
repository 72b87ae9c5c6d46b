;;! design = "raw-stacks"
;; Reduction rules of raw-stacks, one group per rule (proposals/raw-stacks/README.md §5).

(module
  (rec
    (type $co (stack (param i32) (ref null $ge)))   ;; the root, as its partner sees it
    (type $ge (stack (param i32) (ref $co))))       ;; the partner, as the root sees it
  (type $ge2 (stack (param i32 i32) (ref $co)))
  (type $ge0 (stack (ref $co)))
  (type $gf (func (param i32 (ref $co))))
  (tag $oops (param i32))
  (tag $cancel (param i32 (ref $co)))

  (global $saved (mut (ref null $ge)) (ref.null $ge))
  (global $cleanup (mut i32) (i32.const 0))

  ;; ---- partners

  ;; sends back x + 1 and retires
  (func $inc (param $x i32) (param $back (ref $co))
    (stack.switch_retire $co (i32.add (local.get $x) (i32.const 1)) (local.get $back)))
  ;; forever: sends back 2 * x
  (func $doubler (param $x i32) (param $back (ref $co))
    (loop $l
      (stack.switch $co (i32.mul (local.get $x) (i32.const 2)) (local.get $back))
      (local.set $back) (local.set $x)
      (br $l)))
  ;; forever: sends back what it received
  (func $echo (param $x i32) (param $back (ref $co))
    (loop $l
      (stack.switch $co (local.get $x) (local.get $back))
      (local.set $back) (local.set $x)
      (br $l)))
  ;; sends back a - b (a is the bound value) and retires
  (func $sub (param $a i32) (param $b i32) (param $back (ref $co))
    (stack.switch_retire $co (i32.sub (local.get $a) (local.get $b)) (local.get $back)))
  (func $sink (param i32) (param (ref null $ge)))
  (func $returns (param i32) (param (ref $co)))
  (func $returns-explicitly (param i32) (param (ref $co)) (return))
  (func $returns-by-tail-call (param i32) (param (ref $co))
    (return_call $returns (local.get 0) (local.get 1)))
  (func $throws (param i32) (param (ref $co)) (throw $oops (local.get 0)))
  (func $traps (param i32) (param (ref $co)) (unreachable))
  (func $catches (param $x i32) (param $back (ref $co))
    (block $h (result i32)
      (try_table (catch $oops $h) (throw $oops (i32.add (local.get $x) (i32.const 7))))
      (unreachable))
    (local.get $back)
    (stack.switch_retire $co))
  (func $kill-root (param i32) (param $back (ref $co))
    (stack.release $co (local.get $back))
    (unreachable))
  ;; waits in a switch; a $cancel thrown into it is caught, it cleans up and answers
  ;; payload + 1000 to the canceller whose reference came with the exception
  (func $victim (param $x i32) (param $back (ref $co))
    (block $caught (result i32 (ref $co))
      (try_table (catch $cancel $caught)
        (loop $l
          (stack.switch $co (local.get $x) (local.get $back))
          (local.set $back) (local.set $x)
          (br $l)))
      (unreachable))
    (local.set $back)
    (global.set $cleanup (i32.const 1))
    (i32.add (i32.const 1000))
    (local.get $back)
    (stack.switch_retire $co))
  (elem declare func $inc)

  ;; ---- stack.new, stack.switch-start, stack.switch_retire
  (func (export "new-switch-retire") (result i32)
    (stack.switch $ge (i32.const 41) (stack.new $ge $inc))
    (drop))
  (func (export "new-is-not-null") (result i32)
    (ref.is_null (stack.new $ge $inc)))

  ;; ---- stack.switch (into a suspended stack), several rounds
  (func (export "switch-loop") (result i32)
    (local $g (ref null $ge)) (local $sum i32)
    (local.set $g (stack.new $ge $doubler))
    (stack.switch $ge (i32.const 1) (local.get $g))
    (local.set $g) (local.get $sum) (i32.add) (local.set $sum)
    (stack.switch $ge (i32.const 2) (local.get $g))
    (local.set $g) (local.get $sum) (i32.add) (local.set $sum)
    (stack.switch $ge (i32.const 3) (local.get $g))
    (local.set $g) (local.get $sum) (i32.add) (local.set $sum)
    (local.get $sum))
  (func (export "switch-returns-fresh-ref") (result i32)
    (local $g (ref null $ge))
    (stack.switch $ge (i32.const 1) (stack.new $ge $doubler))
    (local.set $g) (drop)
    (ref.is_null (local.get $g)))

  ;; ---- stack.switch-null, stack.switch-consumed
  (func (export "switch-null")
    (stack.switch $ge (i32.const 1) (ref.null $ge)) (drop) (drop))
  (func (export "switch-consumed")
    (local $g (ref null $ge))
    (local.set $g (stack.new $ge $doubler))
    (stack.switch $ge (i32.const 1) (local.get $g)) (drop) (drop)
    (stack.switch $ge (i32.const 1) (local.get $g)) (drop) (drop))
  (func (export "switch-retired")
    ;; the stack retired: its last reference is dead
    (local $g (ref null $ge))
    (local.set $g (stack.new $ge $inc))
    (stack.switch $ge (i32.const 1) (local.get $g)) (drop) (drop)
    (stack.switch $ge (i32.const 1) (local.get $g)) (drop) (drop))

  ;; ---- stack.new_ref, stack.new_ref-null
  (func (export "new_ref") (result i32)
    (stack.switch $ge (i32.const 9) (stack.new_ref $ge (ref.func $inc)))
    (drop))
  (func (export "new_ref-null")
    (drop (stack.new_ref $ge (ref.null $gf))))

  ;; ---- stack.switch_retire-root, -null, -consumed
  (func (export "retire-root")
    (stack.switch_retire $co (i32.const 0) (stack.new $co $sink)))
  (func (export "retire-null")
    (stack.switch_retire $co (i32.const 0) (ref.null $co)))
  (func (export "retire-consumed")
    (local $c (ref null $co))
    (local.set $c (stack.new $co $sink))
    (stack.release $co (local.get $c))
    (stack.switch_retire $co (i32.const 0) (local.get $c)))

  ;; ---- stack.bind (fresh and suspended), -null, -consumed
  (func (export "bind-fresh") (result i32)
    (stack.switch $ge (i32.const 3)
      (stack.bind $ge2 $ge (i32.const 10) (stack.new $ge2 $sub)))
    (drop))
  (func (export "bind-suspended") (result i32)
    (local $g (ref null $ge))
    (stack.switch $ge (i32.const 1) (stack.new $ge $echo))
    (local.set $g) (drop)
    (stack.switch $ge0 (stack.bind $ge $ge0 (i32.const 77) (local.get $g)))
    (drop))
  (func (export "bind-nothing") (result i32)
    (stack.switch $ge (i32.const 5) (stack.bind $ge $ge (stack.new $ge $inc)))
    (drop))
  (func (export "bind-null")
    (drop (stack.bind $ge $ge0 (i32.const 1) (ref.null $ge))))
  (func (export "bind-consumed")
    (local $g (ref null $ge))
    (local.set $g (stack.new $ge $echo))
    (drop (stack.bind $ge $ge0 (i32.const 1) (local.get $g)))
    (drop (stack.bind $ge $ge0 (i32.const 2) (local.get $g))))
  (func (export "bind-then-switch-old")
    (local $g (ref null $ge))
    (local.set $g (stack.new $ge $echo))
    (drop (stack.bind $ge $ge0 (i32.const 1) (local.get $g)))
    (stack.switch $ge (i32.const 1) (local.get $g)) (drop) (drop))

  ;; ---- stack.release, -root, -null, -consumed
  (func (export "release-fresh") (result i32)
    (stack.release $ge (stack.new $ge $echo))
    (i32.const 1))
  (func (export "release-suspended") (result i32)
    (local $g (ref null $ge))
    (stack.switch $ge (i32.const 3) (stack.new $ge $victim))
    (local.set $g)
    ;; releasing runs nothing on the victim: no cleanup
    (stack.release $ge (local.get $g))
    (i32.add (global.get $cleanup)))
  (func (export "release-then-switch")
    (local $g (ref null $ge))
    (local.set $g (stack.new $ge $echo))
    (stack.release $ge (local.get $g))
    (stack.switch $ge (i32.const 3) (local.get $g)) (drop) (drop))
  (func (export "release-twice")
    (local $g (ref null $ge))
    (local.set $g (stack.new $ge $echo))
    (stack.release $ge (local.get $g))
    (stack.release $ge (local.get $g)))
  (func (export "release-null")
    (stack.release $ge (ref.null $ge)))
  (func (export "release-root")
    (stack.switch $ge (i32.const 0) (stack.new $ge $kill-root)) (drop) (drop))

  ;; ---- stack-return, stack-uncaught, traps on a non-root stack
  (func (export "stack-return")
    (stack.switch $ge (i32.const 0) (stack.new $ge $returns)) (drop) (drop))
  (func (export "stack-return-explicit")
    (stack.switch $ge (i32.const 0) (stack.new $ge $returns-explicitly)) (drop) (drop))
  (func (export "stack-return-tail")
    (stack.switch $ge (i32.const 0) (stack.new $ge $returns-by-tail-call)) (drop) (drop))
  (func (export "stack-uncaught")
    (stack.switch $ge (i32.const 0) (stack.new $ge $throws)) (drop) (drop))
  (func (export "stack-uncaught-not-caught-by-root") (result i32)
    ;; the root's try_table does not see exceptions of another stack
    (block $h (result i32)
      (try_table (catch $oops $h)
        (stack.switch $ge (i32.const 0) (stack.new $ge $throws)) (drop) (drop))
      (i32.const -1)))
  (func (export "stack-caught-inside") (result i32)
    (stack.switch $ge (i32.const 1) (stack.new $ge $catches))
    (drop))
  (func (export "stack-traps")
    (stack.switch $ge (i32.const 0) (stack.new $ge $traps)) (drop) (drop))
  (func (export "root-throws")
    (stack.switch $ge (i32.const 1) (stack.new $ge $inc)) (drop)
    (throw $oops))

  ;; ---- stack.switch_throw, -start, -null, -consumed
  (func (export "switch_throw") (result i32)
    (local $g (ref null $ge))
    (stack.switch $ge (i32.const 1) (stack.new $ge $victim))
    (local.set $g) (drop)
    (stack.switch_throw $ge $cancel (i32.const 5) (local.get $g))
    (drop)
    (i32.add (i32.mul (global.get $cleanup) (i32.const 10000))))
  (func (export "switch_throw-start")
    (stack.switch_throw $ge $cancel (i32.const 5) (stack.new $ge $victim)) (drop) (drop))
  (func (export "switch_throw-null")
    (stack.switch_throw $ge $cancel (i32.const 5) (ref.null $ge)) (drop) (drop))
  (func (export "switch_throw-consumed")
    (local $g (ref null $ge))
    (local.set $g (stack.new $ge $victim))
    (stack.release $ge (local.get $g))
    (stack.switch_throw $ge $cancel (i32.const 5) (local.get $g)) (drop) (drop))

  (func (export "reset") (global.set $cleanup (i32.const 0)))

  ;; ---- stacks outlive the host call that made them
  (func (export "make") (global.set $saved (stack.new $ge $inc)))
  (func (export "use") (result i32)
    (stack.switch $ge (i32.const 1) (global.get $saved)) (drop))
)

(assert_return (invoke "new-switch-retire") (i32.const 42))
(assert_return (invoke "new-is-not-null") (i32.const 0))
(assert_return (invoke "switch-loop") (i32.const 12))
(assert_return (invoke "switch-returns-fresh-ref") (i32.const 0))

(assert_trap (invoke "switch-null") "null stack reference")
(assert_trap (invoke "switch-consumed") "stack already consumed")
(assert_trap (invoke "switch-retired") "stack already consumed")

(assert_return (invoke "new_ref") (i32.const 10))
(assert_trap (invoke "new_ref-null") "null function reference")

(assert_trap (invoke "retire-root") "root stack cannot retire")
(assert_trap (invoke "retire-null") "null stack reference")
(assert_trap (invoke "retire-consumed") "stack already consumed")

(assert_return (invoke "bind-fresh") (i32.const 7))
(assert_return (invoke "bind-suspended") (i32.const 77))
(assert_return (invoke "bind-nothing") (i32.const 6))
(assert_trap (invoke "bind-null") "null stack reference")
(assert_trap (invoke "bind-consumed") "stack already consumed")
(assert_trap (invoke "bind-then-switch-old") "stack already consumed")

(assert_return (invoke "release-fresh") (i32.const 1))
(assert_return (invoke "release-suspended") (i32.const 3))
(assert_trap (invoke "release-then-switch") "stack already consumed")
(assert_trap (invoke "release-twice") "stack already consumed")
(assert_trap (invoke "release-null") "null stack reference")
(assert_trap (invoke "release-root") "root stack cannot be released")

(assert_trap (invoke "stack-return") "stack returned")
(assert_trap (invoke "stack-return-explicit") "stack returned")
(assert_trap (invoke "stack-return-tail") "stack returned")
(assert_trap (invoke "stack-uncaught") "uncaught exception at stack base")
(assert_trap (invoke "stack-uncaught-not-caught-by-root") "uncaught exception at stack base")
(assert_return (invoke "stack-caught-inside") (i32.const 8))
(assert_trap (invoke "stack-traps") "unreachable")
(assert_exception (invoke "root-throws"))

(invoke "reset")
(assert_return (invoke "switch_throw") (i32.const 11005))
(invoke "reset")
(assert_trap (invoke "switch_throw-start") "uncaught exception at stack base")
(assert_trap (invoke "switch_throw-null") "null stack reference")
(assert_trap (invoke "switch_throw-consumed") "stack already consumed")

(assert_return (invoke "make"))
(assert_return (invoke "use") (i32.const 2))
(assert_trap (invoke "use") "stack already consumed")

;; stack.switch_retire-start: a non-root stack retires into a fresh stack, whose function then
;; starts with the values and a null return stack.
(module
  (rec
    (type $r (stack (param i32) (ref null $a)))               ;; the root, as the others see it
    (type $a (stack (param i32) (ref $r)))                    ;; the first stack
    (type $b (stack (param i32 (ref $r)) (ref null $a))))     ;; the fresh one it retires into
  (global $null-seen (mut i32) (i32.const 0))
  ;; receives x and the root; retires into a fresh $b, handing it x + 1 and the root
  (func $first (param $x i32) (param $back (ref $r))
    (stack.switch_retire $b
      (i32.add (local.get $x) (i32.const 1))
      (local.get $back)
      (stack.new $b $second)))
  ;; started by the retire: its return stack is null; answers the root with 2 * x and retires
  (func $second (param $x i32) (param $back (ref $r)) (param $from (ref null $a))
    (global.set $null-seen (ref.is_null (local.get $from)))
    (stack.switch_retire $r (i32.mul (local.get $x) (i32.const 2)) (local.get $back)))
  (func (export "retire-into-fresh") (result i32)
    (stack.switch $a (i32.const 20) (stack.new $a $first))
    (drop))
  (func (export "null-seen") (result i32) (global.get $null-seen)))
(assert_return (invoke "retire-into-fresh") (i32.const 42))
(assert_return (invoke "null-seen") (i32.const 1))

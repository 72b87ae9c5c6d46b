;;! design = "effect-handlers"
;; Reduction rules of effect-handlers, one group per rule (proposals/effect-handlers/README.md §5).

(module
  (import "spectest" "call_ref" (func $call_ref (param i32 funcref) (result i32)))
  (type $ft (func (param i32) (result i32)))
  (type $k (cont $ft))            ;; after `perform $ask` under an i32 handle
  (type $ft0 (func (result i32)))
  (type $k0 (cont $ft0))          ;; after `perform $tick` under an i32 handle
  (tag $ask (param i32) (result i32))
  (tag $tick)
  (tag $stop)
  (tag $exn (param i32))

  (global $k0g (mut (ref null $k0)) (ref.null $k0))

  ;; ---- handle-enter, handle-return
  (func (export "handle-return") (result i32)
    (handle (result i32) (do (i32.const 5)) (on $tick $k0 (drop) (i32.const 0))))
  (func (export "handle-params") (result i32)
    (i32.const 2)
    (handle (param i32) (result i32)
      (do (i32.add (i32.const 3)))
      (on $tick $k0 (drop) (i32.const 0))))

  ;; ---- perform-handled, continue-tail, continue, clause-return
  (func (export "tail") (result i32)
    (handle (result i32)
      (do (i32.add (perform $ask (i32.const 1)) (i32.const 10)))
      (on $ask $k (continue $k))))
  (func (export "non-tail") (result i32)
    (handle (result i32)
      (do (i32.add (perform $ask (i32.const 1)) (i32.const 10)))
      (on $ask $k (i32.add (continue $k) (i32.const 100)))))
  (func (export "clause-return") (result i32)
    (handle (result i32)
      (do (drop (perform $ask (i32.const 1))) (i32.const 10))
      (on $ask $k (drop) (i32.add (i32.const 30)))))

  ;; perform finds its handle across calls
  (func $g (param $x i32) (result i32) (i32.mul (perform $ask (local.get $x)) (i32.const 2)))
  (func $f (param $x i32) (result i32) (call $g (local.get $x)))
  (func (export "across-calls") (result i32)
    (local $c (ref null $k))
    (handle (result i32)
      (do (call $f (i32.const 20)))
      (on $ask $k
        (local.set $c)
        (i32.add (i32.const 1))
        (local.get $c)
        (continue $k))))

  ;; ---- perform-unhandled
  (func (export "unhandled") (perform $tick))
  (func (export "unhandled-wrong-tag") (result i32)
    (handle (result i32)
      (do (perform $tick) (i32.const 1))
      (on $stop $k0 (drop) (i32.const 0))))

  ;; ---- the search: innermost matching, skipping other tags and clauses that run
  (func (export "search-outward") (result i32)
    (handle (result i32)
      (do
        (handle (result i32)
          (do (perform $tick) (i32.const 1))
          (on $ask $k (continue $k))))
      (on $tick $k0 (drop) (i32.const 7))))
  (func (export "clause-performs-outward") (result i32)
    (handle (result i32)
      (do
        (handle (result i32)
          (do (perform $tick) (i32.const 1))
          (on $tick $k0 (drop) (perform $tick) (i32.const 2))))
      (on $tick $k0 (drop) (i32.const 9))))
  (func (export "first-clause") (result i32)
    (handle (result i32)
      (do (perform $tick) (i32.const 0))
      (on $tick $k0 (drop) (i32.const 1))
      (on $tick $k0 (drop) (i32.const 2))))

  ;; ---- branches to the handle's own label
  (func (export "br-body") (result i32)
    (handle $h (result i32)
      (do (br $h (i32.const 4)))
      (on $tick $k0 (drop) (i32.const 0))))
  (func (export "br-body-after-continue") (result i32)
    ;; the reinstalled handle is left by br: its value is the continue's result
    (handle $h (result i32)
      (do (perform $tick) (br $h (i32.const 4)))
      (on $tick $k0 (i32.add (continue $k0) (i32.const 10)))))
  (func (export "br-clause") (result i32)
    (handle $h (result i32)
      (do (perform $tick) (i32.const 0))
      (on $tick $k0 (drop) (br $h (i32.const 6)))))

  ;; ---- deep: the handle is back after every continue
  (func (export "deep-twice") (result i32)
    (local $n i32)
    (handle (result i32)
      (do (perform $tick) (perform $tick) (local.get $n))
      (on $tick $k0
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (continue $k0))))

  ;; ---- continue-null, continue-consumed
  (func (export "continue-null") (result i32)
    (continue $k0 (ref.null $k0)))
  (func (export "continue-consumed") (result i32)
    (handle (result i32)
      (do (perform $tick) (i32.const 1))
      (on $tick $k0
        (global.set $k0g)
        (drop (continue $k0 (global.get $k0g)))
        (continue $k0 (global.get $k0g)))))

  ;; ---- a continuation outlives the function that opened the handle, and keeps its locals
  (func (export "park") (result i32)
    (local $n i32)
    (local.set $n (i32.const 40))
    (handle (result i32)
      (do (perform $tick) (i32.add (local.get $n) (i32.const 2)))
      (on $tick $k0
        (global.set $k0g)
        (local.set $n (i32.const 100))   ;; seen by the body when it continues
        (i32.const -1))))
  (func (export "unpark") (result i32)
    (continue $k0 (global.get $k0g)))

  ;; ---- discontinue, discontinue-null, discontinue-consumed
  (func (export "discontinue-caught") (result i32)
    (local $c (ref null $k0))
    (handle (result i32)
      (do
        (block $caught (result i32)
          (try_table (result i32) (catch $exn $caught)
            (perform $tick)
            (i32.const 1)))
        (i32.add (i32.const 100)))
      (on $tick $k0
        (local.set $c)
        (discontinue $k0 $exn (i32.const 5) (local.get $c)))))
  (func (export "discontinue-uncaught") (result i32)
    ;; the body does not catch: the exception leaves the reinstalled handle, then the
    ;; discontinue, where the clause catches it
    (local $c (ref null $k0))
    (handle (result i32)
      (do (perform $tick) (i32.const 1))
      (on $tick $k0
        (local.set $c)
        (block $caught (result i32)
          (try_table (result i32) (catch $exn $caught)
            (discontinue $k0 $exn (i32.const 5) (local.get $c))))
        (i32.add (i32.const 1000)))))
  (func (export "discontinue-to-host") (result i32)
    (local $c (ref null $k0))
    (handle (result i32)
      (do (perform $tick) (i32.const 1))
      (on $tick $k0
        (local.set $c)
        (discontinue $k0 $exn (i32.const 5) (local.get $c)))))
  (func (export "discontinue-null") (result i32)
    (discontinue $k0 $exn (i32.const 1) (ref.null $k0)))
  (func (export "discontinue-consumed") (result i32)
    (local $c (ref null $k0))
    (handle (result i32)
      (do (perform $tick) (i32.const 1))
      (on $tick $k0
        (local.set $c)
        (drop (continue $k0 (local.get $c)))
        (discontinue $k0 $exn (i32.const 1) (local.get $c)))))

  ;; ---- discontinue_ref, -null, -consumed, -null-exn
  (func $make-exn (result exnref)
    (block $c (result exnref)
      (try_table (catch_all_ref $c) (throw $exn (i32.const 7)))
      (unreachable)))
  (func (export "discontinue_ref") (result i32)
    (local $c (ref null $k0))
    (handle (result i32)
      (do
        (block $caught (result i32)
          (try_table (result i32) (catch $exn $caught)
            (perform $tick)
            (i32.const 1)))
        (i32.add (i32.const 100)))
      (on $tick $k0
        (local.set $c)
        (discontinue_ref $k0 (call $make-exn) (local.get $c)))))
  (func (export "discontinue_ref-null") (result i32)
    (discontinue_ref $k0 (call $make-exn) (ref.null $k0)))
  (func (export "discontinue_ref-consumed") (result i32)
    (local $c (ref null $k0))
    (handle (result i32)
      (do (perform $tick) (i32.const 1))
      (on $tick $k0
        (local.set $c)
        (drop (continue $k0 (local.get $c)))
        (discontinue_ref $k0 (call $make-exn) (local.get $c)))))
  (func (export "discontinue_ref-null-exn") (result i32)
    (local $c (ref null $k0))
    (handle (result i32)
      (do (perform $tick) (i32.const 1))
      (on $tick $k0
        (local.set $c)
        (discontinue_ref $k0 (ref.null exn) (local.get $c)))))

  ;; ---- exceptions pass through handles; throw and perform never meet
  (func (export "exception-through-handle") (result i32)
    (block $caught (result i32)
      (try_table (result i32) (catch $exn $caught)
        (handle (result i32)
          (do (throw $exn (i32.const 3)))
          (on $tick $k0 (drop) (i32.const 0)))))
    (i32.add (i32.const 10)))
  (func (export "exception-after-continue") (result i32)
    ;; the body throws after it was continued: the exception comes out of the continue
    (local $c (ref null $k0))
    (handle (result i32)
      (do (perform $tick) (throw $exn (i32.const 8)))
      (on $tick $k0
        (local.set $c)
        (block $caught (result i32)
          (try_table (result i32) (catch $exn $caught)
            (continue $k0 (local.get $c))))
        (i32.add (i32.const 20)))))
  (func (export "throw-not-caught-by-on") (result i32)
    (block $caught (result i32)
      (try_table (result i32) (catch $exn $caught)
        (handle (result i32)
          (do (throw $exn (i32.const 3)))
          (on $exn $k0 (drop) (drop) (i32.const 0))))))
  (func (export "perform-not-caught-by-catch") (result i32)
    (block $caught
      (try_table (catch $tick $caught) (perform $tick)))
    (i32.const 0))

  ;; ---- a perform never crosses a host function
  (func $inner (param $x i32) (result i32) (perform $ask (local.get $x)))
  (elem declare func $inner)
  (func (export "across-host") (result i32)
    (handle (result i32)
      (do (call $call_ref (i32.const 1) (ref.func $inner)))
      (on $ask $k (continue $k))))

  ;; ---- a loop of tail-resumptive rounds: sums 1..n performed by the body
  (func (export "sum-tail") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (handle (result i32)
      (do
        (block $done
          (loop $l
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $sum (i32.add (local.get $sum) (perform $ask (local.get $i))))
            (br $l)))
        (local.get $sum))
      (on $ask $k (continue $k))))
)

(assert_return (invoke "handle-return") (i32.const 5))
(assert_return (invoke "handle-params") (i32.const 5))
(assert_return (invoke "tail") (i32.const 11))
(assert_return (invoke "non-tail") (i32.const 111))
(assert_return (invoke "clause-return") (i32.const 31))
(assert_return (invoke "across-calls") (i32.const 42))
(assert_suspension (invoke "unhandled") "unhandled tag")
(assert_suspension (invoke "unhandled-wrong-tag") "unhandled tag")
(assert_return (invoke "search-outward") (i32.const 7))
(assert_return (invoke "clause-performs-outward") (i32.const 9))
(assert_return (invoke "first-clause") (i32.const 1))
(assert_return (invoke "br-body") (i32.const 4))
(assert_return (invoke "br-body-after-continue") (i32.const 14))
(assert_return (invoke "br-clause") (i32.const 6))
(assert_return (invoke "deep-twice") (i32.const 2))
(assert_trap (invoke "continue-null") "null continuation reference")
(assert_trap (invoke "continue-consumed") "continuation already consumed")
;; "continue-consumed" left a used-up continuation in the global
(assert_trap (invoke "unpark") "continuation already consumed")
(assert_return (invoke "park") (i32.const -1))
(assert_return (invoke "unpark") (i32.const 102))
(assert_trap (invoke "unpark") "continuation already consumed")
(assert_return (invoke "discontinue-caught") (i32.const 105))
(assert_return (invoke "discontinue-uncaught") (i32.const 1005))
(assert_exception (invoke "discontinue-to-host"))
(assert_trap (invoke "discontinue-null") "null continuation reference")
(assert_trap (invoke "discontinue-consumed") "continuation already consumed")
(assert_return (invoke "discontinue_ref") (i32.const 107))
(assert_trap (invoke "discontinue_ref-null") "null continuation reference")
(assert_trap (invoke "discontinue_ref-consumed") "continuation already consumed")
(assert_trap (invoke "discontinue_ref-null-exn") "null exception reference")
(assert_return (invoke "exception-through-handle") (i32.const 13))
(assert_return (invoke "exception-after-continue") (i32.const 28))
(assert_return (invoke "throw-not-caught-by-on") (i32.const 3))
(assert_suspension (invoke "perform-not-caught-by-catch") "unhandled tag")
(assert_trap (invoke "across-host") "unhandled tag")
(assert_return (invoke "sum-tail" (i32.const 0)) (i32.const 0))
(assert_return (invoke "sum-tail" (i32.const 100)) (i32.const 5050))
(assert_return (invoke "sum-tail" (i32.const 10000)) (i32.const 50005000))

;; ---- more cases: shared locals, branches, nesting, budgets
(module
  (type $ft (func (result i32)))
  (type $k (cont $ft))
  (type $fti (func (param i32) (result i32)))
  (type $ki (cont $fti))
  (tag $tick)
  (tag $ask (param i32) (result i32))
  (tag $exn (param i32))
  (global $g (mut (ref null $k)) (ref.null $k))

  ;; the function's own write after the handle finished is seen by the parked body
  (func (export "locals-after-handle") (result i32)
    (local $n i32)
    (local.set $n (i32.const 1))
    (drop
      (handle (result i32)
        (do (perform $tick) (local.get $n))
        (on $tick $k (global.set $g) (i32.const 0))))
    (local.set $n (i32.const 42))
    (continue $k (global.get $g)))

  ;; a nested handle of the same function shares the locals too
  (func (export "locals-nested") (result i32)
    (local $n i32)
    (handle (result i32)
      (do
        (handle (result i32)
          (do (perform $tick) (local.get $n))
          (on $ask $ki (drop) (drop) (i32.const -1))))
      (on $tick $k
        (local.set $n (i32.const 9))
        (continue $k))))

  ;; br_if and br_table to the handle's label from inside a block of the body
  (func (export "br_if-handle") (param $x i32) (result i32)
    (handle $h (result i32)
      (do
        (block $b
          (br_if $h (i32.const 3) (local.get $x))
          (drop))
        (i32.const 4))
      (on $tick $k (drop) (i32.const 0))))
  (func (export "br_table-handle") (param $x i32) (result i32)
    (handle $h (result i32)
      (do
        (block $b (result i32)
          (br_table $b $h (i32.const 5) (local.get $x)))
        (i32.add (i32.const 100)))
      (on $tick $k (drop) (i32.const 0))))

  ;; an inner Active handle captured inside the outer handle's continuation still catches later
  ;; performs of its tag after the continue
  (func (export "inner-still-active") (result i32)
    (local $c i32)
    (handle (result i32)
      (do
        (handle (result i32)
          (do
            (perform $tick)                                  ;; to the outer handle
            (i32.add (perform $ask (i32.const 1)) (i32.const 0)))  ;; to the inner one
          (on $ask $ki (local.set $c (i32.const 1)) (drop) (drop) (i32.const 20))))
      (on $tick $k (i32.add (continue $k) (local.get $c)))))

  ;; discontinue: the body catches, then performs again; the handle was reinstalled
  (func (export "discontinue-then-perform") (result i32)
    (local $n i32) (local $c (ref null $k))
    (handle (result i32)
      (do
        (block $caught (result i32)
          (try_table (result i32) (catch $exn $caught)
            (perform $tick)
            (i32.const 0)))
        (drop)
        (perform $tick)
        (local.get $n))
      (on $tick $k
        (local.set $c)
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (if (result i32) (i32.eq (local.get $n) (i32.const 1))
          (then (discontinue $k $exn (i32.const 0) (local.get $c)))
          (else (continue $k (local.get $c)))))))

  ;; an exception thrown by a clause leaves the handle
  (func (export "throw-from-clause") (result i32)
    (block $caught (result i32)
      (try_table (result i32) (catch $exn $caught)
        (handle (result i32)
          (do (perform $tick) (i32.const 0))
          (on $tick $k (drop) (throw $exn (i32.const 17))))))
    (i32.add (i32.const 1)))

  ;; a clause performs a tag only its own handle handles: the handle is in state Clause, so the
  ;; perform is unhandled
  (func (export "clause-not-its-own-handler") (result i32)
    (handle (result i32)
      (do (perform $tick) (i32.const 0))
      (on $tick $k (drop) (perform $tick) (i32.const 1))))

  ;; continuing a continuation of another handle in tail position
  (func $make (result (ref null $k))
    (block $r (result (ref null $k))
      (drop
        (handle (result i32)
          (do (perform $tick) (i32.const 8))
          (on $tick $k (global.set $g) (i32.const 0))))
      (global.get $g)))
  (func (export "tail-other") (result i32)
    (local $c (ref null $k))
    (local.set $c (call $make))
    (handle (result i32)
      (do (perform $ask (i32.const 1)))
      (on $ask $ki (drop) (drop) (continue $k (local.get $c)))))

  ;; handle with parameters, performing with them
  (func (export "handle-params-perform") (result i32)
    (i32.const 6)
    (handle (param i32) (result i32)
      (do (perform $ask) (i32.const 1) (i32.add))
      (on $ask $ki (continue $ki))))

  ;; handles nested by recursion run out of the call-depth budget
  (func $nest (param $d i32) (result i32)
    (handle (result i32)
      (do (call $nest (i32.add (local.get $d) (i32.const 1))))
      (on $tick $k (drop) (i32.const 0))))
  (func (export "nest-forever") (result i32) (call $nest (i32.const 0)))
)

(assert_return (invoke "locals-after-handle") (i32.const 42))
(assert_return (invoke "locals-nested") (i32.const 9))
(assert_return (invoke "br_if-handle" (i32.const 1)) (i32.const 3))
(assert_return (invoke "br_if-handle" (i32.const 0)) (i32.const 4))
(assert_return (invoke "br_table-handle" (i32.const 0)) (i32.const 105))
(assert_return (invoke "br_table-handle" (i32.const 1)) (i32.const 5))
(assert_return (invoke "inner-still-active") (i32.const 21))
(assert_return (invoke "discontinue-then-perform") (i32.const 2))
(assert_return (invoke "throw-from-clause") (i32.const 18))
(assert_suspension (invoke "clause-not-its-own-handler") "unhandled tag")
(assert_return (invoke "tail-other") (i32.const 8))
(assert_return (invoke "handle-params-perform") (i32.const 7))
(assert_exhaustion (invoke "nest-forever") "call stack exhausted")

;;! design = "effect-handlers"
;; The programs of README §7 "How it differs from typed-cont". The typed-cont halves are in
;; testsuite/cross-design/.

(module
  (type $ft (func (result i32)))
  (type $k (cont $ft))
  (tag $tick)
  (tag $stop)

  ;; 1. two performs, one handler: the handle is reinstalled by continue (deep), so the second
  ;;    perform is caught by the same clause. (typed-cont: a bare second resume lets the
  ;;    second suspend escape: "unhandled tag".)
  (func (export "twice") (result i32)
    (local $n i32)
    (handle (result i32)
      (do (perform $tick) (perform $tick) (local.get $n))
      (on $tick $k
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (continue $k))))

  ;; 2. where continue returns: when the reinstalled handle finishes, here by the $stop
  ;;    clause's value 7, not by the body's 1.
  (func (export "return-point") (result i32)
    (handle (result i32)
      (do (perform $tick) (perform $stop) (i32.const 1))
      (on $tick $k (i32.add (continue $k) (i32.const 100)))
      (on $stop $k (drop) (i32.const 7))))

  ;; 3. stack growth: n ticks, each answered by a clause that continues and then adds 1.
  ;;    Not tail-resumptive: one handler entry per tick stays on the stack.
  (func $ticks (param $n i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (perform $tick)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l))))
  (func (export "grow") (param $n i32) (result i32)
    (handle (result i32)
      (do (call $ticks (local.get $n)) (i32.const 0))
      (on $tick $k (i32.add (continue $k) (i32.const 1)))))
  ;;    Tail-resumptive: the same count, kept in a local instead, runs in constant space.
  (func (export "flat") (param $n i32) (result i32)
    (local $c i32)
    (handle (result i32)
      (do (call $ticks (local.get $n)) (local.get $c))
      (on $tick $k
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (continue $k))))
)

(assert_return (invoke "twice") (i32.const 2))
(assert_return (invoke "return-point") (i32.const 107))
(assert_return (invoke "grow" (i32.const 1000)) (i32.const 1000))
(assert_exhaustion (invoke "grow" (i32.const 200000)) "call stack exhausted")
(assert_return (invoke "flat" (i32.const 200000)) (i32.const 200000))

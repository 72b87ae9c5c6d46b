;;! design = "typed-cont"
;; Two suspensions under one handler. typed-cont handlers are shallow ("sheep"): a resume's
;; clauses catch one suspension and vanish with its prompt. `twice` resumes the second time
;; with no clause, so the second `suspend $tick` reaches the host: "unhandled tag".
;; `twice-relisted` lists `(on $tick ...)` on every resume and agrees with the other designs.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func (result i32)))
  (type $ct (cont $ft))
  (tag $tick)

  (func $body (result i32)
    (suspend $tick)
    (suspend $tick)
    (i32.const 10))
  (elem declare func $body)

  ;; handles the first tick, then resumes without listing the handler again
  (func (export "twice") (result i32)
    (local $n i32)
    (block $on_tick (result (ref $ct))
      (return (resume $ct (on $tick $on_tick) (cont.new $ct (ref.func $body)))))
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (call $print (local.get $n))
    ;; the second suspend finds no handler
    (i32.add (resume $ct) (local.get $n)))

  ;; lists the handler on every resume: each tick is counted
  (func (export "twice-relisted") (result i32)
    (local $k (ref null $ct)) (local $n i32)
    (local.set $k (cont.new $ct (ref.func $body)))
    (loop $l
      (block $on_tick (result (ref $ct))
        (return
          (i32.add
            (resume $ct (on $tick $on_tick) (local.get $k))
            (local.get $n))))
      (local.set $k)
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (call $print (local.get $n))
      (br $l))
    (unreachable))
)

;; prints 1, then the second tick is unhandled
(assert_suspension (invoke "twice") "unhandled tag")
;; prints 1 2
(assert_return (invoke "twice-relisted") (i32.const 12))

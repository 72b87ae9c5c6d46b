;;! design = "typed-cont"
;; Pipes with typed continuations: the consumer resumes the producer, which suspends $send
;; (value, more) to it. The producer sends the squares 1, 4, ..., n*n and then (0, 0).
;; Same transcript and results as the other two.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $pft (func))
  (type $pct (cont $pft))
  (tag $send (param i32 i32))

  (global $n (mut i32) (i32.const 0))
  (global $quiet (mut i32) (i32.const 0))

  (func $produce
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (global.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (suspend $send (i32.mul (local.get $i) (local.get $i)) (i32.const 1))
        (br $l)))
    (suspend $send (i32.const 0) (i32.const 0)))
  (elem declare func $produce)

  (func $pipe (param $n i32) (result i32)
    (local $p (ref null $pct)) (local $total i32) (local $v i32)
    (global.set $n (local.get $n))
    (local.set $p (cont.new $pct (ref.func $produce)))
    (block $end
      (loop $l
        (block $on_send (result i32 i32 (ref $pct))
          (resume $pct (on $send $on_send) (local.get $p))
          (unreachable))
        (local.set $p)
        (br_if $end (i32.eqz))
        (local.set $v)
        (if (i32.eqz (global.get $quiet)) (then (call $print (local.get $v))))
        (local.set $total (i32.add (local.get $total) (local.get $v)))
        (br $l)))
    (local.get $total))

  (func (export "pipe") (param $n i32) (result i32)
    (call $pipe (local.get $n)))
  (func (export "pipe-quiet") (param $n i32) (result i32)
    (global.set $quiet (i32.const 1))
    (call $pipe (local.get $n))
    (global.set $quiet (i32.const 0)))
)

(assert_return (invoke "pipe" (i32.const 0)) (i32.const 0))
;; prints 1 4 9 16
(assert_return (invoke "pipe" (i32.const 4)) (i32.const 30))
(assert_return (invoke "pipe-quiet" (i32.const 100)) (i32.const 338350))
(assert_return (invoke "pipe-quiet" (i32.const 10000)) (i32.const -1624114088))

;;! design = "typed-cont"
;; Exceptions with typed continuations: the server is a continuation that suspends
;; $reply (status, value) and catches its own errors; an exception that a continuation does
;; not catch goes to its resumer; resume_throw raises at a suspension point. Same exports as
;; the other two; see README.md for the differences.

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $f0 (func))
  (type $c0 (cont $f0))
  (type $f1 (func (param i32)))
  (type $c1 (cont $f1))                 ;; the server after a $reply
  (type $fr (func (result i32)))
  (type $cr (cont $fr))
  (type $fk (func (param i32) (result i32)))
  (type $k1 (cont $fk))                 ;; the pokee after a $wait
  (tag $reply (param i32 i32) (result i32))
  (tag $wait (param i32) (result i32))
  (tag $bad (param i32))
  (tag $poke (param i32))

  (global $server (mut (ref null $c1)) (ref.null $c1))

  (func $check (param $x i32) (result i32)
    (if (i32.lt_s (local.get $x) (i32.const 0)) (then (throw $bad (local.get $x))))
    (i32.mul (local.get $x) (i32.const 2)))
  (func $deep (param $x i32) (param $d i32) (result i32)
    (if (result i32) (i32.eqz (local.get $d))
      (then (call $check (local.get $x)))
      (else (call $deep (local.get $x) (i32.sub (local.get $d) (i32.const 1))))))

  (func $serve
    (local $x i32) (local $v i32)
    (local.set $x (suspend $reply (i32.const 0) (i32.const 0)))
    (loop $l
      (block $err (result i32)
        (try_table (catch $bad $err)
          (local.set $v (call $deep (local.get $x) (i32.const 20))))
        (local.set $x (suspend $reply (i32.const 0) (local.get $v)))
        (br $l))
      (local.set $v)
      (call $print (local.get $v))          ;; the server reports the error it caught
      (local.set $x (suspend $reply (i32.const 1) (local.get $v)))
      (br $l)))
  (elem declare func $serve $leaky $pokee)

  (func $start
    (block $h (result i32 i32 (ref $c1))
      (resume $c0 (on $reply $h) (cont.new $c0 (ref.func $serve)))
      (unreachable))
    (global.set $server)
    (drop) (drop))
  (func (export "start") (call $start))
  (func (export "ask") (param $x i32) (result i32)
    (local $v i32)
    (block $h (result i32 i32 (ref $c1))
      (resume $c1 (on $reply $h) (local.get $x) (global.get $server))
      (unreachable))
    (global.set $server)
    (local.set $v)
    (if (then (throw $bad (local.get $v))))
    (local.get $v))

  (func $leaky (drop (call $deep (i32.const -1) (i32.const 3))))
  (func (export "escape") (result i32)
    (resume $c0 (cont.new $c0 (ref.func $leaky)))
    (i32.const 0))
  (func (export "escape-caught-by-caller") (result i32)
    (block $h
      (try_table (catch_all $h)
        (resume $c0 (cont.new $c0 (ref.func $leaky))))
      (return (i32.const 0)))
    (i32.const 1))

  (func $pokee (result i32)
    (block $h (result i32)
      (try_table (catch $poke $h)
        (loop $l (drop (suspend $wait (i32.const 0))) (br $l)))
      (unreachable))
    (i32.add (i32.const 1))
    (i32.add (i32.const 200)))
  (func (export "poke") (result i32)
    (local $c (ref null $k1))
    (block $h (result i32 (ref $k1))
      (resume $cr (on $wait $h) (cont.new $cr (ref.func $pokee)))
      (return))
    (local.set $c)
    (drop)
    (resume_throw $k1 $poke (i32.const 41) (local.get $c)))
  (func (export "poke-uncaught")
    (call $start)
    (resume_throw $c1 $poke (i32.const 1) (global.get $server)))
)

(invoke "start")
(assert_return (invoke "ask" (i32.const 5)) (i32.const 10))
(assert_exception (invoke "ask" (i32.const -3)))
(assert_return (invoke "ask" (i32.const 7)) (i32.const 14))
(assert_exception (invoke "ask" (i32.const -1)))
(assert_return (invoke "ask" (i32.const 0)) (i32.const 0))
(assert_exception (invoke "escape"))
(assert_return (invoke "escape-caught-by-caller") (i32.const 1))
(assert_return (invoke "poke") (i32.const 242))
(assert_exception (invoke "poke-uncaught"))

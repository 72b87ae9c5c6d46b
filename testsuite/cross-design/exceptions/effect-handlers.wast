;;! design = "effect-handlers"
;; Exceptions across handlers. A server runs under a handle and waits for requests with
;; `perform $reply (status, value)`; it catches its own errors and reports them; the driver
;; turns a report into an exception for the host. Unlike raw-stacks, an exception that the
;; body does not catch is not a trap: it passes through the handle to wherever the handle
;; currently lives (the caller, or the continue / discontinue that reinstalled it).

(module
  (func $print (import "spectest" "print_i32") (param i32))
  (type $ft (func (param i32) (result i32 i32)))
  (type $k (cont $ft))
  (type $ft1 (func (param i32) (result i32)))
  (type $k1 (cont $ft1))
  (tag $reply (param i32 i32) (result i32))   ;; (status, value) -> next input
  (tag $wait (param i32) (result i32))
  (tag $bad (param i32))
  (tag $poke (param i32))

  (global $server (mut (ref null $k)) (ref.null $k))

  (func $check (param $x i32) (result i32)
    (if (i32.lt_s (local.get $x) (i32.const 0)) (then (throw $bad (local.get $x))))
    (i32.mul (local.get $x) (i32.const 2)))
  (func $deep (param $x i32) (param $d i32) (result i32)
    (if (result i32) (i32.eqz (local.get $d))
      (then (call $check (local.get $x)))
      (else (call $deep (local.get $x) (i32.sub (local.get $d) (i32.const 1))))))

  ;; serves inputs forever: replies (0, result) or (1, the bad input)
  (func $serve (result i32 i32)
    (local $x i32) (local $v i32)
    (local.set $x (perform $reply (i32.const 0) (i32.const 0)))   ;; ready
    (loop $l
      (block $err (result i32)
        (try_table (catch $bad $err)
          (local.set $v (call $deep (local.get $x) (i32.const 20))))
        (local.set $x (perform $reply (i32.const 0) (local.get $v)))
        (br $l))
      (local.set $v)
      (call $print (local.get $v))          ;; the server reports the error it caught
      (local.set $x (perform $reply (i32.const 1) (local.get $v)))
      (br $l))
    (unreachable))

  (func (export "start")
    (handle (result i32 i32)
      (do (call $serve))
      (on $reply $k (global.set $server)))
    (drop) (drop))
  (func (export "ask") (param $x i32) (result i32)
    (local $v i32)
    (continue $k (local.get $x) (global.get $server))
    (local.set $v)
    (if (then (throw $bad (local.get $v))))
    (local.get $v))

  ;; an exception the body does not catch leaves the handle like any block
  (func $leaky (result i32) (call $deep (i32.const -1) (i32.const 3)))
  (func (export "escape") (result i32)
    (handle (result i32) (do (call $leaky)) (on $wait $k1 (continue $k1))))
  (func (export "escape-caught-by-caller") (result i32)
    (block $h
      (try_table (catch_all $h)
        (drop (handle (result i32) (do (call $leaky)) (on $wait $k1 (continue $k1)))))
      (return (i32.const 0)))
    (i32.const 1))

  ;; discontinue: the target catches at its perform site and finishes
  (func $pokee (result i32)
    (block $h (result i32)
      (try_table (catch $poke $h)
        (loop $l (drop (perform $wait (i32.const 0))) (br $l)))
      (unreachable))
    (i32.add (i32.const 1))
    (i32.add (i32.const 200)))
  (func (export "poke") (result i32)
    (local $c (ref null $k1))
    (handle (result i32)
      (do (call $pokee))
      (on $wait $k1
        (local.set $c)
        (drop)
        (discontinue $k1 $poke (i32.const 41) (local.get $c)))))
  ;; a target that does not catch: the exception comes out of the discontinue
  (func (export "poke-uncaught")
    (local $c (ref null $k))
    (call $start-local)
    (discontinue $k $poke (i32.const 1) (global.get $server))
    (drop) (drop))
  (func $start-local
    (handle (result i32 i32)
      (do (call $serve))
      (on $reply $k (global.set $server)))
    (drop) (drop))
)

(invoke "start")
(assert_return (invoke "ask" (i32.const 5)) (i32.const 10))
(assert_exception (invoke "ask" (i32.const -3)))
;; the server caught its error and is still serving
(assert_return (invoke "ask" (i32.const 7)) (i32.const 14))
(assert_exception (invoke "ask" (i32.const -1)))
(assert_return (invoke "ask" (i32.const 0)) (i32.const 0))
(assert_exception (invoke "escape"))
(assert_return (invoke "escape-caught-by-caller") (i32.const 1))
(assert_return (invoke "poke") (i32.const 242))
(assert_exception (invoke "poke-uncaught"))

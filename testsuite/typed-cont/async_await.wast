;; async/await over promises. Tasks are continuations; $await suspends a task until its
;; promise is resolved. The event loop runs ready tasks and, when none is ready, completes
;; the oldest pending I/O request (standing in for the host), which resolves a promise and
;; makes its waiters ready.

(module
  (type $wf (func (param i32)))
  (type $wk (cont $wf))
  (type $tf (func (param i32) (result i32)))
  (type $waiter (struct (field $k (ref $wk)) (field $next (ref null $waiter))))
  (type $promise (struct
    (field $done (mut i32)) (field $value (mut i32)) (field $waiters (mut (ref null $waiter)))))
  (type $rf (func (param (ref $promise) (ref $tf) i32 i32)))
  (type $rk (cont $rf))
  (type $conts (array (mut (ref null $wk))))
  (type $promises (array (mut (ref null $promise))))
  (type $ints (array (mut i32)))

  (func $print (import "spectest" "print_i32") (param i32))
  (tag $await (param (ref $promise)) (result i32))


  ;; Ready queue: (continuation, value to resume it with).
  (global $ready-k (mut (ref null $conts)) (ref.null $conts))
  (global $ready-v (mut (ref null $ints)) (ref.null $ints))
  (global $ready-head (mut i32) (i32.const 0))
  (global $ready-len (mut i32) (i32.const 0))
  ;; Pending I/O: (promise, value it will be resolved with).
  (global $io-p (mut (ref null $promises)) (ref.null $promises))
  (global $io-v (mut (ref null $ints)) (ref.null $ints))
  (global $io-head (mut i32) (i32.const 0))
  (global $io-len (mut i32) (i32.const 0))
  (global $suspensions (mut i32) (i32.const 0))

  (func $init
    (global.set $ready-k (array.new $conts (ref.null $wk) (i32.const 1024)))
    (global.set $ready-v (array.new $ints (i32.const 0) (i32.const 1024)))
    (global.set $io-p (array.new $promises (ref.null $promise) (i32.const 1024)))
    (global.set $io-v (array.new $ints (i32.const 0) (i32.const 1024)))
    (global.set $ready-head (i32.const 0))
    (global.set $ready-len (i32.const 0))
    (global.set $io-head (i32.const 0))
    (global.set $io-len (i32.const 0))
    (global.set $suspensions (i32.const 0)))

  (func $make-ready (param $k (ref $wk)) (param $v i32)
    (local $slot i32)
    (local.set $slot (i32.and (i32.add (global.get $ready-head) (global.get $ready-len)) (i32.const 1023)))
    (array.set $conts (ref.as_non_null (global.get $ready-k)) (local.get $slot) (local.get $k))
    (array.set $ints (ref.as_non_null (global.get $ready-v)) (local.get $slot) (local.get $v))
    (global.set $ready-len (i32.add (global.get $ready-len) (i32.const 1))))

  (func $new-promise (result (ref $promise))
    (struct.new $promise (i32.const 0) (i32.const 0) (ref.null $waiter)))

  (func $resolve (param $p (ref $promise)) (param $v i32)
    (local $w (ref null $waiter))
    (struct.set $promise $done (local.get $p) (i32.const 1))
    (struct.set $promise $value (local.get $p) (local.get $v))
    (local.set $w (struct.get $promise $waiters (local.get $p)))
    (struct.set $promise $waiters (local.get $p) (ref.null $waiter))
    (block $none
      (loop $wake
        (br_if $none (ref.is_null (local.get $w)))
        (call $make-ready (struct.get $waiter $k (ref.as_non_null (local.get $w))) (local.get $v))
        (local.set $w (struct.get $waiter $next (ref.as_non_null (local.get $w))))
        (br $wake))))

  ;; The "host": an I/O request for x completes later with 10 * x.
  (func $io (param $x i32) (result (ref $promise))
    (local $p (ref $promise))
    (local $slot i32)
    (local.set $p (call $new-promise))
    (local.set $slot (i32.and (i32.add (global.get $io-head) (global.get $io-len)) (i32.const 1023)))
    (array.set $promises (ref.as_non_null (global.get $io-p)) (local.get $slot) (local.get $p))
    (array.set $ints (ref.as_non_null (global.get $io-v)) (local.get $slot)
      (i32.mul (local.get $x) (i32.const 10)))
    (global.set $io-len (i32.add (global.get $io-len) (i32.const 1)))
    (local.get $p))

  (func $await (param $p (ref $promise)) (result i32)
    (if (result i32) (struct.get $promise $done (local.get $p))
      (then (struct.get $promise $value (local.get $p)))
      (else (suspend $await (local.get $p)))))

  ;; Body of every task: run f(arg) and resolve the task's promise with the result.
  (func $task (param $p (ref $promise)) (param $f (ref $tf)) (param $arg i32) (param i32)
    (call $resolve (local.get $p) (call_ref $tf (local.get $arg) (local.get $f))))
  (elem declare func $task)

  (func $async (param $f (ref $tf)) (param $arg i32) (result (ref $promise))
    (local $p (ref $promise))
    (local.set $p (call $new-promise))
    (call $make-ready
      (cont.bind $rk $wk (local.get $p) (local.get $f) (local.get $arg)
        (cont.new $rk (ref.func $task)))
      (i32.const 0))
    (local.get $p))

  (func $event-loop
    (local $slot i32)
    (local $k (ref null $wk))
    (local $p (ref null $promise))
    (loop $turn
      (if (global.get $ready-len)
        (then
          (local.set $slot (global.get $ready-head))
          (global.set $ready-head (i32.and (i32.add (local.get $slot) (i32.const 1)) (i32.const 1023)))
          (global.set $ready-len (i32.sub (global.get $ready-len) (i32.const 1)))
          (local.set $k (array.get $conts (ref.as_non_null (global.get $ready-k)) (local.get $slot)))
          (array.set $conts (ref.as_non_null (global.get $ready-k)) (local.get $slot) (ref.null $wk))
          (block $on-await (result (ref $promise) (ref $wk))
            (resume $wk (on $await $on-await)
              (array.get $ints (ref.as_non_null (global.get $ready-v)) (local.get $slot))
              (local.get $k))
            (br $turn))
          ;; A task waits: park it on its promise.
          (local.set $k)
          (local.set $p)
          (global.set $suspensions (i32.add (global.get $suspensions) (i32.const 1)))
          (struct.set $promise $waiters (ref.as_non_null (local.get $p))
            (struct.new $waiter (ref.as_non_null (local.get $k))
              (struct.get $promise $waiters (ref.as_non_null (local.get $p)))))
          (br $turn)))
      (if (global.get $io-len)
        (then
          (local.set $slot (global.get $io-head))
          (global.set $io-head (i32.and (i32.add (local.get $slot) (i32.const 1)) (i32.const 1023)))
          (global.set $io-len (i32.sub (global.get $io-len) (i32.const 1)))
          (call $print (array.get $ints (ref.as_non_null (global.get $io-v)) (local.get $slot)))
          (call $resolve
            (ref.as_non_null (array.get $promises (ref.as_non_null (global.get $io-p)) (local.get $slot)))
            (array.get $ints (ref.as_non_null (global.get $io-v)) (local.get $slot)))
          (br $turn)))))

  ;; Tasks.

  ;; Issues n requests at once, then awaits them all.
  (func $fetch-sum (type $tf) (param $n i32) (result i32)
    (local $ps (ref $promises))
    (local $i i32)
    (local $sum i32)
    (local.set $ps (array.new $promises (ref.null $promise) (local.get $n)))
    (loop $issue
      (if (i32.lt_u (local.get $i) (local.get $n))
        (then
          (array.set $promises (local.get $ps) (local.get $i)
            (call $io (i32.add (local.get $i) (i32.const 1))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $issue))))
    (local.set $i (i32.const 0))
    (loop $gather
      (if (i32.lt_u (local.get $i) (local.get $n))
        (then
          (local.set $sum (i32.add (local.get $sum)
            (call $await (ref.as_non_null (array.get $promises (local.get $ps) (local.get $i))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $gather))))
    (local.get $sum))

  ;; Awaits one request, then doubles its answer.
  (func $double-io (type $tf) (param $x i32) (result i32)
    (i32.mul (i32.const 2) (call $await (call $io (local.get $x)))))

  ;; Starts n sub-tasks and awaits their promises: tasks awaiting tasks.
  (func $fan-in (type $tf) (param $n i32) (result i32)
    (local $ps (ref $promises))
    (local $i i32)
    (local $sum i32)
    (local.set $ps (array.new $promises (ref.null $promise) (local.get $n)))
    (loop $start
      (if (i32.lt_u (local.get $i) (local.get $n))
        (then
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (array.set $promises (local.get $ps) (i32.sub (local.get $i) (i32.const 1))
            (call $async (ref.func $double-io) (local.get $i)))
          (br $start))))
    (local.set $i (i32.const 0))
    (loop $gather
      (if (i32.lt_u (local.get $i) (local.get $n))
        (then
          (local.set $sum (i32.add (local.get $sum)
            (call $await (ref.as_non_null (array.get $promises (local.get $ps) (local.get $i))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $gather))))
    (local.get $sum))

  ;; Awaits a promise nobody will resolve.
  (func $stuck (type $tf) (param i32) (result i32)
    (call $await (call $new-promise)))
  (elem declare func $fetch-sum $double-io $fan-in $stuck)

  ;; Runs task f(arg) to completion; -1 if it never finished.
  (func $main (param $f (ref $tf)) (param $arg i32) (result i32)
    (local $p (ref $promise))
    (call $init)
    (local.set $p (call $async (local.get $f) (local.get $arg)))
    (call $event-loop)
    (if (result i32) (struct.get $promise $done (local.get $p))
      (then (struct.get $promise $value (local.get $p)))
      (else (i32.const -1))))

  (func (export "fetch-sum") (param i32) (result i32)
    (call $main (ref.func $fetch-sum) (local.get 0)))
  (func (export "fan-in") (param i32) (result i32)
    (call $main (ref.func $fan-in) (local.get 0)))
  (func (export "stuck") (result i32)
    (call $main (ref.func $stuck) (i32.const 0)))
  (func (export "suspensions") (result i32) (global.get $suspensions))

  ;; Awaiting a pending promise outside the event loop.
  (func (export "await-outside") (result i32)
    (call $await (call $new-promise)))
  ;; Awaiting a resolved promise never suspends, even outside the loop.
  (func (export "await-resolved") (result i32)
    (local $p (ref $promise))
    (local.set $p (call $new-promise))
    (call $resolve (local.get $p) (i32.const 31))
    (call $await (local.get $p)))
)

(assert_return (invoke "fetch-sum" (i32.const 1)) (i32.const 10))
(assert_return (invoke "suspensions") (i32.const 1))
(assert_return (invoke "fetch-sum" (i32.const 4)) (i32.const 100))
(assert_return (invoke "fetch-sum" (i32.const 500)) (i32.const 1252500))
(assert_return (invoke "fan-in" (i32.const 10)) (i32.const 1100))
(assert_return (invoke "fan-in" (i32.const 300)) (i32.const 903000))
(assert_return (invoke "stuck") (i32.const -1))
(assert_suspension (invoke "await-outside") "unhandled")
(assert_return (invoke "await-resolved") (i32.const 31))

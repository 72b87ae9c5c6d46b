;; Erlang-style actors: thousands of processes, each a continuation blocked in $receive,
;; held in a GC array. A dispatcher delivers messages from one FIFO queue, one at a time,
;; round-robin over the processes; a process may $send while it handles a message.

(module
  (type $pf (func (param i32 i32)))
  (type $pk (cont $pf))
  (type $wf (func (param i32)))
  (type $wk (cont $wf))
  (type $procs (array (mut (ref null $wk))))

  ;; receive blocks until a message arrives; send queues (target, value) and returns 0.
  (tag $receive (result i32))
  (tag $send (param i32 i32) (result i32))

  (memory 8)
  (global $procs (mut (ref null $procs)) (ref.null $procs))
  (global $nprocs (mut i32) (i32.const 0))
  (global $q-head (mut i32) (i32.const 0))
  (global $q-len (mut i32) (i32.const 0))
  (global $delivered (mut i32) (i32.const 0))
  (global $last (mut i32) (i32.const -1))
  (global $total (mut i32) (i32.const 0))
  (global $exited (mut i32) (i32.const 0))

  ;; The message queue: a ring of 65536 (target, value) pairs in memory.
  (func $post (param $to i32) (param $v i32)
    (local $slot i32)
    (if (i32.eq (global.get $q-len) (i32.const 65536)) (then (unreachable)))
    (local.set $slot (i32.shl
      (i32.and (i32.add (global.get $q-head) (global.get $q-len)) (i32.const 0xFFFF))
      (i32.const 3)))
    (i32.store (local.get $slot) (local.get $to))
    (i32.store offset=4 (local.get $slot) (local.get $v))
    (global.set $q-len (i32.add (global.get $q-len) (i32.const 1))))

  ;; Runs process $pid on one message until it blocks again or exits.
  (func $deliver (param $pid i32) (param $msg i32)
    (local $k (ref null $wk))
    (local.set $k (array.get $procs (ref.as_non_null (global.get $procs)) (local.get $pid)))
    ;; Messages to exited processes are dropped.
    (if (ref.is_null (local.get $k)) (then (return)))
    (array.set $procs (ref.as_non_null (global.get $procs)) (local.get $pid) (ref.null $wk))
    (global.set $delivered (i32.add (global.get $delivered) (i32.const 1)))
    (loop $running
      (block $on-receive (result (ref $wk))
        (block $on-send (result i32 i32 (ref $wk))
          (resume $wk (on $receive $on-receive) (on $send $on-send)
            (local.get $msg) (local.get $k))
          (return))
        (local.set $k)
        (call $post)
        (local.set $msg (i32.const 0))
        (br $running))
      (local.set $k)
      (array.set $procs (ref.as_non_null (global.get $procs)) (local.get $pid) (local.get $k))))

  (func $drain
    (local $slot i32)
    (loop $more
      (if (global.get $q-len)
        (then
          (local.set $slot (i32.shl (global.get $q-head) (i32.const 3)))
          (global.set $q-head (i32.and (i32.add (global.get $q-head) (i32.const 1)) (i32.const 0xFFFF)))
          (global.set $q-len (i32.sub (global.get $q-len) (i32.const 1)))
          (call $deliver (i32.load (local.get $slot)) (i32.load offset=4 (local.get $slot)))
          (br $more)))))

  ;; Starts n processes running $body; each runs up to its first receive.
  (func $spawn-all (param $body (ref $pf)) (param $n i32)
    (local $i i32)
    (global.set $procs (array.new $procs (ref.null $wk) (local.get $n)))
    (global.set $nprocs (local.get $n))
    (global.set $q-head (i32.const 0))
    (global.set $q-len (i32.const 0))
    (global.set $delivered (i32.const 0))
    (global.set $exited (i32.const 0))
    (global.set $total (i32.const 0))
    (loop $spawn
      (if (i32.lt_u (local.get $i) (local.get $n))
        (then
          (array.set $procs (ref.as_non_null (global.get $procs)) (local.get $i)
            (cont.bind $pk $wk (local.get $i) (cont.new $pk (local.get $body))))
          (call $deliver (local.get $i) (i32.const 0))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $spawn)))))

  ;; Passes a token along the ring; whoever receives 0 records itself.
  (func $relay (param $self i32) (param i32)
    (local $m i32)
    (loop $forever
      (local.set $m (suspend $receive))
      (if (i32.eqz (local.get $m))
        (then (global.set $last (local.get $self)))
        (else
          (drop (suspend $send
            (i32.rem_u (i32.add (local.get $self) (i32.const 1)) (global.get $nprocs))
            (i32.sub (local.get $m) (i32.const 1))))))
      (br $forever)))

  ;; Adds up everything it receives; -1 makes it report and exit.
  (func $accumulate (param $self i32) (param i32)
    (local $m i32)
    (local $sum i32)
    (loop $more
      (local.set $m (suspend $receive))
      (if (i32.ge_s (local.get $m) (i32.const 0))
        (then
          (local.set $sum (i32.add (local.get $sum) (local.get $m)))
          (br $more))))
    (global.set $total (i32.add (global.get $total) (local.get $sum)))
    (global.set $exited (i32.add (global.get $exited) (i32.const 1))))
  (elem declare func $relay $accumulate)

  (func (export "ring") (param $n i32) (param $hops i32) (result i32)
    (call $spawn-all (ref.func $relay) (local.get $n))
    (global.set $last (i32.const -1))
    (call $post (i32.const 0) (local.get $hops))
    (call $drain)
    (global.get $last))

  ;; Every round sends process i the value i; then everyone is told to stop.
  (func (export "sum") (param $n i32) (param $rounds i32) (result i32)
    (local $r i32)
    (local $i i32)
    (call $spawn-all (ref.func $accumulate) (local.get $n))
    (loop $round
      (if (i32.lt_u (local.get $r) (local.get $rounds))
        (then
          (local.set $i (i32.const 0))
          (loop $each
            (if (i32.lt_u (local.get $i) (local.get $n))
              (then
                (call $post (local.get $i) (local.get $i))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $each))))
          (call $drain)
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $round))))
    (local.set $i (i32.const 0))
    (loop $stop
      (if (i32.lt_u (local.get $i) (local.get $n))
        (then
          (call $post (local.get $i) (i32.const -1))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $stop))))
    (call $drain)
    (global.get $total))

  (func (export "exited") (result i32) (global.get $exited))
  (func (export "delivered") (result i32) (global.get $delivered))

  ;; Counts processes still blocked in receive.
  (func (export "alive") (result i32)
    (local $i i32)
    (local $alive i32)
    (loop $l
      (if (i32.lt_u (local.get $i) (global.get $nprocs))
        (then
          (local.set $alive (i32.add (local.get $alive)
            (i32.eqz (ref.is_null
              (array.get $procs (ref.as_non_null (global.get $procs)) (local.get $i))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l))))
    (local.get $alive))

  ;; A process body called outside the dispatcher has nobody to receive from.
  (func (export "receive-outside")
    (call $relay (i32.const 0) (i32.const 0)))
)

(assert_return (invoke "ring" (i32.const 3) (i32.const 7)) (i32.const 1))
(assert_return (invoke "alive") (i32.const 3))
(assert_return (invoke "ring" (i32.const 10000) (i32.const 25000)) (i32.const 5000))
(assert_return (invoke "alive") (i32.const 10000))
(assert_return (invoke "delivered") (i32.const 35001))
(assert_return (invoke "sum" (i32.const 10000) (i32.const 3)) (i32.const 149985000))
(assert_return (invoke "exited") (i32.const 10000))
(assert_return (invoke "alive") (i32.const 0))
(assert_return (invoke "delivered") (i32.const 50000))
(assert_suspension (invoke "receive-outside") "unhandled")

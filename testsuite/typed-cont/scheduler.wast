;; A TinyGo-style scheduler: the main stack runs a run queue of goroutines (continuations in
;; a GC ring buffer). Goroutines start others with $go and yield at every blocking channel
;; operation, retrying when they are scheduled again.

(module $runtime
  (type $gf (func))
  (type $g (cont $gf))
  (type $ring (array (mut (ref null $g))))
  (type $chan (struct
    (field $full (mut i32)) (field $val (mut i32)) (field $closed (mut i32))))

  (tag $yield (export "yield"))
  (tag $go (export "go") (param (ref $g)))

  (global $q (mut (ref null $ring)) (ref.null $ring))
  (global $head (mut i32) (i32.const 0))
  (global $len (mut i32) (i32.const 0))
  (global $switches (mut i32) (i32.const 0))

  (func $enqueue (param $k (ref $g))
    (local $q (ref $ring))
    (local.set $q (ref.as_non_null (global.get $q)))
    (if (i32.eq (global.get $len) (array.len (local.get $q)))
      (then (unreachable)))
    (array.set $ring (local.get $q)
      (i32.rem_u (i32.add (global.get $head) (global.get $len)) (array.len (local.get $q)))
      (local.get $k))
    (global.set $len (i32.add (global.get $len) (i32.const 1))))

  (func $dequeue (result (ref null $g))
    (local $q (ref $ring))
    (local $k (ref null $g))
    (if (i32.eqz (global.get $len))
      (then (return (ref.null $g))))
    (local.set $q (ref.as_non_null (global.get $q)))
    (local.set $k (array.get $ring (local.get $q) (global.get $head)))
    (array.set $ring (local.get $q) (global.get $head) (ref.null $g))
    (global.set $head (i32.rem_u (i32.add (global.get $head) (i32.const 1))
      (array.len (local.get $q))))
    (global.set $len (i32.sub (global.get $len) (i32.const 1)))
    (local.get $k))

  ;; Runs goroutines until none is left. A new goroutine is queued before its parent.
  (func (export "run") (param $main (ref $g))
    (local $next (ref null $g))
    (local $parent (ref $g))
    (global.set $q (array.new $ring (ref.null $g) (i32.const 256)))
    (global.set $head (i32.const 0))
    (global.set $len (i32.const 0))
    (call $enqueue (local.get $main))
    (loop $schedule
      (local.set $next (call $dequeue))
      (if (ref.is_null (local.get $next)) (then (return)))
      (global.set $switches (i32.add (global.get $switches) (i32.const 1)))
      (block $on-yield (result (ref $g))
        (block $on-go (result (ref $g) (ref $g))
          (resume $g (on $yield $on-yield) (on $go $on-go) (local.get $next))
          (br $schedule))
        (local.set $parent)
        (call $enqueue)
        (call $enqueue (local.get $parent))
        (br $schedule))
      (call $enqueue)
      (br $schedule)))

  ;; Channels with room for one value.
  (func (export "make-chan") (result (ref $chan))
    (struct.new_default $chan))

  (func (export "send") (param $c (ref $chan)) (param $v i32)
    (loop $blocked
      (if (struct.get $chan $full (local.get $c))
        (then
          (suspend $yield)
          (br $blocked))))
    (struct.set $chan $val (local.get $c) (local.get $v))
    (struct.set $chan $full (local.get $c) (i32.const 1)))

  ;; Returns (value, 1), or (0, 0) once the channel is closed and empty.
  (func (export "recv") (param $c (ref $chan)) (result i32 i32)
    (loop $blocked
      (if (struct.get $chan $full (local.get $c))
        (then
          (struct.set $chan $full (local.get $c) (i32.const 0))
          (return (struct.get $chan $val (local.get $c)) (i32.const 1))))
      (if (struct.get $chan $closed (local.get $c))
        (then (return (i32.const 0) (i32.const 0))))
      (suspend $yield)
      (br $blocked))
    (unreachable))

  (func (export "close") (param $c (ref $chan))
    (struct.set $chan $closed (local.get $c) (i32.const 1)))

  (func (export "switches") (result i32) (global.get $switches))
)
(register "runtime")

(module $program
  (type $gf (func))
  (type $g (cont $gf))
  (type $chan (struct
    (field $full (mut i32)) (field $val (mut i32)) (field $closed (mut i32))))
  (type $pf (func (param (ref $chan) i32)))
  (type $pk (cont $pf))
  (type $ff (func (param (ref $chan) (ref $chan))))
  (type $fk (cont $ff))

  (tag $yield (import "runtime" "yield"))
  (tag $go (import "runtime" "go") (param (ref $g)))
  (func $run (import "runtime" "run") (param (ref $g)))
  (func $make-chan (import "runtime" "make-chan") (result (ref $chan)))
  (func $send (import "runtime" "send") (param (ref $chan) i32))
  (func $recv (import "runtime" "recv") (param (ref $chan)) (result i32 i32))
  (func $close (import "runtime" "close") (param (ref $chan)))
  (func $print (import "spectest" "print_i32") (param i32))

  (global $n (mut i32) (i32.const 0))
  (global $workers (mut i32) (i32.const 0))
  (global $result (mut i32) (i32.const 0))

  ;; Sends 1..n, then closes.
  (func $producer (param $out (ref $chan)) (param $n i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.le_s (local.get $i) (local.get $n))
        (then
          (call $send (local.get $out) (local.get $i))
          (br $l))))
    (call $close (local.get $out)))

  ;; Receives until closed, sends squares, then closes its output.
  (func $squarer (param $in (ref $chan)) (param $out (ref $chan))
    (local $v i32)
    (loop $l
      (call $recv (local.get $in))
      (if (param i32)
        (then
          (local.set $v)
          (call $send (local.get $out) (i32.mul (local.get $v) (local.get $v)))
          (br $l))
        (else (drop))))
    (call $close (local.get $out)))

  ;; Receives jobs until closed and sends each doubled; does not close (shared output).
  (func $worker (param $in (ref $chan)) (param $out (ref $chan))
    (local $v i32)
    (loop $l
      (call $recv (local.get $in))
      (if (param i32)
        (then
          (i32.mul (i32.const 2))
          (local.set $v)
          (call $send (local.get $out) (local.get $v))
          (br $l))
        (else (drop)))))
  (elem declare func $producer $squarer $worker $pipeline-main $pool-main)

  (func $spawn-producer (param $c (ref $chan)) (param $n i32)
    (suspend $go
      (cont.bind $pk $g (local.get $c) (local.get $n) (cont.new $pk (ref.func $producer)))))
  (func $spawn-filter (param $f (ref $ff)) (param $in (ref $chan)) (param $out (ref $chan))
    (suspend $go
      (cont.bind $fk $g (local.get $in) (local.get $out) (cont.new $fk (local.get $f)))))

  (func $pipeline-main
    (local $numbers (ref $chan))
    (local $squares (ref $chan))
    (local $sum i32)
    (local.set $numbers (call $make-chan))
    (local.set $squares (call $make-chan))
    (call $spawn-producer (local.get $numbers) (global.get $n))
    (call $spawn-filter (ref.func $squarer) (local.get $numbers) (local.get $squares))
    (loop $l
      (call $recv (local.get $squares))
      (if (param i32)
        (then
          (local.set $sum (i32.add (local.get $sum)))
          (br $l))
        (else (drop))))
    (global.set $result (local.get $sum)))

  (func $pool-main
    (local $jobs (ref $chan))
    (local $results (ref $chan))
    (local $i i32)
    (local $sum i32)
    (local.set $jobs (call $make-chan))
    (local.set $results (call $make-chan))
    (call $spawn-producer (local.get $jobs) (global.get $n))
    (loop $spawn
      (if (i32.lt_s (local.get $i) (global.get $workers))
        (then
          (call $spawn-filter (ref.func $worker) (local.get $jobs) (local.get $results))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $spawn))))
    ;; Exactly n results will come.
    (local.set $i (i32.const 0))
    (loop $collect
      (if (i32.lt_s (local.get $i) (global.get $n))
        (then
          (call $recv (local.get $results))
          (drop)
          (local.set $sum (i32.add (local.get $sum)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $collect))))
    (call $print (local.get $sum))
    (global.set $result (local.get $sum)))

  (func (export "pipeline") (param $n i32) (result i32)
    (global.set $n (local.get $n))
    (global.set $result (i32.const -1))
    (call $run (cont.new $g (ref.func $pipeline-main)))
    (global.get $result))

  (func (export "pool") (param $n i32) (param $workers i32) (result i32)
    (global.set $n (local.get $n))
    (global.set $workers (local.get $workers))
    (global.set $result (i32.const -1))
    (call $run (cont.new $g (ref.func $pool-main)))
    (global.get $result))

  ;; A blocking operation outside the scheduler has nobody to yield to.
  (func (export "recv-outside") (result i32)
    (local $c (ref $chan))
    (local.set $c (call $make-chan))
    (call $recv (local.get $c))
    (drop))
)

(assert_return (invoke "pipeline" (i32.const 0)) (i32.const 0))
(assert_return (invoke "pipeline" (i32.const 10)) (i32.const 385))
(assert_return (invoke "pipeline" (i32.const 100)) (i32.const 338350))
(assert_return (invoke "pool" (i32.const 10) (i32.const 1)) (i32.const 110))
(assert_return (invoke "pool" (i32.const 100) (i32.const 4)) (i32.const 10100))
(assert_return (invoke "pool" (i32.const 50) (i32.const 60)) (i32.const 2550))
(assert_suspension (invoke "recv-outside") "unhandled")

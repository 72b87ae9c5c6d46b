;; Symmetric coroutines with switch: peers hand control (and a value) directly to each other
;; under one (on $hop switch) prompt, without returning to a scheduler in between.

(module
  (rec
    ;; A peer receives a value and the continuation of the peer that switched to it.
    (type $cf (func (param i32 (ref null $ck)) (result i32)))
    (type $ck (cont $cf)))
  (type $mf (func (param i32 i32 (ref null $ck)) (result i32)))
  (type $mk (cont $mf))
  (type $counts (array (mut i32)))

  (tag $hop (result i32))

  (table $ring 64 (ref null $ck))
  (global $size (mut i32) (i32.const 0))
  (global $limit (mut i32) (i32.const 0))
  (global $visits (mut (ref null $counts)) (ref.null $counts))

  ;; Member $self of a ring: files away the continuation of its predecessor, then passes the
  ;; token (plus one) to its successor. Whoever sees the limit returns.
  (func $member (param $self i32) (param $token i32) (param $prev (ref null $ck)) (result i32)
    (local $next-slot i32)
    (local $next (ref null $ck))
    (local.set $next-slot
      (i32.rem_u (i32.add (local.get $self) (i32.const 1)) (global.get $size)))
    (loop $turn
      (array.set $counts (ref.as_non_null (global.get $visits)) (local.get $self)
        (i32.add (i32.const 1)
          (array.get $counts (ref.as_non_null (global.get $visits)) (local.get $self))))
      (if (i32.eqz (ref.is_null (local.get $prev)))
        (then
          (table.set $ring
            (i32.rem_u (i32.add (local.get $self) (i32.sub (global.get $size) (i32.const 1)))
              (global.get $size))
            (local.get $prev))))
      (if (i32.ge_u (local.get $token) (global.get $limit))
        (then
          (return (i32.add (i32.mul (local.get $token) (i32.const 100)) (local.get $self)))))
      (local.set $next (table.get $ring (local.get $next-slot)))
      (table.set $ring (local.get $next-slot) (ref.null $ck))
      (switch $ck $hop (i32.add (local.get $token) (i32.const 1)) (local.get $next))
      (local.set $prev)
      (local.set $token)
      (br $turn))
    (unreachable))
  (elem declare func $member)

  (func (export "ring") (param $n i32) (param $limit i32) (result i32)
    (local $i i32)
    (local $first (ref null $ck))
    (global.set $size (local.get $n))
    (global.set $limit (local.get $limit))
    (global.set $visits (array.new_default $counts (local.get $n)))
    (loop $make
      (if (i32.lt_u (local.get $i) (local.get $n))
        (then
          (table.set $ring (local.get $i)
            (cont.bind $mk $ck (local.get $i) (cont.new $mk (ref.func $member))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $make))))
    (local.set $first (table.get $ring (i32.const 0)))
    (table.set $ring (i32.const 0) (ref.null $ck))
    (resume $ck (on $hop switch) (i32.const 0) (ref.null $ck) (local.get $first)))

  (func (export "visits") (param $i i32) (result i32)
    (array.get $counts (ref.as_non_null (global.get $visits)) (local.get $i)))

  ;; Coroutines still parked in the ring after it stopped.
  (func (export "parked") (result i32)
    (local $i i32)
    (local $n i32)
    (loop $l
      (if (i32.lt_u (local.get $i) (global.get $size))
        (then
          (local.set $n (i32.add (local.get $n)
            (i32.eqz (ref.is_null (table.get $ring (local.get $i))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l))))
    (local.get $n))

  ;; Ping-pong: the asker sends 1..n, the squarer answers each with its square.
  (func $squarer (type $cf) (param $x i32) (param $asker (ref null $ck)) (result i32)
    (loop $answer
      (switch $ck $hop (i32.mul (local.get $x) (local.get $x)) (local.get $asker))
      (local.set $asker)
      (local.set $x)
      (br $answer))
    (unreachable))
  (func $asker (type $cf) (param $n i32) (param (ref null $ck)) (result i32)
    (local $i i32)
    (local $sum i32)
    (local $peer (ref null $ck))
    (local.set $peer (cont.new $ck (ref.func $squarer)))
    (loop $ask
      (if (i32.lt_u (local.get $i) (local.get $n))
        (then
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (switch $ck $hop (local.get $i) (local.get $peer))
          (local.set $peer)
          (local.set $sum (i32.add (local.get $sum)))
          (br $ask))))
    (local.get $sum))
  (elem declare func $squarer $asker)

  (func (export "ping-pong") (param $n i32) (result i32)
    (resume $ck (on $hop switch) (local.get $n) (ref.null $ck) (cont.new $ck (ref.func $asker))))
)

(assert_return (invoke "ring" (i32.const 1) (i32.const 0)) (i32.const 0))
(assert_return (invoke "ring" (i32.const 5) (i32.const 12)) (i32.const 1202))
(assert_return (invoke "visits" (i32.const 0)) (i32.const 3))
(assert_return (invoke "visits" (i32.const 2)) (i32.const 3))
(assert_return (invoke "visits" (i32.const 4)) (i32.const 2))
(assert_return (invoke "parked") (i32.const 4))
(assert_return (invoke "ring" (i32.const 64) (i32.const 20000)) (i32.const 2000032))
(assert_return (invoke "parked") (i32.const 63))
(assert_return (invoke "ping-pong" (i32.const 10)) (i32.const 385))
(assert_return (invoke "ping-pong" (i32.const 100000)) (i32.const 1626540144))

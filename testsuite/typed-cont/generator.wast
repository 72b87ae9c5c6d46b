;; Generators: an in-order walk of a binary search tree (GC structs) yields every key to a
;; consumer; the consumer's reply (1 = more, 0 = stop) comes back as the result of the yield.
;; A filtering generator consumes the walker and re-yields with the same tag.

(module
  (type $node (struct
    (field $left (ref null $node)) (field $key i32) (field $right (ref null $node))))
  (type $fw (func (param i32)))
  (type $k1 (cont $fw))

  ;; emit: a key goes out, the consumer's reply comes back.
  (func $print (import "spectest" "print_i32") (param i32))
  (tag $emit (param i32) (result i32))


  (global $tree (mut (ref null $node)) (ref.null $node))
  (global $gen (mut (ref null $k1)) (ref.null $k1))

  ;; A balanced search tree holding lo..hi.
  (func $build (param $lo i32) (param $hi i32) (result (ref null $node))
    (local $mid i32)
    (if (i32.gt_s (local.get $lo) (local.get $hi))
      (then (return (ref.null $node))))
    (local.set $mid (i32.shr_s (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)))
    (struct.new $node
      (call $build (local.get $lo) (i32.sub (local.get $mid) (i32.const 1)))
      (local.get $mid)
      (call $build (i32.add (local.get $mid) (i32.const 1)) (local.get $hi))))

  ;; In-order walk; yields from any depth. Returns 0 once the consumer said stop.
  (func $walk (param $t (ref null $node)) (result i32)
    (if (ref.is_null (local.get $t))
      (then (return (i32.const 1))))
    (if (i32.eqz (call $walk (struct.get $node $left (local.get $t))))
      (then (return (i32.const 0))))
    (if (i32.eqz (suspend $emit (struct.get $node $key (local.get $t))))
      (then (return (i32.const 0))))
    (call $walk (struct.get $node $right (local.get $t))))

  ;; The generator body; its parameter is the (ignored) first reply.
  (func $walker (param i32)
    (drop (call $walk (global.get $tree))))

  ;; A generator over another generator: passes on the even keys only.
  (func $evens (param i32)
    (local $inner (ref null $k1))
    (local $key i32)
    (local $reply i32)
    (local.set $inner (cont.new $k1 (ref.func $walker)))
    (local.set $reply (i32.const 1))
    (loop $pull
      (block $on-emit (result i32 (ref $k1))
        (resume $k1 (on $emit $on-emit) (local.get $reply) (local.get $inner))
        (return))
      (local.set $inner)
      (local.set $key)
      (if (i32.eqz (i32.and (local.get $key) (i32.const 1)))
        (then (local.set $reply (suspend $emit (local.get $key)))))
      (br $pull)))
  (elem declare func $walker $evens)

  (func $start (param $n i32) (param $body (ref $fw))
    (global.set $tree (call $build (i32.const 1) (local.get $n)))
    (global.set $gen (cont.new $k1 (local.get $body))))

  ;; The consumer's side: sends a reply, gets (key, 1), or (0, 0) once the generator is done.
  (func $next (param $reply i32) (result i32 i32)
    (block $on-emit (result i32 (ref $k1))
      (resume $k1 (on $emit $on-emit) (local.get $reply) (global.get $gen))
      (global.set $gen (ref.null $k1))
      (return (i32.const 0) (i32.const 0)))
    (global.set $gen)
    (i32.const 1))

  (func $sum-all (result i32)
    (local $sum i32)
    (loop $more
      (call $next (i32.const 1))
      (if (param i32)
        (then
          (local.set $sum (i32.add (local.get $sum)))
          (br $more))
        (else (drop))))
    (local.get $sum))

  (func (export "sum") (param $n i32) (result i32)
    (call $start (local.get $n) (ref.func $walker))
    (call $sum-all))

  (func (export "sum-evens") (param $n i32) (result i32)
    (call $start (local.get $n) (ref.func $evens))
    (call $sum-all))

  ;; Counts keys below the limit, then says stop; the generator must then finish.
  ;; Result: count * 1000 + (1 if the generator finished on the stop reply).
  (func (export "take-while-below") (param $n i32) (param $limit i32) (result i32)
    (local $count i32)
    (local $key i32)
    (local $more i32)
    (call $start (local.get $n) (ref.func $walker))
    (call $next (i32.const 1))
    (drop)
    (local.set $key)
    (block $stop
      (loop $l
        (br_if $stop (i32.ge_s (local.get $key) (local.get $limit)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (call $next (i32.const 1))
        (drop)
        (local.set $key)
        (br $l)))
    (call $next (i32.const 0))
    (local.set $more)
    (drop)
    (i32.add
      (i32.mul (local.get $count) (i32.const 1000))
      (i32.eqz (local.get $more))))

  ;; Prints the first k keys of the even-key generator (transcript: 2 4 6 ...).
  (func (export "print-evens") (param $n i32) (param $k i32) (result i32)
    (local $printed i32)
    (call $start (local.get $n) (ref.func $evens))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $printed) (local.get $k)))
        (call $next (i32.const 1))
        (br_if $done (i32.eqz))
        (call $print)
        (local.set $printed (i32.add (local.get $printed) (i32.const 1)))
        (br $l)))
    ;; Stop the generator if it is still suspended.
    (if (i32.eqz (ref.is_null (global.get $gen)))
      (then (drop (drop (call $next (i32.const 0))))))
    (i32.add (local.get $printed) (i32.mul (i32.const 10) (ref.is_null (global.get $gen)))))
)

(assert_return (invoke "sum" (i32.const 0)) (i32.const 0))
(assert_return (invoke "sum" (i32.const 1)) (i32.const 1))
(assert_return (invoke "sum" (i32.const 100)) (i32.const 5050))
(assert_return (invoke "sum" (i32.const 2000)) (i32.const 2001000))
(assert_return (invoke "sum-evens" (i32.const 10)) (i32.const 30))
(assert_return (invoke "sum-evens" (i32.const 101)) (i32.const 2550))
(assert_return (invoke "take-while-below" (i32.const 100) (i32.const 10)) (i32.const 9001))
(assert_return (invoke "take-while-below" (i32.const 5) (i32.const 3)) (i32.const 2001))
(assert_return (invoke "print-evens" (i32.const 20) (i32.const 4)) (i32.const 14))
(assert_return (invoke "print-evens" (i32.const 5) (i32.const 9)) (i32.const 12))

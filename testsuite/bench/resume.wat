;; Benchmark: suspend/resume round trips (typed-cont).
;;
;; `run depth n live`: first parks `live` idle continuations (each suspended once, kept in a
;; table), then starts one continuation that recurses until it is `depth` frames deep and
;; suspends `n` times there; the driver below it resumes it after each suspension, listing its
;; handler again each time. Returns n. Both loops are unrolled ten times, so that the figure is
;; the round trip's, not the loop's: an ordinary instruction costs about 5 ns, and a loop
;; around each round trip would add 9 of them (`docs/performance.md`).
;; One round trip = one `suspend` caught by the driver's handler + one `resume`.
(module
  (type $f (func))
  (type $k (cont $f))
  (tag $yield)
  (global $depth (mut i32) (i32.const 0))
  (global $n (mut i32) (i32.const 0))
  (table $idle 0 (ref null $k))
  (elem declare func $start $idle)

  ;; At the bottom of the recursion: n suspensions, ten to an iteration of the loop (see the
  ;; driver below), the remainder of n / 10 one by one first.
  (func $body
    (local $i i32)
    (local.set $i (i32.rem_u (global.get $n) (i32.const 10)))
    (if (local.get $i)
      (then
        (loop $one
          (suspend $yield)
          (br_if $one (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))))
    (local.set $i (i32.div_u (global.get $n) (i32.const 10)))
    (if (local.get $i)
      (then
        (loop $ten
          (suspend $yield) (suspend $yield) (suspend $yield) (suspend $yield) (suspend $yield)
          (suspend $yield) (suspend $yield) (suspend $yield) (suspend $yield) (suspend $yield)
          (br_if $ten (local.tee $i (i32.sub (local.get $i) (i32.const 1))))))))

  ;; d frames of $deep above the caller, then $body.
  (func $deep (param $d i32)
    (if (i32.le_s (local.get $d) (i32.const 1))
      (then (call $body))
      (else (call $deep (i32.sub (local.get $d) (i32.const 1))))))

  ;; The continuation's function: $start + (depth - 2) x $deep + $body = depth frames.
  (func $start
    (call $deep (i32.sub (global.get $depth) (i32.const 2))))

  ;; An idle continuation: suspends forever.
  (func $idle
    (loop $l (suspend $yield) (br $l)))

  (func $park (param $live i32)
    (local $i i32)
    (drop (table.grow $idle (ref.null $k) (local.get $live)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $live)))
        (table.set $idle (local.get $i)
          (block $h (result (ref $k))
            (resume $k (on $yield $h) (cont.new $k (ref.func $idle)))
            (unreachable)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))

  ;; The driver resumes the continuation, ten times to an iteration of its loop: the
  ;; continuation stays on the stack between two resumptions, as the parameter of the next
  ;; handler's block, so each round trip is a `suspend`, the handler's label (one `block`
  ;; step) and a `resume`; the loops add 0.6 ordinary steps per round trip.
  (func (export "run") (param $depth i32) (param $n i32) (param $live i32) (result i32)
    (call $park (local.get $live))
    (global.set $depth (local.get $depth))
    (global.set $n (local.get $n))
    (block $finished
      (cont.new $k (ref.func $start))
      (loop $l (param (ref $k))
        (block $h (param (ref $k)) (result (ref $k)) (resume $k (on $yield $h)) (br $finished))
        (block $h (param (ref $k)) (result (ref $k)) (resume $k (on $yield $h)) (br $finished))
        (block $h (param (ref $k)) (result (ref $k)) (resume $k (on $yield $h)) (br $finished))
        (block $h (param (ref $k)) (result (ref $k)) (resume $k (on $yield $h)) (br $finished))
        (block $h (param (ref $k)) (result (ref $k)) (resume $k (on $yield $h)) (br $finished))
        (block $h (param (ref $k)) (result (ref $k)) (resume $k (on $yield $h)) (br $finished))
        (block $h (param (ref $k)) (result (ref $k)) (resume $k (on $yield $h)) (br $finished))
        (block $h (param (ref $k)) (result (ref $k)) (resume $k (on $yield $h)) (br $finished))
        (block $h (param (ref $k)) (result (ref $k)) (resume $k (on $yield $h)) (br $finished))
        (block $h (param (ref $k)) (result (ref $k)) (resume $k (on $yield $h)) (br $finished))
        (br $l)))
    (local.get $n))
)
